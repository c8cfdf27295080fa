package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.LimitExceededException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A call too large for the log is the caller's error alone: it is refused with a {@link LimitExceededException}
 * before anything is written, and the log, the caller's group and every other group go on, before and after a
 * restart. On the shared log all groups share one group commit: before the size was checked ahead of the queue, one
 * oversized record failed the leader's write and with it the whole log, for every group, for good.
 */
class RaftLogOversizedCallTest {
    /** Small segments, so that the record of an oversized call would be far larger than a segment too. */
    private static final long SEGMENT = 64 << 10;
    /** The payload of one entry one byte over the limit, with its overhead. */
    private static final int JUST_OVER = RaftLogs.MAX_BATCH_BYTES - RaftLogs.ENTRY_OVERHEAD_BYTES + 1;
    /** The payload of one entry larger than any record of a segment (64 MiB). */
    private static final int OVER = (64 << 20) + 1;

    private static List<LogEntry> entries(long from, int n, int size) {
        List<LogEntry> l = new ArrayList<>();
        for (long i = from; i < from + n; i++) {
            byte[] p = new byte[size];
            p[0] = (byte) i;
            l.add(new LogEntry(i, 1, p));
        }
        return l;
    }

    /** Opens a log of our own on a file system; called again for every restart. */
    private interface Opener extends Function<MemVfs, RaftStorage> {
    }

    private static final Opener SHARED = vfs -> RaftLogs.openShared(vfs, SEGMENT);
    private static final Opener SEGMENTED = vfs -> RaftLogs.openSegmented(vfs, SEGMENT);
    private static final Opener SHARED_LZ4 = vfs -> RaftLogs.openShared(vfs,
            LogFileOptions.DEFAULTS.withSegmentBytes(SEGMENT).withCompression(LogFileOptions.Compression.LZ4));

    /** Every kind of oversized call is refused, and nothing of it is in the log, before or after a power loss. */
    private static void oversizedCallsChangeNothing(Opener opener) {
        MemVfs vfs = new MemVfs(7);
        byte[] huge = new byte[OVER];
        try (RaftStorage s = opener.apply(vfs)) {
            s.append(1, entries(1, 3, 100), Durability.SYNC);
            s.append(2, entries(1, 3, 100), Durability.SYNC);
            s.put(1, "conf", new byte[] {1}, Durability.SYNC);

            assertThatThrownBy(() -> s.append(1, List.of(new LogEntry(4, 1, huge)), Durability.SYNC))
                    .isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("group 1")
                    .satisfies(e -> assertThat(((LimitExceededException) e).limit())
                            .isEqualTo(LimitExceededException.Limit.BATCH_BYTES));
            assertThatThrownBy(() -> s.append(1, List.of(new LogEntry(4, 1, new byte[JUST_OVER])), Durability.SYNC))
                    .isInstanceOf(LimitExceededException.class);
            // Many entries that fit one by one but not together.
            List<LogEntry> many = new ArrayList<>(entries(4, 2, 1));
            many.add(new LogEntry(6, 1, new byte[OVER / 2]));
            many.add(new LogEntry(7, 1, new byte[OVER / 2]));
            assertThatThrownBy(() -> s.append(1, many, Durability.NONE)).isInstanceOf(LimitExceededException.class);
            assertThatThrownBy(() -> s.replaceFrom(1, 2, List.of(new LogEntry(2, 2, huge)), Durability.SYNC))
                    .isInstanceOf(LimitExceededException.class);
            assertThatThrownBy(() -> s.put(1, "big", huge, Durability.SYNC))
                    .isInstanceOf(LimitExceededException.class).hasMessageContaining("'big'");
            if (s.atomicHardState()) {
                assertThatThrownBy(() -> s.appendWithHardState(1, List.of(new LogEntry(4, 1, huge)),
                        new HardState(5, 1, 3), Durability.SYNC)).isInstanceOf(LimitExceededException.class);
                assertThat(s.loadHardState(1)).isEqualTo(HardState.INITIAL);
            }

            // Nothing changed, and the log goes on for this group and the others.
            assertThat(s.lastIndex(1)).isEqualTo(3);
            assertThat(s.termAt(1, 2)).isEqualTo(1);
            assertThat(s.get(1, "big")).isNull();
            s.append(1, entries(4, 2, 100), Durability.SYNC);
            s.append(2, entries(4, 2, 100), Durability.SYNC);
            s.append(3, entries(1, 1, 100), Durability.SYNC);
            s.put(1, "conf", new byte[] {2}, Durability.SYNC);
            assertThat(s.entries(1, 1, 6)).extracting(LogEntry::size).containsOnly(100);
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = opener.apply(vfs)) {
            assertThat(s.lastIndex(1)).isEqualTo(5);
            assertThat(s.lastIndex(2)).isEqualTo(5);
            assertThat(s.lastIndex(3)).isEqualTo(1);
            assertThat(s.entries(1, 1, 6)).extracting(LogEntry::size).containsOnly(100);
            assertThat(s.get(1, "conf")).containsExactly(2);
            assertThat(s.get(1, "big")).isNull();
            assertThat(s.loadHardState(1)).isEqualTo(HardState.INITIAL);
        }
    }

    @Test
    void anOversizedCallOnTheSharedLogFailsThatCallOnlyNotTheLog() {
        oversizedCallsChangeNothing(SHARED);
    }

    @Test
    void anOversizedCallOnTheSharedLogWithLz4IsRefusedWhateverItWouldCompressTo() {
        oversizedCallsChangeNothing(SHARED_LZ4); // zeros compress to almost nothing: the limit is on what was given
    }

    @Test
    void anOversizedCallOnTheSegmentedLogFailsThatCallOnlyNotTheGroup() {
        oversizedCallsChangeNothing(SEGMENTED);
    }

    /**
     * The limit leaves room for every header a record adds: a call right at it is written (with a hard state, the
     * largest header) and read back, and a key-value area right at it survives the checkpoint that restates it.
     */
    @Test
    void aCallRightAtTheLimitIsWrittenAndReadBack() {
        MemVfs vfs = new MemVfs(8);
        byte[] payload = new byte[RaftLogs.MAX_BATCH_BYTES - RaftLogs.ENTRY_OVERHEAD_BYTES];
        payload[payload.length - 1] = 9;
        byte[] value = new byte[RaftLogs.MAX_BATCH_BYTES - RaftLogs.ENTRY_OVERHEAD_BYTES - "k".length()];
        try (RaftStorage s = SHARED.apply(vfs)) {
            s.appendWithHardState(1, List.of(new LogEntry(1, 1, payload)), new HardState(1, 1, 0), Durability.SYNC);
            s.put(2, "k", value, Durability.SYNC);
            s.append(3, entries(1, 1, 10), Durability.SYNC);
            s.purge(1, 1, Durability.SYNC);
            // Rolls a segment: the checkpoint of group 2 restates its whole key-value area.
            s.append(3, entries(2, 1, (int) SEGMENT), Durability.SYNC);
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = SHARED.apply(vfs)) {
            assertThat(s.firstIndex(1)).isEqualTo(2);
            assertThat(s.get(2, "k")).hasSize(value.length);
            assertThat(s.lastIndex(3)).isEqualTo(2);
        }
        vfs = new MemVfs(9);
        try (RaftStorage s = SHARED.apply(vfs)) {
            s.append(1, List.of(new LogEntry(1, 1, payload)), Durability.SYNC);
            assertThat(s.entry(1, 1).payload()).isEqualTo(payload);
        }
    }

    /**
     * Other groups appending at the same time share group commits with the oversized calls: every one of their
     * appends is acknowledged and durable.
     */
    @Test
    void oversizedCallsAmongConcurrentAppendersOfTheSharedLogFailOnlyThemselves() throws Exception {
        MemVfs vfs = new MemVfs(10);
        List<LogEntry> huge = List.of(new LogEntry(1, 1, new byte[OVER]));
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try (RaftStorage s = SHARED.apply(vfs)) {
            List<Future<?>> appenders = new ArrayList<>();
            // The appenders start once the refused caller has begun, and it calls at least once: on a loaded
            // machine its thread could otherwise start only after every appender had finished, and count nothing.
            CountDownLatch refusing = new CountDownLatch(1);
            for (long g = 1; g <= 3; g++) {
                long group = g;
                appenders.add(pool.submit(() -> {
                    refusing.await();
                    for (int i = 0; i < 200; i++) {
                        s.append(group, entries(s.lastIndex(group) + 1, 2, 50), Durability.SYNC);
                    }
                    return null;
                }));
            }
            Future<Integer> refused = pool.submit(() -> {
                int n = 0;
                refusing.countDown();
                do {
                    try {
                        s.append(9, huge, Durability.SYNC);
                    } catch (LimitExceededException expected) {
                        n++;
                    }
                } while (appenders.stream().anyMatch(f -> !f.isDone()));
                return n;
            });
            for (Future<?> f : appenders) {
                f.get(120, TimeUnit.SECONDS);
            }
            assertThat(refused.get(120, TimeUnit.SECONDS)).isPositive();
            assertThat(s.lastIndex(9)).isZero();
        } finally {
            pool.shutdownNow();
        }
        vfs.powerLoss(PowerLoss.dropUnsynced());
        try (RaftStorage s = SHARED.apply(vfs)) {
            for (long g = 1; g <= 3; g++) {
                assertThat(s.lastIndex(g)).isEqualTo(400);
            }
        }
    }

    /**
     * The log on a store: the engine's own limits refuse an entry or a call too large before anything is written,
     * and the cached bounds stay those of the store.
     */
    @Test
    void anOversizedCallOnAStoreIsRefusedByTheEngineAndChangesNothing(@TempDir Path dir) {
        for (String uri : new String[] {"mem:", "lsm:" + dir.resolve("lsm")}) {
            try (Store store = Plinth.open(uri); RaftStorage s = RaftLogs.onStore(store)) {
                s.append(1, entries(1, 3, 100), Durability.NONE);
                int over = store.capabilities().maxValueSize() + 1;
                assertThatThrownBy(() -> s.append(1, List.of(new LogEntry(4, 1, new byte[over])), Durability.NONE))
                        .as(uri).isInstanceOf(LimitExceededException.class);
                assertThatThrownBy(() -> s.put(1, "big", new byte[over], Durability.NONE))
                        .as(uri).isInstanceOf(LimitExceededException.class);
                assertThat(s.lastIndex(1)).isEqualTo(3);
                s.append(1, entries(4, 1, 100), Durability.NONE);
                s.append(2, entries(1, 1, 100), Durability.NONE);
                assertThat(s.entries(1, 1, 5)).hasSize(4);
                assertThat(s.get(1, "big")).isNull();
            }
        }
    }
}
