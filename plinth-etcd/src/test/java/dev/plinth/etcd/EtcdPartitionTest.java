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
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Network partitions of a three-node cluster on loopback, made by the {@link PeerProxies} between the
 * members' peer ports (both directions cut, nothing refused: bytes are dropped). Each member has its own
 * store reaching only that member, with a client writing, reading and compare-and-setting shared keys
 * (every call recorded in a {@link RegisterHistory}), a client writing three-key batches and a reader
 * checking them through snapshots. The first partition cuts the leader off; more partitions (soak runs) cut
 * a member drawn at random. While a member is cut off nothing invoked through it may succeed (it fails, or
 * its outcome is unknown), and the majority goes on (elects a leader if it must); after healing, every
 * member answers again and reads the same values, no snapshot ever saw a batch half applied, and the whole
 * history is linearizable per key. A second test loses a client's answers between it and its member.
 */
class EtcdPartitionTest {
    private static final int KEYS = 4;
    /** How many partitions the history test makes, one after another. */
    private static final int ROUNDS = Integer.getInteger("plinth.etcd.partitionRounds", 1);
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

    /** One finished client call: the member it went through, when, whether it succeeded, what it was. */
    private record Call(int member, long invoked, long completed, boolean ok, String what) {
        @Override
        public String toString() {
            return "through m" + member + ": " + what + " [" + invoked + ", " + completed + "] " + (ok ? "ok" : "failed");
        }
    }

    private final RegisterHistory history = new RegisterHistory();
    private final List<Call> calls = Collections.synchronizedList(new ArrayList<>());
    private final List<String> torn = Collections.synchronizedList(new ArrayList<>());
    private final List<Throwable> unexpected = Collections.synchronizedList(new ArrayList<>());
    private final AtomicBoolean stop = new AtomicBoolean();

    /**
     * Partitions, one after another: the first cuts the leader off, each later one a member drawn by a seeded
     * random (leader or follower). {@link #ROUNDS} by default, {@code -Dplinth.etcd.partitionRounds} (20
     * under {@code -Psoak}) for more.
     */
    @Test
    void aMemberCutOffFromTheMajorityAcknowledgesNothingWhileTheMajorityGoesOnAndAllConverges() throws Exception {
        int members = cluster.members.size();
        long seed = Long.getLong("plinth.seed", System.nanoTime());
        Random random = new Random(seed);
        List<Store> stores = new ArrayList<>();
        long[] lastAcked = new long[members];
        long[] lastAttempted = new long[members];
        List<Thread> threads = new ArrayList<>();
        try {
            runPartitions(seed, random, stores, lastAcked, lastAttempted, threads);
            checkConvergence(stores, lastAcked, lastAttempted);
        } finally {
            for (Store s : stores) {
                try {
                    s.close();
                } catch (RuntimeException e) {
                    // the others are closed all the same; the test's own failure, if any, is what matters
                }
            }
        }
        assertThat(checkOnALargeStack()).as("linearizability of %d operations across %d partition(s), seed %d",
                history.size(), ROUNDS, seed).isEmpty();
    }

    private void runPartitions(long seed, Random random, List<Store> stores, long[] lastAcked, long[] lastAttempted,
            List<Thread> threads) throws InterruptedException {
        int members = cluster.members.size();
        try {
            for (EtcdCluster.Member m : cluster.members) {
                stores.add(Plinth.open("etcd://" + m.endpoint() + "/partition/?timeout=2s"));
            }
            for (int m = 0; m < members; m++) {
                int member = m;
                Store store = stores.get(m);
                threads.add(new Thread(() -> registerClient(store.defaultKeyspace(), member), "register-" + m));
                threads.add(new Thread(() -> batchClient(store, member, lastAcked, lastAttempted), "batch-" + m));
                threads.add(new Thread(() -> snapshotReader(store, member, members), "snapshots-" + m));
            }
            for (Thread t : threads) {
                t.setDaemon(true); // a client stuck past the bounded join below cannot keep the test JVM alive
                t.start();
            }
            long healAt = 0;
            for (int round = 0; round < ROUNDS; round++) {
                long since = healAt;
                await("operations acknowledged through every member before partition " + round + " (seed " + seed + ")",
                        () -> java.util.stream.IntStream.range(0, members).allMatch(m -> succeededAfter(m, since)));
                int cut = round == 0 ? leader() : random.nextInt(members);
                long cutAt = System.nanoTime();
                cluster.network().isolate(cut);
                await("an operation through the majority invoked after m" + cut + " was cut off (seed " + seed + ")",
                        () -> java.util.stream.IntStream.range(0, members).anyMatch(m -> m != cut
                                && succeededAfter(m, cutAt)));
                await("operations through m" + cut + " attempted after it was cut off", () -> failedAfter(cut, cutAt) >= 3);
                healAt = System.nanoTime();
                cluster.network().heal();
                long healed = healAt;
                List<Call> falseSuccesses;
                synchronized (calls) {
                    falseSuccesses = calls.stream().filter(c -> c.member() == cut && c.ok() && c.invoked() > cutAt
                            && c.completed() < healed).toList();
                }
                assertThat(falseSuccesses).as("operations through m%d acknowledged while it was cut off (partition %d,"
                        + " seed %d)", cut, round, seed).isEmpty();
            }
            long lastHeal = healAt;
            await("operations acknowledged through every member after the last partition healed", () -> java.util.stream
                    .IntStream.range(0, members).allMatch(m -> succeededAfter(m, lastHeal)));
        } finally {
            cluster.network().heal();
            stop.set(true);
            List<String> stuck = new ArrayList<>();
            for (Thread t : threads) {
                t.join(TimeUnit.MINUTES.toMillis(1));
                if (t.isAlive()) {
                    t.interrupt();
                    stuck.add(t.getName());
                }
            }
            if (!stuck.isEmpty()) {
                throw new AssertionError("client threads " + stuck + " did not stop within a minute of being told to"
                        + " (seed " + seed + ")");
            }
        }
    }

    /** After the clients stopped: every member reads the same values, and no acknowledged batch is lost. */
    private void checkConvergence(List<Store> stores, long[] lastAcked, long[] lastAttempted) {
        int members = stores.size();
        assertThat(unexpected).as("exceptions other than unavailability, unknown outcomes and conflicts").isEmpty();
        assertThat(torn).as("snapshots that saw a batch half applied").isEmpty();
        for (int k = 0; k < KEYS; k++) {
            List<String> seen = new ArrayList<>();
            for (Store store : stores) {
                seen.add(finalRead(store, "k" + k));
            }
            assertThat(new java.util.HashSet<>(seen)).as("key k%d read through each member after healing: %s", k, seen)
                    .hasSize(1);
        }
        Keyspace ks = stores.get(0).defaultKeyspace();
        for (int c = 0; c < members; c++) {
            String one = str(ks.get(b("b" + c + "/1")));
            assertThat(str(ks.get(b("b" + c + "/2")))).isEqualTo(one);
            assertThat(str(ks.get(b("b" + c + "/3")))).isEqualTo(one);
            assertThat(lastAcked[c]).as("batches acknowledged by client %d", c).isPositive();
            long seq = Long.parseLong(one.substring(one.indexOf(':') + 1));
            assertThat(seq).as("batch client %d's last batch in the store", c).isBetween(lastAcked[c], lastAttempted[c]);
        }
    }

    /**
     * The checker's search recurses once per operation of a key: a soak run's thousands of operations per
     * key need a deeper stack than a test thread's.
     */
    private List<String> checkOnALargeStack() throws InterruptedException {
        List<List<String>> result = new ArrayList<>();
        Throwable[] failure = new Throwable[1];
        Thread t = new Thread(null, () -> {
            try {
                result.add(history.check());
            } catch (Throwable e) {
                failure[0] = e;
            }
        }, "linearizability-check", 1L << 30);
        t.setDaemon(true);
        t.start();
        // The search can grow exponentially with unknown outcomes: a bound turns a hang into a failure.
        long limitMinutes = 2L * ROUNDS;
        t.join(TimeUnit.MINUTES.toMillis(limitMinutes));
        if (t.isAlive()) {
            throw new AssertionError("the linearizability check of " + history.size() + " operations did not finish"
                    + " within " + limitMinutes + " min");
        }
        if (failure[0] != null) {
            throw new AssertionError("the linearizability check failed to run", failure[0]);
        }
        return result.get(0);
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

    private boolean succeededAfter(int member, long nanos) {
        synchronized (calls) {
            return calls.stream().anyMatch(c -> c.member() == member && c.ok() && c.invoked() > nanos);
        }
    }

    private long failedAfter(int member, long nanos) {
        synchronized (calls) {
            return calls.stream().filter(c -> c.member() == member && !c.ok() && c.invoked() > nanos).count();
        }
    }

    /** Writes, reads and compare-and-sets on the shared keys, each recorded in the history. */
    private void registerClient(Keyspace ks, int id) {
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
                calls.add(new Call(id, invoked, System.nanoTime(), true, what));
            } catch (OutcomeUnknownException | StorageIOException | ConflictException e) {
                op.unknown();
                calls.add(new Call(id, invoked, System.nanoTime(), false, what));
                pause();
            } catch (RuntimeException e) {
                op.unknown();
                unexpected.add(e);
                return;
            }
        }
    }

    /** Writes one token to three keys of its own in each batch. */
    private void batchClient(Store store, int id, long[] lastAcked, long[] lastAttempted) {
        Keyspace ks = store.defaultKeyspace();
        for (long seq = 1; !stop.get(); seq++) {
            String token = id + ":" + seq;
            lastAttempted[id] = seq;
            long invoked = System.nanoTime();
            try {
                store.write(new WriteBatch().put(ks, b("b" + id + "/1"), b(token)).put(ks, b("b" + id + "/2"), b(token))
                        .put(ks, b("b" + id + "/3"), b(token)));
                lastAcked[id] = seq;
                calls.add(new Call(id, invoked, System.nanoTime(), true, "batch " + token));
            } catch (OutcomeUnknownException | StorageIOException e) {
                calls.add(new Call(id, invoked, System.nanoTime(), false, "batch " + token));
                pause();
            } catch (RuntimeException e) {
                unexpected.add(e);
                return;
            }
        }
    }

    /** Reads every batch client's keys through one snapshot at a time: each client's three must agree. */
    private void snapshotReader(Store store, int member, int batchClients) {
        Keyspace ks = store.defaultKeyspace();
        while (!stop.get()) {
            long invoked = System.nanoTime();
            try (Snapshot snap = store.snapshot()) {
                for (int c = 0; c < batchClients; c++) {
                    String one = str(snap.get(ks, b("b" + c + "/1")));
                    String two = str(snap.get(ks, b("b" + c + "/2")));
                    String three = str(snap.get(ks, b("b" + c + "/3")));
                    if (!Objects.equals(one, two) || !Objects.equals(one, three)) {
                        torn.add("snapshot through m" + member + " of client " + c + ": " + one + ", "
                                + two + ", " + three);
                    }
                }
                calls.add(new Call(member, invoked, System.nanoTime(), true, "snapshot"));
            } catch (StorageIOException e) {
                calls.add(new Call(member, invoked, System.nanoTime(), false, "snapshot"));
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
