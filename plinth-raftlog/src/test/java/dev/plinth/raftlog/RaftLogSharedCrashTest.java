package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.raftlog.testkit.RaftLogModel;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Power loss of the shared log during a seeded workload over three groups (appends at {@code NONE} and
 * {@code SYNC}, appends with a hard state, replaces, truncates, purges, resets, hard states, meta values,
 * flushes), with 200-byte segments so that segments roll and old ones are checkpointed and deleted all the time.
 *
 * <ul>
 *   <li>After every step, in four modes: the recovered state of all groups together (entries, boundaries, hard
 *   states, meta) is the state after some prefix of the changes that includes every change acknowledged at
 *   {@code SYNC} or followed by a flush.</li>
 *   <li>At the n-th file operation of each kind (a sticky fault stops the call there, then power is lost): the
 *   same, where the state after the interrupted call counts too; a change is all or nothing.</li>
 * </ul>
 * At least 1,000 crash states; {@code -Dplinth.seed=N} replays one seed, {@code -Dplinth.raftlog.crashSeeds=N}
 * sets how many run (default {@link #SEEDS}).
 */
class RaftLogSharedCrashTest {
    static final int SEEDS = 6;
    static final int STEPS = 45;
    static final int GROUPS = 3;
    static final long SEGMENT = 200;
    static final List<IoOp> KINDS = List.of(IoOp.CREATE, IoOp.WRITE, IoOp.FORCE, IoOp.RENAME, IoOp.SYNC_DIRECTORY,
            IoOp.DELETE, IoOp.TRUNCATE);

    /** Everything a restart must keep, for every group. */
    private record View(List<Object> parts) {
        static View of(RaftStorage s) {
            List<Object> p = new ArrayList<>();
            for (long g = 0; g < GROUPS; g++) {
                p.add(List.of(s.firstIndex(g), s.lastIndex(g), s.termAt(g, s.firstIndex(g) - 1),
                        s.entries(g, s.firstIndex(g), s.lastIndex(g) + 1), s.loadHardState(g),
                        String.valueOf(s.get(g, "conf") == null ? null : Arrays.toString(s.get(g, "conf")))));
            }
            return new View(p);
        }
    }

    @Test
    void everyCrashAfterAStepLeavesADurablePrefix() {
        crashAfterEveryStep(false);
    }

    /** The same with LZ4 payloads: entries of up to 120 zero bytes, most of them stored compressed. */
    @Test
    void everyCrashAfterAStepLeavesADurablePrefixWithLz4() {
        crashAfterEveryStep(true);
    }

    private static void crashAfterEveryStep(boolean lz4) {
        CrashSeeds run = CrashSeeds.fromProperties(SEEDS);
        long seeds = run.count();
        List<PowerLoss> modes = CrashSeeds.powerLosses();
        int states = 0;
        for (long seed = run.first(); seed < run.end(); seed++) {
            for (int crashAt = 0; crashAt <= STEPS; crashAt++) {
                for (PowerLoss mode : modes) {
                    MemVfs vfs = new MemVfs(seed * 1000 + crashAt);
                    run(seed, crashAt, vfs, vfs, mode, null, lz4, "crash after step " + crashAt + ", " + mode
                            + (lz4 ? ", LZ4" : ""));
                    states++;
                }
            }
        }
        assertThat(states).isGreaterThanOrEqualTo(seeds == 1 ? 1 : 1000);
    }

    @Test
    void everyCrashInsideACallLeavesItAllOrNothing() {
        CrashSeeds run = CrashSeeds.fromProperties(SEEDS);
        long seeds = run.count();
        int cut = 0;
        for (long seed = run.first(); seed < run.end(); seed++) {
            for (IoOp kind : KINDS) {
                for (int nth = 1; nth <= 12; nth++) {
                    MemVfs mem = new MemVfs(seed * 100 + nth);
                    FaultyVfs vfs = new FaultyVfs(mem, nth);
                    if (run(seed, STEPS, vfs, mem, PowerLoss.dropUnsynced(), Fault.on(kind).at(nth).sticky(), false,
                            "crash at " + kind + " #" + nth)) {
                        cut++;
                    }
                }
            }
        }
        assertThat(cut).as("calls cut short by a fault").isGreaterThan(seeds == 1 ? 0 : 100);
    }

    /** Runs the workload, crashes, reopens and checks; returns whether a call was cut short by the fault. */
    private static boolean run(long seed, int steps, dev.plinth.io.Vfs vfs, MemVfs mem, PowerLoss mode, Fault fault,
                               boolean lz4, String what) {
        String where = "seed " + seed + " (replay with -Dplinth.seed=" + seed + "), " + what;
        Random rnd = new Random(seed);
        RaftStorage s = open(vfs, lz4);
        RaftLogModel model = new RaftLogModel();
        List<View> views = new ArrayList<>();
        views.add(View.of(model));
        int durableFrom = 0;
        boolean cut = false;
        if (fault != null) {
            ((FaultyVfs) vfs).inject(fault);
        }
        for (int step = 0; step < steps && !cut; step++) {
            long g = rnd.nextInt(GROUPS);
            int op = rnd.nextInt(20);
            long last = model.lastIndex(g);
            long term = model.termAt(g, last);
            Durability d = rnd.nextBoolean() ? Durability.SYNC : Durability.NONE;
            boolean durable = d == Durability.SYNC;
            RaftLogModel m = model;
            java.util.function.Consumer<RaftStorage> change;
            if (op < 8) {
                List<LogEntry> es = new ArrayList<>();
                for (int i = 0; i < 1 + rnd.nextInt(4); i++) {
                    es.add(new LogEntry(last + 1 + i, term, new byte[rnd.nextInt(lz4 ? 120 : 30)]));
                }
                change = x -> x.append(g, es, d);
            } else if (op < 10) {
                List<LogEntry> es = List.of(new LogEntry(last + 1, term + 1, new byte[] {(byte) step}));
                HardState hs = new HardState(term + 1, g, last);
                change = x -> x.appendWithHardState(g, es, hs, d);
            } else if (op < 12 && last >= model.firstIndex(g)) {
                long from = model.firstIndex(g) + rnd.nextInt((int) (last - model.firstIndex(g) + 1));
                List<LogEntry> es = rnd.nextBoolean() ? List.of()
                        : List.of(new LogEntry(from, term + 1, new byte[] {(byte) step}));
                change = x -> x.replaceFrom(g, from, es, d);
            } else if (op < 15) {
                long upTo = last - rnd.nextInt(3);
                change = x -> x.purge(g, upTo, d);
            } else if (op < 16) {
                long to = last + rnd.nextInt(5) - 2;
                long t = term + 1;
                change = x -> x.reset(g, Math.max(0, to), t, d);
            } else if (op < 17) {
                HardState hs = new HardState(step, step % 3, last);
                change = x -> x.saveHardState(g, hs, d);
            } else if (op < 19) {
                byte[] v = new byte[] {(byte) step, (byte) g};
                change = x -> x.put(g, "conf", v, d);
            } else {
                change = RaftStorage::flush;
                durable = true;
            }
            change.accept(m);
            try {
                change.accept(s);
            } catch (PlinthException e) {
                if (fault == null) {
                    throw e;
                }
                cut = true;
            }
            views.add(View.of(model));
            if (!cut) {
                assertThat(View.of(s)).as(where + ": before the crash, step " + step + " op " + op)
                        .isEqualTo(views.get(views.size() - 1));
                if (durable) {
                    durableFrom = views.size() - 1;
                }
            }
        }
        if (fault != null) {
            ((FaultyVfs) vfs).clearFaults();
        }
        mem.powerLoss(mode);
        s.close();
        RaftStorage after = open(mem, lz4);
        View got = View.of(after);
        assertThat(views.subList(durableFrom, views.size()))
                .as(where + ": the recovered state must be one from the last durable change on").contains(got);
        // The log goes on after the crash, and what it then syncs survives the next one.
        long g = 1;
        after.append(g, List.of(new LogEntry(after.lastIndex(g) + 1, 1000, new byte[] {7})), Durability.SYNC);
        View synced = View.of(after);
        mem.powerLoss(PowerLoss.dropUnsynced());
        after.close();
        try (RaftStorage again = open(mem, lz4)) {
            assertThat(View.of(again)).as(where + ": after a second crash").isEqualTo(synced);
        }
        return cut;
    }

    private static RaftStorage open(dev.plinth.io.Vfs vfs, boolean lz4) {
        return RaftLogs.openShared(vfs, LogFileOptions.DEFAULTS.withSegmentBytes(SEGMENT)
                .withCompression(lz4 ? LogFileOptions.Compression.LZ4 : LogFileOptions.Compression.NONE));
    }
}
