package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.raftlog.internal.shared.GateVfs;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * {@link LogStore#appendAsync} on both logs of our own under power loss and failed forces: a future that completed
 * normally before the crash names entries that are there after it; a force that fails fails every pending future
 * (never a false success) and leaves the log failed.
 *
 * <p>The power loss runs while the log's force thread may be inside a force: {@link MemVfs} applies each file
 * operation atomically, so a future seen completed before {@link MemVfs#powerLoss} began was completed by a force that
 * ended before it. Seeds: {@code -Dplinth.seed=N} replays one; {@code -Dplinth.raftlog.crashSeeds=N} sets how many
 * run (default {@link #SEEDS}).
 */
class RaftLogAppendAsyncCrashTest {
    static final int SEEDS = 12;
    static final int STEPS = 40;
    static final long SEGMENT = 2048;

    static RaftStorage open(String log, Vfs vfs) {
        LogFileOptions o = LogFileOptions.DEFAULTS.withSegmentBytes(SEGMENT);
        return log.equals("shared") ? RaftLogs.openShared(vfs, o) : RaftLogs.openSegmented(vfs, o);
    }

    static LogEntry entry(long index) {
        byte[] p = new byte[(int) (index % 50)];
        java.util.Arrays.fill(p, (byte) index);
        return new LogEntry(index, 1 + index / 100, p);
    }

    static List<LogEntry> batch(long from, int n) {
        List<LogEntry> l = new ArrayList<>();
        for (long i = from; i < from + n; i++) {
            l.add(entry(i));
        }
        return l;
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented"})
    void everyEntryAcknowledgedBeforeAPowerLossIsThereAfterIt(String log) {
        CrashSeeds run = CrashSeeds.fromProperties(SEEDS);
        long first = run.first();
        long seeds = run.count();
        List<PowerLoss> modes = CrashSeeds.powerLosses();
        int states = 0;
        long acknowledgedAtCrash = 0;
        for (long seed = first; seed < first + seeds; seed++) {
            for (PowerLoss mode : modes) {
                acknowledgedAtCrash += crashOnce(log, seed, mode);
                states++;
            }
        }
        assertThat(states).isEqualTo(seeds * modes.size());
        // The runs must have crashed with acknowledged entries to check, or they prove nothing.
        assertThat(acknowledgedAtCrash).as("entries acknowledged before the crashes").isPositive();
    }

    /** One seeded run: pipelined appends (a depth of up to 4), a power loss at a random step; returns the acked. */
    private static long crashOnce(String log, long seed, PowerLoss mode) {
        String where = log + ", seed " + seed + " (replay with -Dplinth.seed=" + seed + "), " + mode;
        Random rnd = new Random(seed);
        MemVfs vfs = new MemVfs(seed);
        RaftStorage s = open(log, vfs);
        long group = 3;
        List<CompletableFuture<Long>> inFlight = new ArrayList<>();
        long next = 1;
        // The highest index acknowledged as durable: a completed future or a SYNC append.
        long acked = 0;
        int crashAt = 1 + rnd.nextInt(STEPS);
        for (int step = 0; step < crashAt; step++) {
            int op = rnd.nextInt(10);
            if (op < 7) {
                int n = 1 + rnd.nextInt(20);
                inFlight.add(s.appendAsync(group, batch(next, n)));
                next += n;
                while (inFlight.size() > 1 + rnd.nextInt(4)) {
                    acked = Math.max(acked, inFlight.remove(0).join());
                }
            } else if (op < 8) {
                // A synchronous append between pipelined ones: its force covers them too.
                s.append(group, batch(next, 2), Durability.SYNC);
                next += 2;
                acked = next - 1;
            } else if (op < 9 && s.lastIndex(group) > 10) {
                // Old segments become free to delete while pipelined appends are in flight.
                s.purge(group, s.lastIndex(group) - 10, Durability.NONE);
            } else if (!inFlight.isEmpty()) {
                acked = Math.max(acked, inFlight.get(inFlight.size() - 1).join());
            }
        }
        long firstAtCrash = s.firstIndex(group);
        // Not firstIndex - 1: a purge at NONE may cover entries whose force had not come yet, and both may be lost.
        long acknowledged = acked;
        // Sampled before the power loss begins: these forces ended before it.
        for (CompletableFuture<Long> f : List.copyOf(inFlight)) {
            if (f.isDone() && !f.isCompletedExceptionally()) {
                acknowledged = Math.max(acknowledged, f.join());
            }
        }
        vfs.powerLoss(mode);
        s.close();
        try (RaftStorage after = open(log, vfs)) {
            long last = after.lastIndex(group);
            assertThat(last).as(where + ": the last index after the crash").isGreaterThanOrEqualTo(acknowledged)
                    .isLessThan(next);
            long from = Math.max(after.firstIndex(group), firstAtCrash);
            if (from <= last) {
                assertThat(after.entries(group, from, last + 1)).as(where + ": the entries after the crash")
                        .isEqualTo(batch(from, (int) (last - from + 1)));
            }
            // The log goes on: a pipelined append after the restart is acknowledged.
            assertThat(after.appendAsync(group, batch(last + 1, 3)).join()).isEqualTo(last + 3);
        }
        return Math.max(0, acknowledged - (firstAtCrash - 1));
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented"})
    void aFailedForceFailsEveryPendingAppendAndTheLog(String log) {
        MemVfs mem = new MemVfs(11);
        FaultyVfs vfs = new FaultyVfs(mem, 11);
        RaftStorage s = open(log, vfs);
        long group = 2;
        s.appendAsync(group, batch(1, 10)).join();
        vfs.inject(Fault.on(IoOp.FORCE).sticky());
        List<CompletableFuture<Long>> pending = new ArrayList<>();
        long next = 11;
        try {
            for (int i = 0; i < 20; i++) {
                pending.add(s.appendAsync(group, batch(next, 5)));
                next += 5;
            }
        } catch (StorageIOException e) {
            // The first failed force may come before all twenty are handed over (or be a segment's seal, on the
            // appending thread): the rest are refused.
            assertThat(e).hasMessageContaining("injected");
        }
        assertThat(pending).isNotEmpty();
        for (CompletableFuture<Long> f : pending) {
            assertThatThrownBy(f::join).as("no false success").isInstanceOf(CompletionException.class)
                    .hasCauseInstanceOf(StorageIOException.class);
        }
        long at = next;
        assertThatThrownBy(() -> s.appendAsync(group, batch(at, 1))).isInstanceOf(StorageIOException.class);
        assertThatThrownBy(() -> s.append(group, batch(at, 1), Durability.SYNC))
                .isInstanceOf(StorageIOException.class);
        vfs.clearFaults();
        mem.powerLoss(PowerLoss.dropUnsynced());
        s.close();
        try (RaftStorage after = open(log, mem)) {
            assertThat(after.lastIndex(group)).isBetween(10L, next - 1);
            assertThat(after.entries(group, 1, 11)).isEqualTo(batch(1, 10));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"shared", "segmented"})
    void aFutureIsNotCompletedWhileItsForceIsHeld(String log) throws Exception {
        MemVfs mem = new MemVfs(5);
        GateVfs vfs = new GateVfs(mem);
        RaftStorage s = open(log, vfs);
        s.append(1, batch(1, 5), Durability.SYNC);
        vfs.arm();
        CompletableFuture<Long> first = s.appendAsync(1, batch(6, 5));
        assertThat(vfs.entered.await(10, java.util.concurrent.TimeUnit.SECONDS)).as("a force was made").isTrue();
        // While the force is held: later batches are written at once and wait too.
        CompletableFuture<Long> second = s.appendAsync(1, batch(11, 5));
        assertThat(s.lastIndex(1)).isEqualTo(15);
        Thread.sleep(50);
        assertThat(first).as("acknowledged before its force returned").isNotDone();
        assertThat(second).isNotDone();
        vfs.open();
        assertThat(first.join()).isEqualTo(10);
        assertThat(second.join()).isEqualTo(15);
        s.close();
    }
}
