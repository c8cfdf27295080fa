package dev.plinth.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.OutcomeUnknownException;
import dev.plinth.Plinth;
import dev.plinth.PlinthException;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.etcd.history.RegisterHistory;
import dev.plinth.etcd.history.RegisterHistory.Kind;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A three-node etcd cluster on loopback under faults, with concurrent clients doing writes, reads and
 * compare-and-sets on a few keys through Plinth. Every operation's invocation, completion and result is
 * recorded (a write whose outcome is unknown as may-or-may-not) and the history is checked for
 * linearizability per key with {@link RegisterHistory}; final reads of every key are part of it, so an
 * acknowledged write that was lost fails the check.
 */
class EtcdClusterFaultTest {
    private static final int KEYS = 4;
    private static final int CLIENTS = 4;

    private static EtcdCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EtcdCluster.start(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** Each test starts on a cluster whose every member is up and healthy (one with a leader). */
    @org.junit.jupiter.api.BeforeEach
    void everyMemberHealthy() {
        for (EtcdCluster.Member m : cluster.members) {
            cluster.awaitHealthy(m);
        }
    }

    private static String uri(String root) {
        return cluster.uri(root) + "?timeout=3s";
    }

    @Test
    void historiesUnderLeaderKillFollowerKillAndPauseAreLinearizable() throws Exception {
        RegisterHistory history = new RegisterHistory();
        AtomicBoolean stop = new AtomicBoolean();
        AtomicInteger acknowledged = new AtomicInteger();
        AtomicInteger unknown = new AtomicInteger();
        try (Store store = Plinth.open(uri("faults"))) {
            Keyspace ks = store.defaultKeyspace();
            List<Thread> clients = new ArrayList<>();
            for (int c = 0; c < CLIENTS; c++) {
                int id = c;
                Thread t = new Thread(() -> clientLoop(ks, history, id, stop, acknowledged, unknown), "client-" + c);
                t.start();
                clients.add(t);
            }
            TimeUnit.MILLISECONDS.sleep(1500);
            EtcdCluster.Member leader = leader();
            leader.kill();
            TimeUnit.MILLISECONDS.sleep(2000);
            cluster.restart(leader);
            TimeUnit.MILLISECONDS.sleep(1000);
            EtcdCluster.Member follower = follower();
            follower.kill();
            TimeUnit.MILLISECONDS.sleep(1500);
            cluster.restart(follower);
            EtcdCluster.Member paused = leader();
            paused.signal("STOP");
            TimeUnit.MILLISECONDS.sleep(2000);
            paused.signal("CONT");
            cluster.awaitHealthy(paused);
            TimeUnit.MILLISECONDS.sleep(1000);
            stop.set(true);
            for (Thread t : clients) {
                t.join();
            }
            for (int k = 0; k < KEYS; k++) {
                RegisterHistory.Op op = history.invoke("k" + k, Kind.READ, null, null, System.nanoTime());
                op.read(System.nanoTime(), str(ks.get(key(k))));
            }
        }
        assertThat(acknowledged.get()).as("operations acknowledged across the faults").isPositive();
        assertThat(history.check()).as("linearizability of %d operations (%d with unknown outcome)",
                history.size(), unknown.get()).isEmpty();
    }

    @Test
    void withTwoOfThreeDownWritesFailClearlyAndNothingAcknowledgedIsLost() {
        try (Store store = Plinth.open(uri("quorum"))) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("before"), b("v"));
            EtcdCluster.Member a = cluster.members.get(1);
            EtcdCluster.Member c = cluster.members.get(2);
            a.kill();
            c.kill();
            try {
                assertThatThrownBy(() -> ks.put(b("during"), b("v")))
                        .isInstanceOfAny(OutcomeUnknownException.class, StorageIOException.class)
                        .hasMessageContaining("etcd://");
            } finally {
                cluster.restart(a);
                cluster.restart(c);
            }
            ks.put(b("after"), b("v"));
            assertThat(ks.get(b("before"))).isEqualTo(b("v"));
            assertThat(ks.get(b("after"))).isEqualTo(b("v"));
        }
    }

    private static void clientLoop(Keyspace ks, RegisterHistory history, int id, AtomicBoolean stop,
            AtomicInteger acknowledged, AtomicInteger unknown) {
        Random rnd = new Random(id);
        int n = 0;
        String lastSeen = null;
        while (!stop.get()) {
            int k = rnd.nextInt(KEYS);
            String key = "k" + k;
            int kind = rnd.nextInt(3);
            String value = "c" + id + "-" + n++;
            RegisterHistory.Op op;
            if (kind == 0) {
                op = history.invoke(key, Kind.WRITE, null, value, System.nanoTime());
            } else if (kind == 1) {
                op = history.invoke(key, Kind.READ, null, null, System.nanoTime());
            } else {
                op = history.invoke(key, Kind.CAS, lastSeen, value, System.nanoTime());
            }
            try {
                switch (kind) {
                    case 0 -> {
                        ks.put(key(k), b(value));
                        op.ok(System.nanoTime());
                    }
                    case 1 -> {
                        lastSeen = str(ks.get(key(k)));
                        op.read(System.nanoTime(), lastSeen);
                    }
                    default -> {
                        if (ks.compareAndSet(key(k), lastSeen == null ? null : b(lastSeen), b(value))) {
                            op.ok(System.nanoTime());
                        } else {
                            op.casFailed(System.nanoTime());
                        }
                    }
                }
                acknowledged.incrementAndGet();
            } catch (PlinthException e) {
                // a refused or timed-out call: for the checker it may or may not have happened
                op.unknown();
                unknown.incrementAndGet();
                pause();
            }
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static EtcdCluster.Member leader() {
        return member(true);
    }

    private static EtcdCluster.Member follower() {
        return member(false);
    }

    /** Asks every live member for its status until one names a leader. */
    private static EtcdCluster.Member member(boolean wantLeader) {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Client client = Client.builder().endpoints(cluster.members.stream()
                    .map(m -> "http://" + m.endpoint()).toArray(String[]::new)).build()) {
                for (EtcdCluster.Member m : cluster.members) {
                    try {
                        StatusResponse st = client.getMaintenanceClient().statusMember("http://" + m.endpoint())
                                .get(1, TimeUnit.SECONDS);
                        boolean isLeader = st.getLeader() != 0 && st.getLeader() == st.getHeader().getMemberId();
                        if (st.getLeader() != 0 && isLeader == wantLeader) {
                            return m;
                        }
                    } catch (Exception e) {
                        // that member is down or busy: ask the next
                    }
                }
            }
            pause();
        }
        throw new IllegalStateException("no member reported a leader");
    }

    private static byte[] key(int k) {
        return b("k" + k);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] v) {
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }
}
