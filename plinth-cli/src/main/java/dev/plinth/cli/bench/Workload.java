package dev.plinth.cli.bench;

import dev.plinth.Capabilities;
import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.WriteOptions;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * The workloads of {@code plinth bench}: LevelDB {@code db_bench}'s classics and the YCSB core mixes A to
 * F, in the order they run. Every read checks what it got (see {@link Records}); a key that must exist
 * and is missing counts as a miss, wrong bytes as an error.
 */
enum Workload {
    /** Writes every record in ascending key order into an empty store. */
    FILLSEQ("fillseq", StoreUse.EMPTY, false,
            "writes the --keys records in ascending key order into an empty store; each thread writes one "
                    + "contiguous slice") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new FillWorker(c, thread, false);
        }
    },
    /** Writes every record once, in a seeded random order, into an empty store. */
    FILLRANDOM("fillrandom", StoreUse.EMPTY, false,
            "writes the --keys records once each, in a seeded random order, into an empty store") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new FillWorker(c, thread, true);
        }
    },
    /** Overwrites uniformly chosen loaded records. */
    OVERWRITE("overwrite", StoreUse.SHARED, false,
            "puts new versions of uniformly random loaded records") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new OverwriteWorker(c, c.threadSeed(thread), WriteOptions.DEFAULT);
        }
    },
    /** Point reads of uniformly chosen loaded records. */
    READRANDOM("readrandom", StoreUse.SHARED, false,
            "gets uniformly random loaded records and checks each value") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new ReadWorker(c, c.threadSeed(thread));
        }
    },
    /** Full forward scans. */
    READSEQ("readseq", StoreUse.SHARED, false,
            "scans the whole store forward with a cursor, again and again; one operation is one entry, "
                    + "timed in runs of " + ScanWorker.CHUNK + " entries") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new ScanWorker(c);
        }
    },
    /** Point reads while one unmeasured thread overwrites. */
    READWHILEWRITING("readwhilewriting", StoreUse.SHARED, false,
            "--threads threads get random records (measured) while one more thread overwrites random "
                    + "records as fast as it can (its rate is in the notes)") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new ReadWorker(c, c.threadSeed(thread));
        }

        @Override
        Worker background(WorkloadContext c) {
            return new OverwriteWorker(c, c.threadSeed(-1), WriteOptions.DEFAULT);
        }
    },
    /** Deletes every record once, in a seeded random order, from a freshly loaded store. */
    DELETERANDOM("deleterandom", StoreUse.LOADED, false,
            "deletes the loaded records once each, in a seeded random order, from a freshly loaded store; "
                    + "afterwards checks that deleted keys are gone") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new DeleteWorker(c, thread);
        }
    },
    /** Puts with {@link Durability#SYNC} from every thread at once. */
    SYNCWRITE("syncwrite", StoreUse.SHARED, false,
            "puts random records with durability SYNC (fsync before returning) from --threads threads at "
                    + "once: engines with group commit share one fsync among waiting writers") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new OverwriteWorker(c, c.threadSeed(thread), WriteOptions.durability(Durability.SYNC));
        }

        @Override
        String skipReason(Capabilities caps) {
            return caps.supports(Durability.SYNC) ? null
                    : "skipped: the engine does not honour SYNC (it honours " + caps.durabilities() + ")";
        }
    },
    /** YCSB A: update heavy. */
    YCSB_A("ycsb-a", StoreUse.SHARED, true, "YCSB A, update heavy: 50% reads, 50% updates, zipfian keys") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new YcsbWorker(c, c.threadSeed(thread), Mix.A);
        }
    },
    /** YCSB B: read mostly. */
    YCSB_B("ycsb-b", StoreUse.SHARED, true, "YCSB B, read mostly: 95% reads, 5% updates, zipfian keys") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new YcsbWorker(c, c.threadSeed(thread), Mix.B);
        }
    },
    /** YCSB C: read only. */
    YCSB_C("ycsb-c", StoreUse.SHARED, true, "YCSB C, read only: 100% reads, zipfian keys") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new YcsbWorker(c, c.threadSeed(thread), Mix.C);
        }
    },
    /** YCSB F: read-modify-write. */
    YCSB_F("ycsb-f", StoreUse.SHARED, true,
            "YCSB F, read-modify-write: 50% reads, 50% read then compareAndSet (retried on a lost race), "
                    + "zipfian keys") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new YcsbWorker(c, c.threadSeed(thread), Mix.F);
        }
    },
    /** YCSB D: read latest. */
    YCSB_D("ycsb-d", StoreUse.SHARED, true,
            "YCSB D, read latest: 95% reads skewed to the newest records, 5% inserts of new records") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new YcsbWorker(c, c.threadSeed(thread), Mix.D);
        }
    },
    /** YCSB E: short ranges. */
    YCSB_E("ycsb-e", StoreUse.SHARED, true,
            "YCSB E, short ranges: 95% scans of 1 to " + YcsbWorker.MAX_SCAN + " entries from a zipfian "
                    + "start key, 5% inserts") {
        @Override
        Worker worker(WorkloadContext c, int thread) {
            return new YcsbWorker(c, c.threadSeed(thread), Mix.E);
        }
    };

    /** Which store a workload runs on. */
    enum StoreUse {
        /** A new, empty store, discarded afterwards. */
        EMPTY,
        /** A new store loaded with the records, discarded afterwards. */
        LOADED,
        /** The loaded store that every {@code SHARED} workload of the run uses in turn. */
        SHARED
    }

    private final String id;
    private final StoreUse storeUse;
    private final boolean ycsb;
    private final String description;

    Workload(String id, StoreUse storeUse, boolean ycsb, String description) {
        this.id = id;
        this.storeUse = storeUse;
        this.ycsb = ycsb;
        this.description = description;
    }

    /**
     * The workload's name on the command line and in reports.
     *
     * @return the name, such as {@code readrandom} or {@code ycsb-a}
     */
    String id() {
        return id;
    }

    StoreUse storeUse() {
        return storeUse;
    }

    boolean ycsb() {
        return ycsb;
    }

    String description() {
        return description;
    }

    /**
     * Makes the worker of one measured thread.
     *
     * @param c the run
     * @param thread the thread's index, from 0
     * @return a new worker
     */
    abstract Worker worker(WorkloadContext c, int thread);

    /**
     * Makes the worker of an unmeasured thread that runs beside the measured ones.
     *
     * @param c the run
     * @return a new worker, or {@code null} for none
     */
    Worker background(WorkloadContext c) {
        return null;
    }

    /**
     * Why the workload cannot run on an engine.
     *
     * @param caps the engine's capabilities
     * @return the reason, starting with {@code skipped:}, or {@code null} if it can run
     */
    String skipReason(Capabilities caps) {
        return null;
    }

    /**
     * Parses a comma-separated selection: names, {@code a} to {@code f} for the YCSB mixes, or the groups
     * {@code all}, {@code dbbench} and {@code ycsb}. The result is in run order, whatever the order given.
     *
     * @param spec the selection
     * @return the workloads, in run order
     * @throws IllegalArgumentException for an unknown name, listing the known ones
     */
    static List<Workload> parse(String spec) {
        Set<Workload> chosen = new LinkedHashSet<>();
        for (String raw : spec.split(",")) {
            String name = raw.trim().toLowerCase(Locale.ROOT);
            if (name.isEmpty()) {
                continue;
            }
            switch (name) {
                case "all" -> chosen.addAll(List.of(values()));
                case "dbbench" -> {
                    for (Workload w : values()) {
                        if (!w.ycsb) {
                            chosen.add(w);
                        }
                    }
                }
                case "ycsb" -> {
                    for (Workload w : values()) {
                        if (w.ycsb) {
                            chosen.add(w);
                        }
                    }
                }
                default -> chosen.add(byName(name));
            }
        }
        if (chosen.isEmpty()) {
            throw new IllegalArgumentException("no workload selected; known: " + names());
        }
        List<Workload> ordered = new ArrayList<>();
        for (Workload w : values()) {
            if (chosen.contains(w)) {
                ordered.add(w);
            }
        }
        return ordered;
    }

    private static Workload byName(String name) {
        for (Workload w : values()) {
            if (w.id.equals(name) || (w.ycsb && w.id.equals("ycsb-" + name)) || w.id.equals("ycsb" + name)) {
                return w;
            }
        }
        throw new IllegalArgumentException("unknown workload '" + name + "'; known: " + names()
                + " (a to f also name the YCSB mixes; groups: all, dbbench, ycsb)");
    }

    static String names() {
        List<String> n = new ArrayList<>();
        for (Workload w : values()) {
            n.add(w.id);
        }
        return String.join(", ", n);
    }

    /** The shares of a YCSB mix; what is left after read, update, insert and scan is read-modify-write. */
    enum Mix {
        A(0.50, 0.50, 0, 0, Distribution.ZIPFIAN),
        B(0.95, 0.05, 0, 0, Distribution.ZIPFIAN),
        C(1.00, 0, 0, 0, Distribution.ZIPFIAN),
        D(0.95, 0, 0.05, 0, Distribution.LATEST),
        E(0, 0, 0.05, 0.95, Distribution.ZIPFIAN),
        F(0.50, 0, 0, 0, Distribution.ZIPFIAN);

        final double read;
        final double update;
        final double insert;
        final double scan;
        final Distribution distribution;

        Mix(double read, double update, double insert, double scan, Distribution distribution) {
            this.read = read;
            this.update = update;
            this.insert = insert;
            this.scan = scan;
            this.distribution = distribution;
        }
    }

    /** How YCSB picks the key of a request. */
    enum Distribution {
        /** Scrambled Zipfian over all records that surely exist. */
        ZIPFIAN,
        /** Zipfian over recency: the newest record is the most popular. */
        LATEST
    }

    /** Shared by the workers that read one record and check it. */
    abstract static class RecordWorker extends Worker {
        final Keyspace ks;
        final Records records;

        RecordWorker(WorkloadContext c) {
            this.ks = c.keyspace();
            this.records = c.records();
        }

        /**
         * Reads a record that must exist and checks its value.
         *
         * @param id the record
         * @return the value read, or {@code null} if it was missing or wrong
         */
        final byte[] readChecked(long id) {
            byte[] v = ks.get(records.key(id));
            if (v == null) {
                miss("key " + records.keyText(id) + " is missing");
                return null;
            }
            if (!records.matches(id, v)) {
                error(records.describeMismatch(id, v));
                return null;
            }
            return v;
        }
    }

    /** Writes a slice of the records, in order or in a permuted order. */
    static final class FillWorker extends RecordWorker {
        private final int[] order;
        private long next;
        private final long end;

        FillWorker(WorkloadContext c, int thread, boolean random) {
            super(c);
            this.order = random ? c.permutations().apply(1) : null;
            this.next = c.sliceStart(thread);
            this.end = c.sliceStart(thread + 1);
        }

        @Override
        int step() {
            if (next >= end) {
                return 0;
            }
            long id = order == null ? next : order[(int) next];
            next++;
            ks.put(records.key(id), records.value(id, 0));
            return 1;
        }
    }

    /** Deletes a slice of a permutation of the records, then checks the deleted keys are gone. */
    static final class DeleteWorker extends RecordWorker {
        private static final int VERIFY = 1000;
        private final int[] order;
        private final long start;
        private long next;
        private final long end;

        DeleteWorker(WorkloadContext c, int thread) {
            super(c);
            this.order = c.permutations().apply(2);
            this.start = c.sliceStart(thread);
            this.next = start;
            this.end = c.sliceStart(thread + 1);
        }

        @Override
        int step() {
            if (next >= end) {
                return 0;
            }
            ks.delete(records.key(order[(int) next++]));
            return 1;
        }

        @Override
        void verify() {
            for (long i = start; i < Math.min(next, start + VERIFY); i++) {
                long id = order[(int) i];
                if (ks.get(records.key(id)) != null) {
                    error("deleted key " + records.keyText(id) + " is still there");
                }
            }
        }
    }

    /** Puts new versions of uniformly random loaded records. */
    static final class OverwriteWorker extends RecordWorker {
        private final SplittableRandom rnd;
        private final long keys;
        private final WriteOptions options;

        OverwriteWorker(WorkloadContext c, long seed, WriteOptions options) {
            super(c);
            this.rnd = new SplittableRandom(seed);
            this.keys = c.keys();
            this.options = options;
        }

        @Override
        int step() {
            long id = rnd.nextLong(keys);
            ks.put(records.key(id), records.value(id, rnd.nextInt()), options);
            return 1;
        }
    }

    /** Gets uniformly random loaded records. */
    static final class ReadWorker extends RecordWorker {
        private final SplittableRandom rnd;
        private final long keys;

        ReadWorker(WorkloadContext c, long seed) {
            super(c);
            this.rnd = new SplittableRandom(seed);
            this.keys = c.keys();
        }

        @Override
        int step() {
            readChecked(rnd.nextLong(keys));
            return 1;
        }
    }

    /**
     * Scans the whole keyspace forward, over and over. Each step reads up to {@link #CHUNK} entries, so
     * the clock is read once per chunk instead of costing as much as the entry itself; a scan that
     * ends with fewer entries than surely exist counts the difference as misses.
     */
    static final class ScanWorker extends RecordWorker {
        static final int CHUNK = 100;
        private final InsertCounter inserts;
        private Cursor cursor;
        private long expected;
        private long seen;
        private long previous;

        ScanWorker(WorkloadContext c) {
            super(c);
            this.inserts = c.inserts();
        }

        @Override
        int step() {
            if (cursor == null) {
                expected = inserts.limit();
                seen = 0;
                previous = -1;
                cursor = ks.cursor(Range.all(), ScanOptions.forward());
            }
            int n = 0;
            while (n < CHUNK) {
                if (!cursor.next()) {
                    cursor.close();
                    cursor = null;
                    if (seen < expected) {
                        miss(expected - seen, "a full scan saw " + seen + " entries, " + expected + " exist");
                    }
                    return Math.max(n, 1);
                }
                n++;
                seen++;
                byte[] key = cursor.key();
                long id = records.id(key);
                if (id < 0) {
                    error("a scan returned a key that was never written");
                    continue;
                }
                if (id <= previous) {
                    error("a scan returned " + records.keyText(id) + " after " + records.keyText(previous));
                }
                previous = id;
                byte[] v = cursor.value();
                if (!records.matches(id, v)) {
                    error(records.describeMismatch(id, v));
                }
            }
            return n;
        }

        @Override
        public void close() {
            if (cursor != null) {
                cursor.close();
                cursor = null;
            }
        }
    }

    /** One YCSB client thread. */
    static final class YcsbWorker extends RecordWorker {
        /** YCSB's default {@code maxscanlength}; scan lengths are uniform in {@code [1, MAX_SCAN]}. */
        static final int MAX_SCAN = 100;
        private static final int MAX_RMW_ATTEMPTS = 1000;
        private final SplittableRandom rnd;
        private final Mix mix;
        private final InsertCounter inserts;
        private final ScrambledZipfianGenerator scrambled = new ScrambledZipfianGenerator();
        private final LatestGenerator latest;
        private long inserted;
        private long rmwRetries;

        YcsbWorker(WorkloadContext c, long seed, Mix mix) {
            super(c);
            this.rnd = new SplittableRandom(seed);
            this.mix = mix;
            this.inserts = c.inserts();
            this.latest = mix.distribution == Distribution.LATEST
                    ? new LatestGenerator(inserts.limit()) : null;
        }

        @Override
        int step() {
            double p = rnd.nextDouble();
            if (p < mix.read) {
                readChecked(choose());
            } else if ((p -= mix.read) < mix.update) {
                long id = choose();
                ks.put(records.key(id), records.value(id, rnd.nextInt()));
            } else if ((p -= mix.update) < mix.insert) {
                long id = inserts.allocate();
                ks.put(records.key(id), records.value(id, 0));
                inserts.acknowledge(id);
                inserted++;
            } else if ((p -= mix.insert) < mix.scan) {
                scan(choose(), 1 + rnd.nextInt(MAX_SCAN));
            } else {
                readModifyWrite(choose());
            }
            return 1;
        }

        private long choose() {
            long n = inserts.limit();
            if (mix.distribution == Distribution.LATEST) {
                return latest.next(rnd, n);
            }
            return scrambled.next(rnd, n);
        }

        private void scan(long startId, int length) {
            try (Cursor c = ks.cursor(Range.from(records.key(startId)), ScanOptions.forward().withLimit(length))) {
                long previous = -1;
                int n = 0;
                while (c.next()) {
                    long id = records.id(c.key());
                    if (n == 0 && id != startId) {
                        miss("a scan from " + records.keyText(startId) + " started at "
                                + (id < 0 ? "a foreign key" : records.keyText(id)));
                    }
                    if (id < 0 || id <= previous) {
                        error("a scan returned keys out of order or never written");
                    } else if (!records.matches(id, c.value())) {
                        error(records.describeMismatch(id, c.value()));
                    }
                    previous = id;
                    n++;
                }
                if (n == 0) {
                    miss("a scan from " + records.keyText(startId) + " returned nothing");
                }
            }
        }

        private void readModifyWrite(long id) {
            byte[] key = records.key(id);
            for (int attempt = 0; attempt < MAX_RMW_ATTEMPTS; attempt++) {
                byte[] old = readChecked(id);
                if (old == null) {
                    return;
                }
                if (ks.compareAndSet(key, old, records.value(id, rnd.nextInt()))) {
                    return;
                }
                rmwRetries++;
            }
            error("read-modify-write of " + records.keyText(id) + " lost " + MAX_RMW_ATTEMPTS + " races in a row");
        }

        @Override
        Map<String, Long> counters() {
            Map<String, Long> m = new LinkedHashMap<>();
            if (inserted > 0) {
                m.put("records inserted", inserted);
            }
            if (rmwRetries > 0) {
                m.put("compareAndSet retries", rmwRetries);
            }
            return m;
        }
    }
}
