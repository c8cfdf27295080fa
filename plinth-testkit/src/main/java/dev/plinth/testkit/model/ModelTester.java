package dev.plinth.testkit.model;

import dev.plinth.testkit.StoreFactory;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * The seeded model-based random tester. Thread-safe: an instance holds only its
 * configuration, and concurrent {@link #run} calls are independent as long as they use different
 * directories.
 *
 * <p>{@link #run} generates a list of steps from a seed (all up front, so any subset can be replayed),
 * runs them against a store opened with a {@link dev.plinth.testkit.FakeClock}, and after every step
 * compares the store with a {@code TreeMap} model of every keyspace. On a difference it shrinks the run by
 * delta debugging (dropping chunks of steps, then single steps, then parts of batches and transactions)
 * to a short list that still fails the same way, and replays that list once more to show what the store
 * answered.
 *
 * <p>Steps: put (with and without time to live), delete, range delete, batches across keyspaces with
 * checks that see earlier operations, compare-and-set, get and contains, scans and cursors (forward,
 * reverse, limits, keys-only, seeks part-way), snapshots kept open across writes, cursors kept open
 * across writes, transactions of both isolation levels (run alone, so commit must succeed, or with a
 * write by another party in the middle whose conflict, or lack of it, is checked), clock advances (some
 * landing exactly on an expiry instant), flush, compact, keyspace create and drop, and reopen on
 * persistent engines. Writes use the store's default durability. Keys are 1 to 3 bytes from
 * {@code 00 01 7F 80 FE FF 'a' 'b'}, so keys collide and sit on ordering edges.
 *
 * <p>Where the API leaves a choice open, the model accepts either answer: an entry that expired after a
 * snapshot or cursor was taken may or may not be visible through it; a transaction whose scan stopped
 * early (limit, seek) may or may not conflict with a write in the part it skipped; a {@code SNAPSHOT}
 * transaction may or may not conflict with a write to a key it only read.
 */
public final class ModelTester {
    /** Steps per run unless {@link Builder#ops(int)} says otherwise. */
    public static final int DEFAULT_OPS = 1000;
    /** The kinds of step, as {@link Builder#excluding(String...)} and failure signatures name them. */
    public static final String KINDS = "Put, Delete, DeleteRange, Batch, Cas, Get, Scan, OpenSnapshot, SnapshotGet, "
            + "SnapshotScan, CloseSnapshot, Tx, InterleavedTx, OpenCursor, CursorNext, CursorSeek, CloseCursor, "
            + "AdvanceClock, Flush, Compact, CreateKeyspace, DropKeyspace, Reopen";
    /** Re-runs shrinking may take unless {@link Builder#shrinkRuns(int)} says otherwise. */
    public static final int DEFAULT_SHRINK_RUNS = 400;

    private final StoreFactory factory;
    private final int ops;
    private final int shrinkRuns;
    private final PrintStream trace;
    private final Set<String> excluded;

    private ModelTester(Builder b) {
        this.factory = b.factory;
        this.ops = b.ops;
        this.shrinkRuns = b.shrinkRuns;
        this.trace = b.trace;
        this.excluded = Set.copyOf(b.excluded);
    }

    /**
     * A builder for a tester of the engine a factory opens.
     *
     * @param factory opens the store under test; the tester adds its clock
     * @return a new builder
     * @throws NullPointerException if {@code factory} is null
     */
    public static Builder builder(StoreFactory factory) {
        return new Builder(Objects.requireNonNull(factory, "factory"));
    }

    /**
     * Runs one seed: generates the steps, runs them in a subdirectory of {@code dir}, and shrinks a failure.
     * Directories of runs are deleted afterwards, except the first run's after a failure.
     *
     * @param seed the seed
     * @param dir a directory owned by this run (created if absent)
     * @return the outcome
     */
    public ModelResult run(long seed, Path dir) {
        List<Step> steps = steps(seed);
        if (trace != null) {
            trace.println("model: seed " + seed + ", " + ops + " steps");
        }
        Outcome first = execute(dir.resolve("run"), steps, trace);
        if (first.passed()) {
            delete(dir.resolve("run"));
            return new ModelResult(seed, ops, true, -1, null, null, List.of(), 0, List.of(), first.events());
        }
        Shrinker s = new Shrinker(dir, first);
        List<Step> minimal = s.shrink(steps.subList(0, Math.min(steps.size(), first.index() + 1)));
        List<String> lines = new ArrayList<>(minimal.size());
        for (Step st : minimal) {
            lines.add("#" + st.index() + " " + st.op());
        }
        String message = first.message();
        if (!s.last.message().equals(first.message())) {
            message += "\n(the shortened run fails with: " + s.last.message() + ")";
        }
        int failedStep = first.index() < 0 ? -1 : first.index() >= steps.size() ? ops : steps.get(first.index()).index();
        List<String> replay = new ArrayList<>();
        if (!minimal.isEmpty()) {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            Path d = dir.resolve("shortened");
            Outcome o;
            try (PrintStream p = new PrintStream(buf, true, StandardCharsets.UTF_8)) {
                o = execute(d, minimal, p);
            }
            delete(d);
            replay.addAll(List.of(buf.toString(StandardCharsets.UTF_8).split("\n")));
            if (o.passed()) {
                replay.add("(this replay passed: the failure depends on more than the steps, such as timing)");
            }
        }
        return new ModelResult(seed, ops, false, failedStep, first.signature(), message, lines, s.runs, replay,
                first.events());
    }

    /**
     * The steps a seed generates, rendered one per line; for reading a replay.
     *
     * @param seed the seed
     * @return one line per step
     */
    public List<String> describe(long seed) {
        List<String> out = new ArrayList<>();
        for (Step st : steps(seed)) {
            out.add("#" + st.index() + " " + st.op());
        }
        return out;
    }

    /**
     * The seed's steps with their indices, less the excluded kinds (dropped after generation, so the
     * other steps and their indices stay the same).
     */
    private List<Step> steps(long seed) {
        List<Op> all = OpGenerator.generate(seed, ops);
        List<Step> steps = new ArrayList<>(all.size());
        for (int i = 0; i < all.size(); i++) {
            if (!excluded.contains(all.get(i).kind())) {
                steps.add(new Step(i, all.get(i)));
            }
        }
        return steps;
    }

    /** A step with its index in the full run. */
    private record Step(int index, Op op) {
    }

    /**
     * The result of one execution.
     *
     * @param index the position in the executed list of the failing step, {@code -1} if opening failed,
     *     or the list's size if the final checks failed
     */
    private record Outcome(boolean passed, int index, String signature, String message, Map<String, Integer> events) {
    }

    private Outcome execute(Path runDir, List<Step> steps, PrintStream out) {
        try {
            Files.createDirectories(runDir);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        ModelRun r = new ModelRun(factory, runDir, out);
        int i = -1;
        String kind = "open";
        try {
            r.open();
            for (i = 0; i < steps.size(); i++) {
                kind = steps.get(i).op().kind();
                r.step(steps.get(i).index(), steps.get(i).op());
            }
            kind = "final check";
            r.finish();
            return new Outcome(true, -1, null, null, r.events());
        } catch (Mismatch m) {
            return new Outcome(false, i, kind + ": " + m.category(), where(steps, i) + m.getMessage(), r.events());
        } catch (RuntimeException | AssertionError | StackOverflowError e) {
            return new Outcome(false, i, kind + ": threw " + e.getClass().getName(),
                    where(steps, i) + "unexpected " + stackTrace(e), r.events());
        } finally {
            r.closeQuietly();
        }
    }

    private static String where(List<Step> steps, int i) {
        if (i < 0) {
            return "opening the store: ";
        }
        if (i >= steps.size()) {
            return "final checks: ";
        }
        return "step #" + steps.get(i).index() + " (" + steps.get(i).op() + "): ";
    }

    private static String stackTrace(Throwable e) {
        StringWriter w = new StringWriter();
        e.printStackTrace(new PrintWriter(w));
        String[] lines = w.toString().split("\n");
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < lines.length && i < 14; i++) {
            sb.append(i == 0 ? "" : "\n").append(lines[i]);
        }
        return sb.toString();
    }

    /** Delta debugging over steps, then over the parts of composite steps. Not thread-safe. */
    private final class Shrinker {
        private final Path dir;
        private final String signature;
        private Outcome last;
        private int runs;

        Shrinker(Path dir, Outcome first) {
            this.dir = dir;
            this.signature = first.signature();
            this.last = first;
        }

        /** Whether the candidate still fails the same way; remembers its outcome if so. */
        private boolean failsAlike(List<Step> candidate) {
            runs++;
            Path d = dir.resolve("shrink-" + runs);
            Outcome o = execute(d, candidate, null);
            delete(d);
            if (!o.passed() && o.signature().equals(signature)) {
                last = o;
                return true;
            }
            return false;
        }

        private List<Step> upToFailure(List<Step> candidate) {
            int end = last.index() < 0 ? candidate.size() : Math.min(candidate.size(), last.index() + 1);
            return new ArrayList<>(candidate.subList(0, end));
        }

        List<Step> shrink(List<Step> failing) {
            List<Step> cur = new ArrayList<>(failing);
            if (last.index() < 0) {
                return List.of();
            }
            for (int round = 0; round < 2 && runs < shrinkRuns; round++) {
                int before = cur.size();
                cur = removeChunks(cur);
                cur = simplifySteps(cur);
                if (cur.size() == before && round > 0) {
                    break;
                }
            }
            return cur;
        }

        private List<Step> removeChunks(List<Step> cur) {
            int chunk = Math.max(1, cur.size() / 2);
            while (runs < shrinkRuns) {
                boolean removed = false;
                for (int start = 0; start < cur.size() && runs < shrinkRuns && cur.size() > 1; ) {
                    List<Step> cand = new ArrayList<>(cur.subList(0, start));
                    cand.addAll(cur.subList(Math.min(cur.size(), start + chunk), cur.size()));
                    if (!cand.isEmpty() && failsAlike(cand)) {
                        cur = upToFailure(cand);
                        removed = true;
                    } else {
                        start += chunk;
                    }
                }
                if (chunk == 1 && !removed) {
                    break;
                }
                if (chunk > 1) {
                    chunk = Math.max(1, chunk / 2);
                }
            }
            return cur;
        }

        private List<Step> simplifySteps(List<Step> cur) {
            for (int i = 0; i < cur.size() && runs < shrinkRuns; i++) {
                boolean changed = true;
                while (changed && runs < shrinkRuns && i < cur.size()) {
                    changed = false;
                    for (Op simpler : cur.get(i).op().simpler()) {
                        if (runs >= shrinkRuns) {
                            break;
                        }
                        List<Step> cand = new ArrayList<>(cur);
                        cand.set(i, new Step(cur.get(i).index(), simpler));
                        if (failsAlike(cand)) {
                            cur = upToFailure(cand);
                            changed = true;
                            break;
                        }
                    }
                }
            }
            return cur;
        }
    }

    private static void delete(Path root) {
        if (!Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                    Files.delete(d);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            // leftovers sit in a directory the caller owns and removes
        }
    }

    /** Builds a {@link ModelTester}. Not thread-safe. */
    public static final class Builder {
        private final StoreFactory factory;
        private int ops = DEFAULT_OPS;
        private int shrinkRuns = DEFAULT_SHRINK_RUNS;
        private PrintStream trace;
        private final Set<String> excluded = new TreeSet<>();

        private Builder(StoreFactory factory) {
            this.factory = factory;
        }

        /**
         * Sets the number of steps per run.
         *
         * @param ops 1 or more
         * @return this builder
         */
        public Builder ops(int ops) {
            if (ops < 1) {
                throw new IllegalArgumentException("ops must be >= 1, got " + ops);
            }
            this.ops = ops;
            return this;
        }

        /**
         * Sets how many re-runs shrinking a failure may take.
         *
         * @param runs 0 or more; 0 reports the failing run up to its failing step unshortened
         * @return this builder
         */
        public Builder shrinkRuns(int runs) {
            if (runs < 0) {
                throw new IllegalArgumentException("shrinkRuns must be >= 0, got " + runs);
            }
            this.shrinkRuns = runs;
            return this;
        }

        /**
         * Prints every step of the first run of each seed, with what the store answered, to a stream.
         *
         * @param trace the stream, or {@code null} for none
         * @return this builder
         */
        public Builder trace(PrintStream trace) {
            this.trace = trace;
            return this;
        }

        /**
         * Leaves out steps of some kinds, to focus a run (or to spare an engine something it cannot do).
         * The other steps of a seed stay the same. Kinds: {@value #KINDS}.
         *
         * @param kinds step kinds, as named in failure signatures
         * @return this builder
         * @throws IllegalArgumentException if a kind is unknown
         */
        public Builder excluding(String... kinds) {
            for (String k : kinds) {
                if (!Arrays.asList(KINDS.split(", ")).contains(k)) {
                    throw new IllegalArgumentException("unknown step kind " + k + "; kinds: " + KINDS);
                }
                excluded.add(k);
            }
            return this;
        }

        /**
         * Builds the tester.
         *
         * @return the tester
         */
        public ModelTester build() {
            return new ModelTester(this);
        }
    }
}
