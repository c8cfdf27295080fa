package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.raftlog.testkit.RaftLogModel;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Power loss of the segmented log at every step of a seeded workload (appends at {@code NONE} and {@code SYNC},
 * truncates, replaces, purges, hard states, flushes), in four modes: after each crash the log is the state after
 * some prefix of its changes that includes every change acknowledged at {@code SYNC} (or followed by a flush), the hard state is the last one saved (each save is durable on its own), and a purge is all or nothing. At least 1,000 crash states;
 * {@code -Dplinth.seed=N} replays one seed, {@code -Dplinth.raftlog.crashSeeds=N} sets how many run (default
 * {@link #SEEDS}).
 */
class RaftLogSegmentedCrashTest {
    static final int SEEDS = 6;
    static final int STEPS = 45;
    static final long G = 3;

    @Test
    void everyCrashLeavesADurablePrefix() {
        crashAfterEveryStep(false);
    }

    /** The same with LZ4 payloads: entries of up to 120 zero bytes, most of them stored compressed. */
    @Test
    void everyCrashLeavesADurablePrefixWithLz4() {
        crashAfterEveryStep(true);
    }

    /**
     * The same with 128 KiB segments and entries of up to 16 KiB, so the workload rolls segments larger than
     * {@code SegmentWriter.FIRST_PREALLOCATION}: each next segment is made ahead of need as a spare on a background
     * thread, and the crashes land before, while and after it is made and taken. Two seeds by default (368 states).
     */
    @Test
    void everyCrashLeavesADurablePrefixWithSpares() {
        int taken = crashAfterEveryStep(new Shape(false, SPARE_SEGMENT, 16 << 10), 2, 300);
        assertThat(taken).as("crash states with a segment begun from a spare").isPositive();
    }

    static final long SPARE_SEGMENT = 128 << 10;

    /** The log's options that matter here and the largest entry payload of the workload. */
    private record Shape(boolean lz4, long segmentBytes, int maxPayload) {
        static Shape small(boolean lz4) {
            return new Shape(lz4, 200, lz4 ? 120 : 30);
        }
    }

    private static void crashAfterEveryStep(boolean lz4) {
        crashAfterEveryStep(Shape.small(lz4), SEEDS, 1000);
    }

    /** Returns in how many crash states the segment being written was begun from a spare. */
    private static int crashAfterEveryStep(Shape shape, int defaultSeeds, int minStates) {
        CrashSeeds run = CrashSeeds.fromProperties(defaultSeeds);
        long first = run.first();
        long seeds = run.count();
        List<PowerLoss> modes = CrashSeeds.powerLosses();
        int states = 0;
        int taken = 0;
        for (long seed = first; seed < first + seeds; seed++) {
            for (int crashAt = 0; crashAt <= STEPS; crashAt++) {
                for (PowerLoss mode : modes) {
                    taken += crashOnce(seed, crashAt, mode, shape) ? 1 : 0;
                    states++;
                }
            }
        }
        assertThat(states).isGreaterThanOrEqualTo(seeds == 1 ? 1 : minStates);
        return taken;
    }

    /** A snapshot of the model's view of group G after a change. */
    private record View(long first, long last, List<LogEntry> entries, long boundaryTerm, HardState hard) {
        static View of(RaftStorage s) {
            return new View(s.firstIndex(G), s.lastIndex(G), s.entries(G, s.firstIndex(G), s.lastIndex(G) + 1),
                    s.termAt(G, s.firstIndex(G) - 1), s.loadHardState(G));
        }
    }

    /** Returns whether the segment being written at the crash was begun from a spare (preallocated whole). */
    private static boolean crashOnce(long seed, int crashAt, PowerLoss mode, Shape shape) {
        boolean lz4 = shape.lz4();
        String where = "seed " + seed + " (replay with -Dplinth.seed=" + seed + "), crash after step " + crashAt
                + ", " + mode + (lz4 ? ", LZ4" : "") + ", " + shape.segmentBytes() + "-byte segments";
        Random rnd = new Random(seed);
        MemVfs vfs = new MemVfs(seed * 1000 + crashAt);
        RaftStorage s = open(vfs, shape);
        RaftLogModel model = new RaftLogModel();
        List<View> views = new ArrayList<>();
        views.add(View.of(model));
        int durableFrom = 0;
        for (int step = 0; step < crashAt; step++) {
            int op = rnd.nextInt(10);
            long last = model.lastIndex(G);
            long term = model.termAt(G, last);
            Durability d = rnd.nextBoolean() ? Durability.SYNC : Durability.NONE;
            boolean durable;
            if (op < 5) {
                List<LogEntry> es = new ArrayList<>();
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    es.add(new LogEntry(last + 1 + i, term, new byte[rnd.nextInt(shape.maxPayload())]));
                }
                model.append(G, es, d);
                s.append(G, es, d);
                durable = d == Durability.SYNC;
            } else if (op < 7 && last >= model.firstIndex(G)) {
                long from = model.firstIndex(G) + rnd.nextInt((int) (last - model.firstIndex(G) + 1));
                List<LogEntry> es = List.of(new LogEntry(from, term + 1, new byte[] {(byte) step}));
                model.replaceFrom(G, from, es, d);
                s.replaceFrom(G, from, es, d);
                durable = d == Durability.SYNC;
            } else if (op < 8) {
                long upTo = last - rnd.nextInt(3);
                long before = model.firstIndex(G);
                model.purge(G, upTo, d);
                s.purge(G, upTo, d);
                // A purge is a record in the log: forced at SYNC when it moves the boundary, else not.
                durable = d == Durability.SYNC && model.firstIndex(G) != before;

            } else if (op < 9) {
                HardState hs = new HardState(step, step % 3, last);
                model.saveHardState(G, hs, d);
                s.saveHardState(G, hs, d);
                durable = false; // the hard state is durable at once, on its own; the log is not synced by it
            } else {
                s.flush();
                durable = true;
            }
            views.add(View.of(model));
            assertThat(View.of(s)).as(where + ": before the crash, step " + step + " op " + op).isEqualTo(views.get(views.size() - 1));
            if (durable) {
                durableFrom = views.size() - 1;
            }
        }
        String dir = String.format("g-%016x", G);
        boolean fromSpare = shape.segmentBytes() > 64 << 10 && vfs.exists(dir) && vfs.list(dir).stream()
                .filter(n -> n.contains("log_inprogress_"))
                .anyMatch(n -> vfs.size(dir + "/" + n) == shape.segmentBytes());
        vfs.powerLoss(mode);
        s.close();
        RaftStorage after = open(vfs, shape);
        View got = View.of(after);
        List<View> allowed = views.subList(durableFrom, views.size());
        assertThat(allowed).as(where + ": the recovered log must be one of the states from the last durable one on")
                .anySatisfy(v -> {
                    assertThat(got.first()).isEqualTo(v.first());
                    assertThat(got.last()).isEqualTo(v.last());
                    assertThat(got.entries()).isEqualTo(v.entries());
                    assertThat(got.boundaryTerm()).isEqualTo(v.boundaryTerm());
                });
        assertThat(got.hard()).as(where + ": every hard state save is durable when it returns")
                .isEqualTo(views.get(views.size() - 1).hard());
        // The log goes on after the crash.
        after.append(G, List.of(new LogEntry(got.last() + 1, Math.max(1000, 0), new byte[] {7})), Durability.SYNC);
        vfs.powerLoss(PowerLoss.dropUnsynced());
        after.close();
        RaftStorage again = open(vfs, shape);
        assertThat(again.lastIndex(G)).as(where + ": after a second crash").isEqualTo(got.last() + 1);
        again.close();
        return fromSpare;
    }

    private static RaftStorage open(MemVfs vfs, Shape shape) {
        return RaftLogs.openSegmented(vfs, LogFileOptions.DEFAULTS.withSegmentBytes(shape.segmentBytes())
                .withCompression(shape.lz4() ? LogFileOptions.Compression.LZ4 : LogFileOptions.Compression.NONE));
    }
}
