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

    /**
     * Multi-key batches and serializable transactions while the leader is killed and restarted. Each batch
     * writes one token to three keys of its client: every snapshot must see the three equal (all or nothing),
     * and at the end each client's keys hold a token no older than its last acknowledged batch and no newer
     * than its last attempted one. Transactions increment one counter by reading and writing it: the final
     * count lies between the commits acknowledged and those plus the commits whose outcome is unknown (a
     * conflict applies nothing and is not counted).
     */
    @Test
    void batchesAndTransactionsUnderALeaderKillAreAllOrNothingAndNothingAcknowledgedIsLost() throws Exception {
        int batchClients = 2;
        AtomicBoolean stop = new AtomicBoolean();
        long[] lastAcked = new long[batchClients];
        long[] lastAttempted = new long[batchClients];
        AtomicInteger commitsAcked = new AtomicInteger();
        AtomicInteger commitsUnknown = new AtomicInteger();
        List<String> torn = java.util.Collections.synchronizedList(new ArrayList<>());
        List<Throwable> unexpected = java.util.Collections.synchronizedList(new ArrayList<>());
        try (Store store = Plinth.open(uri("batches"))) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("n"), b("0"));
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < batchClients; c++) {
                int id = c;
                threads.add(new Thread(() -> {
                    for (long seq = 1; !stop.get(); seq++) {
                        String token = id + ":" + seq;
                        lastAttempted[id] = seq;
                        try {
                            store.write(new dev.plinth.WriteBatch().put(ks, b("a" + id + "/1"), b(token))
                                    .put(ks, b("a" + id + "/2"), b(token)).put(ks, b("a" + id + "/3"), b(token)));
                            lastAcked[id] = seq;
                        } catch (OutcomeUnknownException | StorageIOException e) {
                            pause();
                        } catch (RuntimeException e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }, "batch-" + c));
            }
            for (int c = 0; c < 2; c++) {
                threads.add(new Thread(() -> {
                    while (!stop.get()) {
                        try (dev.plinth.Transaction tx = store.begin(dev.plinth.Isolation.SERIALIZABLE)) {
                            long n = Long.parseLong(str(tx.get(ks, b("n"))));
                            tx.put(ks, b("n"), b(Long.toString(n + 1)));
                            try {
                                tx.commit();
                                commitsAcked.incrementAndGet();
                            } catch (OutcomeUnknownException e) {
                                commitsUnknown.incrementAndGet();
                                pause();
                            }
                        } catch (dev.plinth.ConflictException | StorageIOException e) {
                            pause();
                        } catch (RuntimeException e) {
                            unexpected.add(e);
                            return;
                        }
                    }
                }, "txn-" + c));
            }
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    try (dev.plinth.Snapshot snap = store.snapshot()) {
                        for (int c = 0; c < batchClients; c++) {
                            String one = str(snap.get(ks, b("a" + c + "/1")));
                            String two = str(snap.get(ks, b("a" + c + "/2")));
                            String three = str(snap.get(ks, b("a" + c + "/3")));
                            if (!java.util.Objects.equals(one, two) || !java.util.Objects.equals(one, three)) {
                                torn.add("client " + c + ": " + one + ", " + two + ", " + three);
                            }
                        }
                    } catch (StorageIOException e) {
                        pause();
                    } catch (RuntimeException e) {
                        unexpected.add(e);
                        return;
                    }
                }
            }, "snapshot-reader"));
            threads.forEach(Thread::start);
            TimeUnit.MILLISECONDS.sleep(1500);
            EtcdCluster.Member leader = leader();
            leader.kill();
            TimeUnit.MILLISECONDS.sleep(2000);
            cluster.restart(leader);
            TimeUnit.MILLISECONDS.sleep(1500);
            stop.set(true);
            for (Thread t : threads) {
                t.join();
            }
            assertThat(unexpected).as("exceptions other than conflicts, unknown outcomes and unavailability").isEmpty();
            assertThat(torn).as("snapshots that saw a batch half applied").isEmpty();
            for (int c = 0; c < batchClients; c++) {
                String one = str(ks.get(b("a" + c + "/1")));
                assertThat(str(ks.get(b("a" + c + "/2")))).isEqualTo(one);
                assertThat(str(ks.get(b("a" + c + "/3")))).isEqualTo(one);
                assertThat(lastAcked[c]).as("batches acknowledged by client %d", c).isPositive();
                long seq = Long.parseLong(one.substring(one.indexOf(':') + 1));
                assertThat(seq).as("client %d's last batch in the store", c)
                        .isBetween(lastAcked[c], lastAttempted[c]);
            }
            long n = Long.parseLong(str(ks.get(b("n"))));
            assertThat(commitsAcked.get()).as("transactions acknowledged").isPositive();
            assertThat(n).as("the counter after %d acknowledged and %d unknown commits", commitsAcked.get(),
                    commitsUnknown.get()).isBetween((long) commitsAcked.get(),
                    (long) commitsAcked.get() + commitsUnknown.get());
        }
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
                // Bounded by the engine's timeout, not by a clock in this test: each call either got etcd's
                // refusal or gave up after timeout=3s, and its message says which.
                String bounded = "(?s).*(got no answer within 3000 ms|failed).*";
                assertThatThrownBy(() -> ks.put(b("during"), b("v")))
                        .isInstanceOfAny(OutcomeUnknownException.class, StorageIOException.class)
                        .hasMessageContaining("etcd://").hasMessageMatching(bounded);
                assertThatThrownBy(() -> ks.get(b("before")))
                        .isInstanceOf(StorageIOException.class)
                        .hasMessageContaining("etcd://").hasMessageMatching(bounded);
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
