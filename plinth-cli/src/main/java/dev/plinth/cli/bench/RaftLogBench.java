package dev.plinth.cli.bench;

import dev.plinth.Durability;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicReference;
import org.HdrHistogram.Histogram;

/**
 * One cell of {@code plinth raftlog bench}: a fresh log, {@code groups} threads each appending batches to its own
 * group, then one thread reading entries and {@code lastIndex} and purging in steps of {@link #PURGE_STEP}. Every
 * read entry is checked against what was appended. Latencies go into HdrHistograms in nanoseconds (3 significant
 * digits); each measured call is timed alone with {@link System#nanoTime()}, whose own cost (tens of nanoseconds)
 * is part of the figure. Not thread safe: one cell at a time.
 */
final class RaftLogBench {
    /** Entries purged by one purge call. */
    static final int PURGE_STEP = 10_000;
    /** The most purge calls measured in a cell. */
    static final int MAX_PURGES = 50;
    private static final int DIGITS = 3;

    /** What a cell measures. */
    record Settings(int entrySize, Durability durability, Duration duration, long batchesPerGroup,
                    Duration warmup, int reads, long seed, int depth) {
    }

    /** What a cell measured. */
    record Result(String log, int groups, int batch, long entries, long nanos, Histogram append, Histogram entry,
                  Histogram lastIndex, Histogram purge, long errors) {
        double entriesPerSecond() {
            return nanos == 0 ? 0 : entries * 1e9 / nanos;
        }
    }

    /** A log to benchmark, as given, and where its cells live. */
    static final class LogTarget {
        private final String spec;
        private final String scheme;
        private final String query;
        private final Path explicit;
        private final boolean memory;
        private Path scratch;

        LogTarget(String spec) {
            this.spec = spec;
            int colon = spec.indexOf(':');
            if (colon <= 0) {
                throw new IllegalArgumentException("malformed log URI '" + spec + "': expected shared:[dir], "
                        + "segmented:[dir] or a Plinth store URI such as lsm:[dir]");
            }
            this.scheme = spec.substring(0, colon).toLowerCase(Locale.ROOT);
            String rest = spec.substring(colon + 1);
            int q = rest.indexOf('?');
            String location = q < 0 ? rest : rest.substring(0, q);
            this.query = q < 0 ? "" : rest.substring(q);
            this.memory = scheme.equals("mem");
            boolean ours = scheme.equals(RaftLogs.SHARED_SCHEME) || scheme.equals(RaftLogs.SEGMENTED_SCHEME);
            if (!ours && !memory && !dev.plinth.Plinth.schemes().contains(scheme)) {
                throw new IllegalArgumentException("unknown log scheme '" + scheme + "' in '" + spec + "'; give "
                        + "shared:, segmented: or one of the store schemes " + dev.plinth.Plinth.schemes());
            }
            if (ours) {
                // Bad options are reported now, before anything runs, naming the URI as given.
                dev.plinth.raftlog.LogFileOptions.parse(query.isEmpty() ? null : query.substring(1), spec);
            }
            if (memory || location.isEmpty()) {
                this.explicit = null;
            } else if (location.startsWith("//")) {
                throw new IllegalArgumentException("plinth raftlog bench runs local logs only; '" + spec
                        + "' names a remote location");
            } else {
                this.explicit = Paths.get(location).toAbsolutePath().normalize();
                if (Files.exists(explicit) && (!Files.isDirectory(explicit) || !Target.isEmptyDirectory(explicit))) {
                    throw new IllegalArgumentException("refusing to benchmark in " + explicit + " for '" + spec
                            + "': it exists and is not an empty directory; give a new path, or just '" + scheme
                            + ":' for a temporary one");
                }
            }
        }

        String spec() {
            return spec;
        }

        /** The URI of a cell's log: a directory of its own under the given path or a temporary one. */
        String cellUri(String cell) {
            if (memory) {
                return spec;
            }
            Path root = explicit;
            if (root == null) {
                if (scratch == null) {
                    try {
                        scratch = Files.createTempDirectory("plinth-raftlog-bench-" + scheme + "-");
                    } catch (java.io.IOException e) {
                        throw new java.io.UncheckedIOException("cannot create a temporary directory: " + e.getMessage(), e);
                    }
                }
                root = scratch;
            }
            return scheme + ":" + root.resolve(cell) + query;
        }

        /** Deletes a cell's directory unless the user named the path. */
        void discard(String cell) {
            if (scratch != null) {
                Target.deleteTree(scratch.resolve(cell));
            }
        }

        /** Deletes the temporary directory, if one was made. */
        void close() {
            if (scratch != null) {
                Target.deleteTree(scratch);
                scratch = null;
            }
        }
    }

    private final Settings settings;

    RaftLogBench(Settings settings) {
        this.settings = settings;
    }

    /** The payload of an entry: its index and group, then bytes from the seed, all checked when read. */
    static byte[] payload(long group, long index, int size, long seed) {
        byte[] p = new byte[size];
        SplittableRandom r = new SplittableRandom(seed ^ (group * 0x9E3779B97F4A7C15L) ^ index);
        for (int i = 0; i < size; i++) {
            p[i] = (byte) r.nextInt(256);
        }
        ByteBuffer b = ByteBuffer.wrap(p);
        if (size >= 16) {
            b.putLong(0, index).putLong(8, group);
        }
        return p;
    }

    Result run(LogTarget target, int groups, int batch) {
        String cell = "g" + groups + "-b" + batch;
        try (RaftStorage log = RaftLogs.open(target.cellUri(cell))) {
            if (!settings.warmup().isZero()) {
                appendAll(log, groups, batch, settings.warmup(), 0, null);
            }
            Histogram append = new Histogram(DIGITS);
            long[] done = new long[1];
            long nanos = appendAll(log, groups, batch, settings.duration(), settings.batchesPerGroup(), h -> {
                synchronized (append) {
                    append.add(h);
                }
            }, done);
            long entries = done[0];
            Histogram entry = new Histogram(DIGITS);
            Histogram last = new Histogram(DIGITS);
            long errors = reads(log, groups, entry, last);
            Histogram purge = purges(log);
            return new Result(target.spec(), groups, batch, entries, nanos, append, entry, last, purge, errors);
        } finally {
            target.discard(cell);
        }
    }

    private long appendAll(RaftStorage log, int groups, int batch, Duration duration, long batches,
                           java.util.function.Consumer<Histogram> sink) {
        return appendAll(log, groups, batch, duration, batches, sink, new long[1]);
    }

    /** Appends from one thread per group until the time or the batch count is up; returns the wall time. */
    private long appendAll(RaftStorage log, int groups, int batch, Duration duration, long batches,
                           java.util.function.Consumer<Histogram> sink, long[] entries) {
        CyclicBarrier start = new CyclicBarrier(groups + 1);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        long[] counts = new long[groups];
        List<Thread> threads = new ArrayList<>();
        long[] deadline = new long[1];
        for (int t = 0; t < groups; t++) {
            int me = t;
            long group = t + 1;
            Thread th = new Thread(() -> {
                Histogram h = new Histogram(DIGITS);
                try {
                    start.await();
                    long n = 0;
                    // With a depth, appendAsync with up to that many batches in flight; a batch counts once its
                    // future completes (a force covered it); its latency runs from the call until this thread,
                    // with the pipeline full, takes the completed future: at least the time to acknowledgement.
                    java.util.ArrayDeque<long[]> started = new java.util.ArrayDeque<>();
                    java.util.ArrayDeque<java.util.concurrent.CompletableFuture<Long>> inFlight =
                            new java.util.ArrayDeque<>();
                    while (batches > 0 ? n < batches : System.nanoTime() < deadline[0]) {
                        long first = log.lastIndex(group) + 1;
                        List<LogEntry> es = new ArrayList<>(batch);
                        for (int i = 0; i < batch; i++) {
                            es.add(new LogEntry(first + i, 1, payload(group, first + i, settings.entrySize(),
                                    settings.seed())));
                        }
                        if (inFlight.size() == settings.depth() && settings.depth() > 0) {
                            inFlight.removeFirst().join();
                            h.recordValue(Math.max(1, System.nanoTime() - started.removeFirst()[0]));
                            counts[me] += batch;
                        }
                        long t0 = System.nanoTime();
                        if (settings.depth() > 0) {
                            inFlight.addLast(log.appendAsync(group, es));
                            started.addLast(new long[] {t0});
                        } else {
                            log.append(group, es, settings.durability());
                            h.recordValue(Math.max(1, System.nanoTime() - t0));
                            counts[me] += batch;
                        }
                        n++;
                    }
                    while (!inFlight.isEmpty()) {
                        inFlight.removeFirst().join();
                        h.recordValue(Math.max(1, System.nanoTime() - started.removeFirst()[0]));
                        counts[me] += batch;
                    }
                } catch (Throwable e) {
                    failure.compareAndSet(null, e);
                }
                if (sink != null) {
                    sink.accept(h);
                }
            }, "raftlog-bench-" + group);
            threads.add(th);
            th.start();
        }
        long t0 = System.nanoTime();
        deadline[0] = t0 + duration.toNanos();
        try {
            start.await();
            for (Thread th : threads) {
                th.join();
            }
        } catch (Exception e) {
            throw new IllegalStateException("the append threads were interrupted", e);
        }
        long elapsed = System.nanoTime() - t0;
        if (failure.get() != null) {
            Throwable f = failure.get();
            throw f instanceof RuntimeException r ? r : new IllegalStateException(f);
        }
        for (long c : counts) {
            entries[0] += c;
        }
        return elapsed;
    }

    /** Random {@code entry()} calls over every group's entries, checked, then {@code lastIndex} calls. */
    private long reads(RaftStorage log, int groups, Histogram entry, Histogram last) {
        SplittableRandom r = new SplittableRandom(settings.seed());
        long errors = 0;
        for (int i = 0; i < settings.reads(); i++) {
            long g = 1 + r.nextInt(groups);
            long first = log.firstIndex(g);
            long lastIndex = log.lastIndex(g);
            if (lastIndex < first) {
                continue;
            }
            long index = first + r.nextLong(lastIndex - first + 1);
            long t0 = System.nanoTime();
            LogEntry e = log.entry(g, index);
            entry.recordValue(Math.max(1, System.nanoTime() - t0));
            if (e.index() != index || !java.util.Arrays.equals(e.payload(),
                    payload(g, index, settings.entrySize(), settings.seed()))) {
                errors++;
            }
        }
        long sink = 0;
        for (int i = 0; i < settings.reads(); i++) {
            long g = 1 + (i % groups);
            long t0 = System.nanoTime();
            sink += log.lastIndex(g);
            last.recordValue(Math.max(1, System.nanoTime() - t0));
        }
        return sink == Long.MIN_VALUE ? errors + 1 : errors;
    }

    /** Purges group 1 in steps of {@link #PURGE_STEP} entries while it holds more than a step. */
    private Histogram purges(RaftStorage log) {
        Histogram h = new Histogram(DIGITS);
        for (int i = 0; i < MAX_PURGES && log.lastIndex(1) - log.firstIndex(1) >= PURGE_STEP; i++) {
            long upTo = log.firstIndex(1) + PURGE_STEP - 1;
            long t0 = System.nanoTime();
            log.purge(1, upTo, settings.durability());
            h.recordValue(Math.max(1, System.nanoTime() - t0));
        }
        return h;
    }
}
