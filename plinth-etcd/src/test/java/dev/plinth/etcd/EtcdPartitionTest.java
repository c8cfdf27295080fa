package dev.plinth.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.Keyspace;
import dev.plinth.OutcomeUnknownException;
import dev.plinth.Plinth;
import dev.plinth.Snapshot;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.etcd.history.RegisterHistory;
import dev.plinth.etcd.history.RegisterHistory.Kind;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.maintenance.StatusResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.BooleanSupplier;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * A network partition of a three-node cluster on loopback: the leader is cut off from the other two members
 * (both directions, by the {@link PeerProxies} between the members' peer ports) while clients write, read and
 * compare-and-set through both sides: clients of the minority side reach only the old leader, clients of the
 * majority side only the other two. On the minority side nothing invoked during the partition may succeed
 * (it fails, or its outcome is unknown); the majority elects a leader and goes on; after the partition
 * heals, both sides read the same values, and the whole history is linearizable per key. Batch writers on
 * both sides and a snapshot reader on each check that no batch is ever seen half applied.
 */
class EtcdPartitionTest {
    private static final int KEYS = 4;
    private static final long WAIT_NANOS = TimeUnit.SECONDS.toNanos(60);

    private static EtcdCluster cluster;

    @BeforeAll
    static void startCluster() {
        cluster = EtcdCluster.startPartitionable(3);
    }

    @AfterAll
    static void stopCluster() {
        if (cluster != null) {
            cluster.close();
        }
    }

    /** One finished client call: which side, when, whether it succeeded, what it was. */
    private record Call(boolean minority, long invoked, long completed, boolean ok, String what) {
        @Override
        public String toString() {
            return (minority ? "minority " : "majority ") + what + " [" + invoked + ", " + completed + "] "
                    + (ok ? "ok" : "failed");
        }
    }

    private final RegisterHistory history = new RegisterHistory();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> torn = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();

    @Test
    void aLeaderCutOffFromTheMajorityAcknowledgesNothingWhileTheMajorityGoesOnAndAllConverges() throws Exception {
        int leader = leader();
        String minorityUri = "etcd://" + cluster.members.get(leader).endpoint() + "/partition/?timeout=2s";
        String majorityUri = "etcd://" + cluster.members.stream().filter(m -> m != cluster.members.get(leader))
                .map(EtcdCluster.Member::endpoint).collect(Collectors.joining(",")) + "/partition/?timeout=2s";
        long[] lastAcked = new long[2];
        long[] lastAttempted = new long[2];
        try (Store minority = Plinth.open(minorityUri); Store majority = Plinth.open(majorityUri)) {
            List<Thread> threads = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                boolean onMinority = c % 2 == 0;
                int id = c;
                Keyspace ks = (onMinority ? minority : majority).defaultKeyspace();
                threads.add(new Thread(() -> registerClient(ks, onMinority, id), "register-" + c));
            }
            for (int c = 0; c < 2; c++) {
                boolean onMinority = c == 0;
                int id = c;
                Store store = onMinority ? minority : majority;
                threads.add(new Thread(() -> batchClient(store, onMinority, id, lastAcked, lastAttempted), "batch-" + c));
                threads.add(new Thread(() -> snapshotReader(store, onMinority), "snapshots-" + c));
            }
            threads.forEach(Thread::start);
            try {
                await("both sides acknowledged something before the partition",
                        () -> succeededAfter(true, 0) && succeededAfter(false, 0));
                long cutAt = System.nanoTime();
                cluster.network().isolate(leader);
                await("the majority side acknowledged an operation invoked after the cut",
                        () -> succeededAfter(false, cutAt));
                await("the minority side attempted operations after the cut", () -> failedAfter(true, cutAt) >= 3);
                long healAt = System.nanoTime();
                cluster.network().heal();
                await("the minority side acknowledged an operation again after the partition healed",
                        () -> succeededAfter(true, healAt));
                List<Call> falseSuccesses;
                synchronized (calls) {
                    falseSuccesses = calls.stream().filter(c -> c.minority() && c.ok() && c.invoked() > cutAt
                            && c.completed() < healAt).toList();
                }
                assertThat(falseSuccesses).as("operations of the cut-off side acknowledged during the partition")
                        .isEmpty();
            } finally {
                cluster.network().heal();
                stop.set(true);
                for (Thread t : threads) {
                    t.join();
                }
            }
            assertThat(unexpected).as("exceptions other than unavailability, unknown outcomes and conflicts").isEmpty();
            assertThat(torn).as("snapshots that saw a batch half applied").isEmpty();
            for (int k = 0; k < KEYS; k++) {
                String a = finalRead(minority, "k" + k);
                String b = finalRead(majority, "k" + k);
                assertThat(a).as("key k%d read through the healed minority and the majority", k).isEqualTo(b);
            }
            for (int c = 0; c < 2; c++) {
                Keyspace ks = majority.defaultKeyspace();
                String one = str(ks.get(b("b" + c + "/1")));
                assertThat(str(ks.get(b("b" + c + "/2")))).isEqualTo(one);
                assertThat(str(ks.get(b("b" + c + "/3")))).isEqualTo(one);
                assertThat(lastAcked[c]).as("batches acknowledged by client %d", c).isPositive();
                long seq = Long.parseLong(one.substring(one.indexOf(':') + 1));
                assertThat(seq).as("batch client %d's last batch in the store", c).isBetween(lastAcked[c], lastAttempted[c]);
            }
        }
        assertThat(history.check()).as("linearizability of %d operations across the partition", history.size())
                .isEmpty();
    }

    /**
     * A client whose connection loses every answer from its member (the requests still arrive): its write
     * and its compare-and-set are applied, and must be reported as {@link OutcomeUnknownException}, never as
     * failed; its read fails. Once the connection heals, the same client reads what was applied.
     */
    @Test
    void aWriteWhoseAnswerIsLostIsReportedAsUnknownAndWasApplied() throws Exception {
        EtcdCluster.Member member = cluster.members.get(0);
        try (PeerProxies proxy = new PeerProxies(new int[] {member.clientPort}, i -> null)) {
            proxy.start();
            String root = "lost-answers";
            try (Store client = Plinth.open("etcd://127.0.0.1:" + proxy.port(0) + "/" + root + "/?timeout=2s");
                    Store direct = Plinth.open(cluster.uri(root))) {
                Keyspace ks = client.defaultKeyspace();
                ks.put(b("k"), b("v0"));
                proxy.dropAnswers();
                try {
                    assertThatThrownBy(() -> ks.put(b("k"), b("v1"))).isInstanceOf(OutcomeUnknownException.class)
                            .hasMessageContaining("etcd://127.0.0.1:" + proxy.port(0))
                            .hasMessageContaining("may or may not have been applied");
                    await("the put whose answer was lost applied", () -> "v1".equals(str(direct.defaultKeyspace()
                            .get(b("k")))));
                    assertThatThrownBy(() -> ks.compareAndSet(b("k"), b("v1"), b("v2")))
                            .isInstanceOf(OutcomeUnknownException.class);
                    await("the compare-and-set whose answer was lost applied",
                            () -> "v2".equals(str(direct.defaultKeyspace().get(b("k")))));
                    assertThatThrownBy(() -> ks.get(b("k"))).isInstanceOf(StorageIOException.class)
                            .hasMessageContaining("etcd://127.0.0.1:" + proxy.port(0));
                } finally {
                    proxy.heal();
                }
                assertThat(finalRead(client, "k")).as("the same client, after the connection healed").isEqualTo("v2");
            }
        }
    }

    private boolean succeededAfter(boolean minority, long nanos) {
        synchronized (calls) {
            return calls.stream().anyMatch(c -> c.minority() == minority && c.ok() && c.invoked() > nanos);
        }
    }

    private long failedAfter(boolean minority, long nanos) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.minority() == minority && !c.ok() && c.invoked() > nanos).count();
        }
    }

    /** Writes, reads and compare-and-sets on the shared keys, each recorded in the history. */
    private void registerClient(Keyspace ks, boolean minority, int id) {
        Random rnd = new Random(id);
        String lastSeen = null;
        for (int n = 0; !stop.get(); n++) {
            int k = rnd.nextInt(KEYS);
            String key = "k" + k;
            int kind = rnd.nextInt(3);
            String value = "c" + id + "-" + n;
            long invoked = System.nanoTime();
            RegisterHistory.Op op = switch (kind) {
                case 0 -> history.invoke(key, Kind.WRITE, null, value, invoked);
                case 1 -> history.invoke(key, Kind.READ, null, null, invoked);
                default -> history.invoke(key, Kind.CAS, lastSeen, value, invoked);
            };
            String what = switch (kind) {
                case 0 -> "write " + key + " := " + value;
                case 1 -> "read " + key;
                default -> "cas " + key + " " + lastSeen + " -> " + value;
            };
            try {
                switch (kind) {
                    case 0 -> {
                        ks.put(b(key), b(value));
                        op.ok(System.nanoTime());
                    }
                    case 1 -> {
                        lastSeen = str(ks.get(b(key)));
                        op.read(System.nanoTime(), lastSeen);
                    }
                    default -> {
                        if (ks.compareAndSet(b(key), lastSeen == null ? null : b(lastSeen), b(value))) {
                            op.ok(System.nanoTime());
                        } else {
                            op.casFailed(System.nanoTime());
                        }
                    }
                }
                calls.add(new Call(minority, invoked, System.nanoTime(), true, what));
            } catch (OutcomeUnknownException | StorageIOException | ConflictException e) {
                op.unknown();
                calls.add(new Call(minority, invoked, System.nanoTime(), false, what));
                pause();
            } catch (RuntimeException e) {
                op.unknown();
                unexpected.add(e);
                return;
            }
        }
    }

    /** Writes one token to three keys of its own in each batch. */
    private void batchClient(Store store, boolean minority, int id, long[] lastAcked, long[] lastAttempted) {
        Keyspace ks = store.defaultKeyspace();
        for (long seq = 1; !stop.get(); seq++) {
            String token = id + ":" + seq;
            lastAttempted[id] = seq;
            long invoked = System.nanoTime();
            try {
                store.write(new WriteBatch().put(ks, b("b" + id + "/1"), b(token)).put(ks, b("b" + id + "/2"), b(token))
                        .put(ks, b("b" + id + "/3"), b(token)));
                lastAcked[id] = seq;
                calls.add(new Call(minority, invoked, System.nanoTime(), true, "batch " + token));
            } catch (OutcomeUnknownException | StorageIOException e) {
                calls.add(new Call(minority, invoked, System.nanoTime(), false, "batch " + token));
                pause();
            } catch (RuntimeException e) {
                unexpected.add(e);
                return;
            }
        }
    }

    /** Reads both batch clients' keys through one snapshot at a time: the three must always agree. */
    private void snapshotReader(Store store, boolean minority) {
        Keyspace ks = store.defaultKeyspace();
        while (!stop.get()) {
            long invoked = System.nanoTime();
            try (Snapshot snap = store.snapshot()) {
                for (int c = 0; c < 2; c++) {
                    String one = str(snap.get(ks, b("b" + c + "/1")));
                    String two = str(snap.get(ks, b("b" + c + "/2")));
                    String three = str(snap.get(ks, b("b" + c + "/3")));
                    if (!Objects.equals(one, two) || !Objects.equals(one, three)) {
                        torn.add((minority ? "minority" : "majority") + " snapshot of client " + c + ": " + one + ", "
                                + two + ", " + three);
                    }
                }
                calls.add(new Call(minority, invoked, System.nanoTime(), true, "snapshot"));
            } catch (StorageIOException e) {
                calls.add(new Call(minority, invoked, System.nanoTime(), false, "snapshot"));
                pause();
            } catch (RuntimeException e) {
                unexpected.add(e);
                return;
            }
        }
    }

    /** Reads a key after every client stopped, recorded in the history; retried while the side is catching up. */
    private String finalRead(Store store, String key) {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (true) {
            RegisterHistory.Op op = history.invoke(key, Kind.READ, null, null, System.nanoTime());
            try {
                String v = str(store.defaultKeyspace().get(b(key)));
                op.read(System.nanoTime(), v);
                return v;
            } catch (StorageIOException e) {
                op.unknown();
                if (System.nanoTime() - deadline > 0) {
                    throw e;
                }
                pause();
            }
        }
    }

    /** Waits until the condition holds; fails naming it if it does not within a minute. */
    private void await(String what, BooleanSupplier condition) throws InterruptedException {
        long deadline = System.nanoTime() + WAIT_NANOS;
        while (!condition.getAsBoolean()) {
            assertThat(unexpected).as("exceptions other than unavailability, unknown outcomes and conflicts").isEmpty();
            if (System.nanoTime() - deadline > 0) {
                throw new AssertionError("not seen within a minute: " + what);
            }
            TimeUnit.MILLISECONDS.sleep(20);
        }
    }

    private static void pause() {
        try {
            TimeUnit.MILLISECONDS.sleep(50);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The index of the member every live member names as leader. */
    private static int leader() {
        for (int attempt = 0; attempt < 100; attempt++) {
            try (Client client = Client.builder().endpoints(cluster.members.stream()
                    .map(m -> "http://" + m.endpoint()).toArray(String[]::new)).build()) {
                for (int i = 0; i < cluster.members.size(); i++) {
                    try {
                        StatusResponse st = client.getMaintenanceClient()
                                .statusMember("http://" + cluster.members.get(i).endpoint()).get(1, TimeUnit.SECONDS);
                        if (st.getLeader() != 0 && st.getLeader() == st.getHeader().getMemberId()) {
                            return i;
                        }
                    } catch (Exception e) {
                        // that member is busy: ask the next
                    }
                }
            }
            pause();
        }
        throw new IllegalStateException("no member reported being the leader");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] v) {
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }
}
