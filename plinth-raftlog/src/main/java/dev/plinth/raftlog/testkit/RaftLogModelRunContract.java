package dev.plinth.raftlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogReader;
import dev.plinth.raftlog.RaftStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Seeded random runs of appends, truncates, replaces, purges, resets, reads, hard state and meta writes and
 * restarts, applied to an implementation and to {@link RaftLogModel}; every answer (a value or the class of the
 * exception) must match. Each seed is printed on failure; {@code -Dplinth.seed=N} runs only that seed, and
 * {@code -Dplinth.raftlog.seeds=N} sets how many seeds run (default {@link #DEFAULT_SEEDS}).
 *
 * <p>Not thread safe: JUnit runs one instance per test. Needs JUnit Jupiter and AssertJ on the test class path
 * (optional dependencies of {@code plinth-raftlog}).
 */
public abstract class RaftLogModelRunContract {
    /** Seeds run by default. */
    public static final int DEFAULT_SEEDS = 20;
    /** Operations per seed. */
    public static final int STEPS = 400;

    /**
     * Opens a fresh, empty storage.
     *
     * @param dir an empty directory the storage may use
     * @return the subject
     */
    protected abstract RaftLogStorageContract.Subject open(Path dir);

    /** The durability the run asks for. */
    protected Durability durability() {
        return Durability.SYNC;
    }

    /** A directory for the storages under test. */
    @TempDir
    protected Path dir;

    @Test
    public void randomOperationsMatchTheModel() throws Exception {
        String one = System.getProperty("plinth.seed");
        long first = one == null || one.isBlank() ? 1 : Long.parseLong(one.trim());
        int seeds = one == null || one.isBlank() ? Integer.getInteger("plinth.raftlog.seeds", DEFAULT_SEEDS) : 1;
        for (long seed = first; seed < first + seeds; seed++) {
            Path d = Files.createDirectories(dir.resolve("seed-" + seed));
            runSeed(seed, d);
        }
    }

    private void runSeed(long seed, Path d) {
        Random rnd = new Random(seed);
        Durability dur = durability();
        Deque<String> trace = new ArrayDeque<>();
        try (RaftLogStorageContract.Subject subject = open(d)) {
            RaftStorage real = subject.storage();
            RaftLogModel model = new RaftLogModel();
            for (int step = 0; step < STEPS; step++) {
                long g = rnd.nextInt(3);
                int op = rnd.nextInt(100);
                String label;
                Function<RaftStorage, Object> f;
                long last = model.lastIndex(g);
                long firstIdx = model.firstIndex(g);
                long lastTerm = model.termAt(g, last);
                if (op < 30) {
                    long start = last + 1 + (rnd.nextInt(20) == 0 ? rnd.nextInt(3) - 1 : 0);
                    List<LogEntry> es = entries(rnd, start, lastTerm, rnd.nextInt(6));
                    label = "append " + g + " " + es;
                    f = s -> {
                        s.append(g, es, dur);
                        return null;
                    };
                } else if (op < 38) {
                    long from = firstIdx - 1 + rnd.nextInt((int) (last - firstIdx + 4));
                    label = "truncate " + g + " from " + from;
                    f = s -> {
                        s.truncate(g, from, dur);
                        return null;
                    };
                } else if (op < 48) {
                    long from = firstIdx - 1 + rnd.nextInt((int) (last - firstIdx + 4));
                    long prevTerm = from - 1 >= firstIdx - 1 && from - 1 <= last ? model.termAt(g, from - 1) : 0;
                    List<LogEntry> es = entries(rnd, from, prevTerm, rnd.nextInt(6));
                    label = "replaceFrom " + g + " " + from + " " + es;
                    f = s -> {
                        s.replaceFrom(g, from, es, dur);
                        return null;
                    };
                } else if (op < 55) {
                    long upTo = firstIdx - 2 + rnd.nextInt((int) (last - firstIdx + 5));
                    label = "purge " + g + " upTo " + upTo;
                    f = s -> s.purge(g, upTo, dur);
                } else if (op < 57) {
                    long idx = rnd.nextInt(50);
                    long term = rnd.nextInt(5);
                    label = "reset " + g + " to (" + idx + ", " + term + ")";
                    f = s -> {
                        s.reset(g, idx, term, dur);
                        return null;
                    };
                } else if (op < 67) {
                    long idx = firstIdx - 2 + rnd.nextInt((int) (last - firstIdx + 5));
                    label = "entry/termAt " + g + " " + idx;
                    f = s -> List.of(String.valueOf(attempt(() -> s.entry(g, idx))),
                            String.valueOf(attempt(() -> s.termAt(g, idx))));
                } else if (op < 75) {
                    long from = firstIdx - 1 + rnd.nextInt((int) (last - firstIdx + 3));
                    long to = from + rnd.nextInt(8) - 1;
                    long budget = rnd.nextInt(40);
                    label = "entries " + g + " [" + from + ", " + to + ") budget " + budget;
                    f = s -> {
                        List<LogEntry> out = new ArrayList<>();
                        try (LogReader r = s.entries(g, from, to, budget)) {
                            while (r.next()) {
                                out.add(r.entry());
                            }
                        }
                        return out;
                    };
                } else if (op < 78 && real.atomicHardState()) {
                    long start = last + 1 + (rnd.nextInt(10) == 0 ? rnd.nextInt(3) - 1 : 0);
                    List<LogEntry> es = entries(rnd, start, lastTerm, rnd.nextInt(4));
                    HardState hs = new HardState(rnd.nextInt(10), rnd.nextInt(4) - 1, rnd.nextInt(100));
                    label = "appendWithHardState " + g + " " + es + " " + hs;
                    f = s -> {
                        s.appendWithHardState(g, es, hs, dur);
                        return s.loadHardState(g);
                    };
                } else if (op < 80) {
                    HardState hs = new HardState(rnd.nextInt(10), rnd.nextInt(4) - 1, rnd.nextInt(100));
                    label = "saveHardState " + g + " " + hs;
                    f = s -> {
                        s.saveHardState(g, hs, dur);
                        return s.loadHardState(g);
                    };
                } else if (op < 88) {
                    String key = "k" + rnd.nextInt(3);
                    int kind = rnd.nextInt(3);
                    byte[] value = ("v" + rnd.nextInt(100)).getBytes();
                    label = "meta " + kind + " " + g + " " + key;
                    f = s -> switch (kind) {
                        case 0 -> {
                            s.put(g, key, value, dur);
                            yield null;
                        }
                        case 1 -> s.delete(g, key, dur);
                        default -> Arrays.toString(s.get(g, key));
                    };
                } else if (op < 92) {
                    label = "reopen";
                    f = null;
                } else {
                    label = "bounds " + g;
                    f = s -> List.of(s.firstIndex(g), s.lastIndex(g), s.termAt(g, s.lastIndex(g)),
                            s.termAt(g, s.firstIndex(g) - 1));
                }
                trace.addLast(step + ": " + label);
                if (trace.size() > 30) {
                    trace.removeFirst();
                }
                if (f == null) {
                    try {
                        real = subject.reopen();
                    } catch (RuntimeException e) {
                        throw new AssertionError("seed " + seed + " (replay with -Dplinth.seed=" + seed + ") step "
                                + step + ": the reopen failed\n last steps:\n  " + String.join("\n  ", trace), e);
                    }
                    model = model.reopen();
                    continue;
                }
                RaftLogModel m = model;
                Object expected = attempt(() -> f.apply(m));
                RaftStorage r = real;
                Object actual = attempt(() -> f.apply(r));
                if (!String.valueOf(expected).equals(String.valueOf(actual))) {
                    throw new AssertionError("seed " + seed + " (replay with -Dplinth.seed=" + seed + ") step "
                            + step + ": " + label + "\n expected " + expected + "\n actual   " + actual
                            + "\n last steps:\n  " + String.join("\n  ", trace));
                }
            }
            // A last full comparison of every group.
            for (long g = 0; g < 3; g++) {
                assertThat(real.entries(g, real.firstIndex(g), real.lastIndex(g) + 1))
                        .as("seed %d group %d", seed, g)
                        .isEqualTo(model.entries(g, model.firstIndex(g), model.lastIndex(g) + 1));
            }
        }
    }

    private static List<LogEntry> entries(Random rnd, long start, long prevTerm, int n) {
        List<LogEntry> l = new ArrayList<>();
        if (start < 1) {
            return l;
        }
        long term = prevTerm;
        for (int i = 0; i < n; i++) {
            term += rnd.nextInt(4) == 0 ? 1 : 0;
            long t = rnd.nextInt(40) == 0 ? Math.max(0, term - 1) : term;
            byte[] p;
            if (rnd.nextInt(4) == 0) {
                // A longer payload of one repeated byte: a log that compresses payloads stores it compressed.
                p = new byte[32 + rnd.nextInt(200)];
                java.util.Arrays.fill(p, (byte) rnd.nextInt(256));
            } else {
                p = new byte[rnd.nextInt(12)];
                rnd.nextBytes(p);
            }
            l.add(new LogEntry(start + i, t, p));
        }
        return l;
    }

    /** A value, or the simple name of the exception the call threw. */
    private static Object attempt(java.util.function.Supplier<Object> call) {
        try {
            return call.get();
        } catch (RuntimeException e) {
            return "threw " + e.getClass().getSimpleName();
        }
    }
}
