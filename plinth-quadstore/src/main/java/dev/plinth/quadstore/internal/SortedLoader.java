package dev.plinth.quadstore.internal;

import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsNames;
import dev.plinth.keys.KeyWriter;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.concurrent.Callable;
import java.util.concurrent.CancellationException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import org.apache.jena.sparql.core.Quad;

/**
 * The work of a sorted load into an empty quad store, in two phases, in the manner of TDB2's loaders that build
 * each index from sorted data. <em>Spilling</em> ({@link #add}): each batch's terms get their ids and their
 * dictionary entries are written as in a batch-by-batch load, while the quads' ids are gathered in memory, up to
 * a run of {@code runQuads}; a full run is sorted in each index order and written to one temporary file per
 * order. <em>Writing the indexes</em> ({@link #writeIndexes}): the last run is not spilled; each order sorts it in
 * memory and merges it with the order's run files, repeats dropped, and the order's keyspace is written in key
 * order in batches of {@link #WRITE_BATCH_KEYS} keys, so that the engine's memtable flushes produce tables whose
 * key ranges do not overlap. A merge reads at most {@link #MAX_MERGE_RUNS} run files at once: an order with more
 * runs is first merged in passes into intermediate runs. Runs are sorted as tuples of four ids
 * ({@link TupleSort}), whose order is their keys' order; keys are made only to be written.
 *
 * <p>Sorting runs and merging work on up to {@link #PARALLEL_TASKS} orders at once, each on a thread of its own,
 * so up to three indexes are written at once. (Writing one index at a time, so that {@code lsm:}'s single tree
 * would not get overlapping flushes, was tried and not kept: 1.9 times slower on {@code rocksdb:} and level on
 * {@code lsm:}, docs/performance.md.) Memory: while spilling, the ids of one run (32 bytes a quad) and, while a
 * full run is sorted, a sorted copy of them for each of up to {@link #PARALLEL_TASKS} orders (32 bytes a quad and
 * order); while writing the indexes, the last run's ids (32 bytes a quad, held until every order is written) and
 * its sorted copy for each of up to {@link #PARALLEL_TASKS} orders being merged (32 bytes a quad and order), so up
 * to 128 bytes a quad of the last run, plus a read buffer of {@code READ_BUFFER_BYTES} for each of at most
 * {@link #MAX_MERGE_RUNS} run files and a write buffer, for each of up to {@link #PARALLEL_TASKS} orders, whatever
 * the number of runs. Disk: each run file holds a length byte and the key of each distinct quad of its run (a
 * merge pass writes its intermediate runs before it deletes its inputs); a load of at most {@code runQuads} quads
 * writes no run file. The files of an order are deleted once the order is written, the rest by {@link #close()},
 * which also deletes the temporary directory. Run files are read back by this loader only and never forced: a
 * crash discards the load.
 *
 * <p>It writes no state and no load marker: {@link QuadWriter#loadSorted} does, around it. Not thread-safe: the
 * loading thread only.
 */
public final class SortedLoader implements AutoCloseable {
    /** Index keys written in one batch while the indexes are written (fewer if the engine's limit asks). */
    static final int WRITE_BATCH_KEYS = 100_000;
    /**
     * The most orders sorted (while spilling) or merged and written (while writing the indexes) at once, each on a
     * thread of its own; no more than the processors.
     */
    static final int PARALLEL_TASKS = 3;
    /**
     * The most run files one merge reads at once: an order with more runs is first merged in passes, groups of
     * this many runs into one intermediate run each, so that memory and open files stay bounded whatever the
     * number of runs.
     */
    static final int MAX_MERGE_RUNS = 64;
    private static final int FILE_BUFFER_BYTES = 1 << 20;
    /** The read buffer of one run file in a merge: at most {@link #MAX_MERGE_RUNS} a merge. */
    private static final int READ_BUFFER_BYTES = 1 << 16;
    private static final byte[] EMPTY = new byte[0];

    private final Store store;
    private final Keyspace[] indexes;
    private final TermDictionary dictionary;
    private final WriteOptions writeOptions;
    private final int runQuads;
    /** The most runs one merge reads: {@link #MAX_MERGE_RUNS} but in tests. */
    private final int fanIn;
    private final int batchKeys;
    private final Vfs vfs;
    private final String directory;
    /** Set when the parallel tasks must stop (one failed, or all are over). */
    private volatile boolean stopTasks;
    private long[] run = new long[0];
    private int inRun;
    private int runs;
    /** The intermediate runs written by merge passes (for tests). */
    private final AtomicInteger mergedRuns = new AtomicInteger();
    private long nextId;
    private long quadCount = -1;

    /** The name of a sorted load's temporary directory starts with this. */
    static final String DIRECTORY_PREFIX = "plinth-quad-sort-";

    /**
     * A new name for a sorted load's temporary directory.
     *
     * @return {@link #DIRECTORY_PREFIX} and a random id
     */
    static String newDirectoryName() {
        return DIRECTORY_PREFIX + UUID.randomUUID();
    }

    /**
     * A loader whose run files go to a new directory under {@code sortParent}.
     *
     * @param store the store
     * @param indexes the index keyspaces, by {@link IndexOrder#ordinal()}, all empty
     * @param dictionary the dictionary
     * @param nextId the first dictionary id to assign
     * @param runQuads quads sorted in memory per run
     * @param sortParent an existing directory for the temporary directory
     * @param writeOptions the options of the dictionary's and the indexes' puts
     * @throws dev.plinth.StorageIOException if the temporary directory cannot be made
     */
    SortedLoader(Store store, Keyspace[] indexes, TermDictionary dictionary, long nextId, int runQuads, Path sortParent,
            WriteOptions writeOptions) {
        this(store, indexes, dictionary, nextId, runQuads, sortParent, newDirectoryName(), writeOptions,
                MAX_MERGE_RUNS);
    }

    /**
     * As the other constructor, with the temporary directory's name ({@link #newDirectoryName()}) and a merge
     * reading at most {@code fanIn} runs at once (2 or more; other than {@link #MAX_MERGE_RUNS} in tests only).
     */
    SortedLoader(Store store, Keyspace[] indexes, TermDictionary dictionary, long nextId, int runQuads, Path sortParent,
            String directoryName, WriteOptions writeOptions, int fanIn) {
        if (fanIn < 2) {
            throw new IllegalArgumentException("A sorted load merges 2 or more runs at once, not " + fanIn + ".");
        }
        this.fanIn = fanIn;
        this.store = store;
        this.indexes = indexes;
        this.dictionary = dictionary;
        this.nextId = nextId;
        this.runQuads = runQuads;
        this.writeOptions = writeOptions;
        this.batchKeys = Math.max(1, Math.min(WRITE_BATCH_KEYS, store.capabilities().maxBatchOps() - 4));
        this.vfs = NioVfs.at(sortParent);
        this.directory = directoryName;
        vfs.mkdirs(directory);
    }

    /**
     * Spilling: assigns the ids of a batch of quads, writes the dictionary entries of its new terms in one batch
     * of the store, and adds the quads to the run (sorting and spilling it when full).
     *
     * @param quads storable quads
     * @return 0: no quad is in the indexes yet
     */
    public int add(List<Quad> quads) {
        WriteBatch batch = new WriteBatch();
        TermDictionary.Pending pending = new TermDictionary.Pending(batch, nextId, writeOptions);
        long[] ids = new long[4];
        for (Quad q : quads) {
            dictionary.idsForWrite(q, ids, pending);
            if (inRun == runQuads) {
                spill();
            }
            if (run.length == inRun * 4) {
                run = Arrays.copyOf(run, 4 * (int) Math.min(runQuads, Math.max(1024L, 2L * inRun)));
            }
            System.arraycopy(ids, 0, run, inRun * 4, 4);
            inRun++;
        }
        if (!batch.isEmpty()) {
            store.write(batch);
        }
        nextId = pending.nextId();
        dictionary.committed(pending);
        return 0;
    }

    /** Sorts the run in each order and writes one file per order, orders in parallel; empties the run. */
    private void spill() {
        List<Callable<Void>> sorts = new ArrayList<>();
        long[] full = run;
        int quads = inRun;
        int r = runs;
        for (IndexOrder order : IndexOrder.values()) {
            sorts.add(() -> {
                writeRun(runFile(r, order), new TupleRun(sortedTuples(order, full, quads), quads));
                return null;
            });
        }
        inParallel(sorts, (nothing, i) -> { });
        runs++;
        inRun = 0;
    }

    /**
     * The quads of a run as tuples of four ids in an order's component order, sorted: the tuples' order is their
     * keys' order, as the key encoding preserves the order of integers and a key is four of them.
     */
    static long[] sortedTuples(IndexOrder order, long[] ids, int quads) {
        long[] tuples = new long[quads * 4];
        for (int c = 0; c < 4; c++) {
            int from = order.componentAt(c);
            for (int i = 0; i < quads; i++) {
                tuples[i * 4 + c] = ids[i * 4 + from];
            }
        }
        TupleSort.sort(tuples, quads);
        return tuples;
    }

    private void writeRun(String name, TupleRun tuples) {
        try (RunWriter w = new RunWriter(vfs.create(name))) {
            while (tuples.advance()) {
                w.write(tuples.key);
            }
        }
    }

    /**
     * Writing the indexes: merges each order's runs, the last one from memory, into its keyspace in key order,
     * dropping repeats, on up to {@link #PARALLEL_TASKS} threads (one order each at a time); the listener is told
     * on this thread, in order, after each index is written. A failure stops the other merges at their next batch
     * and is thrown once they have ended.
     *
     * @param afterIndex told the number of indexes written after each one
     * @return the number of distinct quads
     * @throws IllegalStateException if two orders hold different numbers of quads (a defect of this loader)
     * @throws java.util.concurrent.CancellationException if this thread was interrupted (its interrupt stays set)
     */
    public long writeIndexes(IntConsumer afterIndex) {
        long[] lastRun = run; // the last run is merged from memory, never spilled
        int lastQuads = inRun;
        run = new long[0];
        inRun = 0;
        IndexOrder[] orders = IndexOrder.values();
        List<Callable<Long>> merges = new ArrayList<>();
        for (IndexOrder order : orders) {
            merges.add(() -> merge(order, lastRun, lastQuads));
        }
        inParallel(merges, (n, i) -> {
            if (quadCount >= 0 && n != quadCount) {
                throw new IllegalStateException("The sorted load into the quad store on " + store.uri() + " wrote "
                        + n + " quads into " + orders[i].keyspaceName() + " but " + quadCount
                        + " into the first index.");
            }
            quadCount = n;
            afterIndex.accept(i + 1);
        });
        return quadCount;
    }

    /**
     * Runs tasks on up to {@link #PARALLEL_TASKS} threads and hands their results to {@code done} on this thread,
     * in the tasks' order. The first failure (of a task, on its own thread, or of {@code done}) sets
     * {@link #stopTasks}: the tasks still running stop at their next batch and those not started never start.
     * Once every task has ended, the first failure is thrown as it was thrown (not the stops it caused).
     */
    private <T> void inParallel(List<Callable<T>> tasks, ObjIntConsumer<T> done) {
        stopTasks = false;
        AtomicReference<Throwable> firstFailure = new AtomicReference<>();
        int threads = Math.max(1, Math.min(PARALLEL_TASKS, Runtime.getRuntime().availableProcessors()));
        AtomicInteger threadNumber = new AtomicInteger();
        ExecutorService pool = Executors.newFixedThreadPool(threads, task -> {
            Thread t = new Thread(task, "plinth-quad-sort-" + threadNumber.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
        List<Future<T>> futures = new ArrayList<>();
        try {
            for (Callable<T> task : tasks) {
                futures.add(pool.submit(() -> {
                    if (stopTasks) {
                        throw new TaskStopped();
                    }
                    try {
                        return task.call();
                    } catch (TaskStopped e) {
                        throw e;
                    } catch (Throwable e) {
                        firstFailure.compareAndSet(null, e);
                        stopTasks = true;
                        throw e;
                    }
                }));
            }
            for (int i = 0; i < futures.size(); i++) {
                done.accept(await(futures.get(i)), i);
            }
        } catch (RuntimeException | Error e) {
            stopTasks = true;
            Throwable first = firstFailure.get();
            if (e instanceof TaskStopped && first != null) {
                if (first instanceof RuntimeException r) {
                    throw r;
                }
                if (first instanceof Error err) {
                    throw err;
                }
                throw new IllegalStateException(first);
            }
            throw e;
        } finally {
            stopTasks = true;
            for (Future<T> f : futures) {
                f.cancel(false); // one not started never starts; a running one stops at its next batch
            }
            pool.shutdown();
            boolean interrupted = false;
            while (!pool.isTerminated()) {
                try {
                    pool.awaitTermination(1, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    interrupted = true; // the tasks stop at their next batch: keep waiting
                }
            }
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** The result of one task, its failure as it was thrown. */
    private <T> T await(Future<T> task) {
        try {
            return task.get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new CancellationException("The thread running the sorted load into the quad store on "
                    + store.uri() + " was interrupted while it " + (run.length == 0 ? "wrote the indexes"
                    : "sorted a run of quads") + ". Nothing of the sorted load is kept: the quad store is emptied"
                    + " again.");
        } catch (ExecutionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            if (e.getCause() instanceof Error err) {
                throw err;
            }
            throw new IllegalStateException(e.getCause());
        }
    }

    /**
     * Merges one order's runs into its keyspace, first in passes of at most {@link #MAX_MERGE_RUNS} run files each
     * while there are more, then with the last run, sorted here from memory; returns how many distinct keys it wrote.
     */
    private long merge(IndexOrder order, long[] lastRun, int lastQuads) {
        List<String> files = new ArrayList<>();
        for (int r = 0; r < runs; r++) {
            files.add(runFile(r, order));
        }
        for (int pass = 0; files.size() > fanIn; pass++) {
            List<String> merged = new ArrayList<>();
            for (int from = 0; from < files.size(); from += fanIn) {
                List<String> group = files.subList(from, Math.min(files.size(), from + fanIn));
                String name = VfsNames.join(directory, "merge-" + pass + "-" + merged.size() + "-"
                        + order.name().toLowerCase(java.util.Locale.ROOT));
                try (RunWriter w = new RunWriter(vfs.create(name))) {
                    mergeRuns(group, null, w::write);
                }
                mergedRuns.incrementAndGet();
                for (String f : group) {
                    vfs.delete(f);
                }
                merged.add(name);
            }
            files = merged;
        }
        TupleRun inMemory = lastQuads == 0 ? null : new TupleRun(sortedTuples(order, lastRun, lastQuads), lastQuads);
        Keyspace index = indexes[order.ordinal()];
        WriteBatch[] batch = {new WriteBatch()};
        long n = mergeRuns(files, inMemory, key -> {
            batch[0].put(index, key, EMPTY, writeOptions);
            if (batch[0].size() == batchKeys) {
                store.write(batch[0]);
                batch[0] = new WriteBatch();
            }
        });
        if (!batch[0].isEmpty()) {
            store.write(batch[0]);
        }
        for (String f : files) {
            vfs.delete(f); // the disk space of a written order is free for the others
        }
        return n;
    }

    /**
     * Merges run files, and the run in memory if any, into {@code sink} in key order, repeats dropped; returns how
     * many keys it gave. Stops (throwing) before it begins and every {@link #WRITE_BATCH_KEYS} keys if
     * {@link #stopTasks} is set.
     */
    private long mergeRuns(List<String> files, TupleRun inMemory, java.util.function.Consumer<byte[]> sink) {
        if (stopTasks) {
            throw new TaskStopped();
        }
        PriorityQueue<RunSource> heads = new PriorityQueue<>(files.size() + 1,
                (a, b) -> Arrays.compareUnsigned(a.key, b.key));
        List<RunReader> readers = new ArrayList<>(files.size());
        long n = 0;
        try {
            for (String f : files) {
                RunReader reader = new RunReader(vfs.openRead(f));
                readers.add(reader);
                if (reader.advance()) {
                    heads.add(reader);
                }
            }
            if (inMemory != null && inMemory.advance()) {
                heads.add(inMemory);
            }
            byte[] last = null;
            while (!heads.isEmpty()) {
                RunSource head = heads.poll();
                byte[] key = head.key;
                if (last == null || !Arrays.equals(key, last)) {
                    if (++n % WRITE_BATCH_KEYS == 0 && stopTasks) {
                        throw new TaskStopped();
                    }
                    sink.accept(key);
                    last = key;
                }
                if (head.advance()) {
                    heads.add(head);
                }
            }
        } finally {
            for (RunReader reader : readers) {
                reader.file.close();
            }
        }
        return n;
    }

    /**
     * The next dictionary id after the terms the load assigned.
     *
     * @return the next id
     */
    public long nextId() {
        return nextId;
    }

    /**
     * The number of distinct quads the load wrote, known once the first index is written.
     *
     * @return the count
     * @throws IllegalStateException if no index has been written
     */
    public long quadCount() {
        if (quadCount < 0) {
            throw new IllegalStateException("The sorted load into the quad store on " + store.uri()
                    + " ended before it wrote its indexes.");
        }
        return quadCount;
    }

    /**
     * The run files written so far (for tests).
     *
     * @return how many runs were spilled
     */
    int runs() {
        return runs;
    }

    /**
     * The intermediate runs written by merge passes so far, over all orders (for tests).
     *
     * @return how many
     */
    int mergedRuns() {
        return mergedRuns.get();
    }

    private String runFile(int r, IndexOrder order) {
        return VfsNames.join(directory, "run-" + r + "-" + order.name().toLowerCase(java.util.Locale.ROOT));
    }

    /** Deletes the temporary directory with what is left in it. */
    @Override
    public void close() {
        if (vfs.exists(directory)) {
            for (String leaf : vfs.list(directory)) {
                vfs.delete(VfsNames.join(directory, leaf));
            }
            vfs.delete(directory);
        }
    }

    /** Appends keys to a run file: a length byte and the key each. */
    private static final class RunWriter implements AutoCloseable {
        final VfsFile file;
        final ByteBuffer buf = ByteBuffer.allocate(FILE_BUFFER_BYTES);

        RunWriter(VfsFile file) {
            this.file = file;
        }

        void write(byte[] key) {
            if (buf.remaining() < 1 + key.length) {
                file.append(buf.flip());
                buf.clear();
            }
            buf.put((byte) key.length).put(key); // a key is four ids of at most 9 bytes each
        }

        @Override
        public void close() {
            try (file) {
                file.append(buf.flip());
            }
        }
    }

    /** Thrown by a task that stopped because another failed (or the tasks were stopped); never the cause shown. */
    private static final class TaskStopped extends CancellationException {
        private static final long serialVersionUID = 1L;

        TaskStopped() {
            super("a parallel task of the sorted load stopped because another failed");
        }
    }

    /** Keys in ascending order, one at a time: a run file, or the last run in memory. */
    abstract static class RunSource {
        /** The current key, after {@link #advance()} returned {@code true}. */
        byte[] key;

        /** Moves to the next key; {@code false} at the end. */
        abstract boolean advance();
    }

    /** A run of sorted tuples ({@link #sortedTuples}) as keys, repeats dropped. */
    static final class TupleRun extends RunSource {
        private final long[] tuples;
        private final int quads;
        private final KeyWriter writer = new KeyWriter(40);
        private int next;

        TupleRun(long[] tuples, int quads) {
            this.tuples = tuples;
            this.quads = quads;
        }

        @Override
        boolean advance() {
            while (next < quads && next > 0 && TupleSort.equal(tuples, next, next - 1)) {
                next++; // a quad repeated within the run
            }
            if (next == quads) {
                return false;
            }
            int at = next * 4;
            writer.reset();
            key = writer.writeLong(tuples[at]).writeLong(tuples[at + 1]).writeLong(tuples[at + 2])
                    .writeLong(tuples[at + 3]).toByteArray();
            next++;
            return true;
        }
    }

    /** Reads one run file's keys in order. */
    private static final class RunReader extends RunSource {
        final VfsFile file;
        final ByteBuffer buf = ByteBuffer.allocate(READ_BUFFER_BYTES).limit(0);
        long position;

        RunReader(VfsFile file) {
            this.file = file;
        }

        @Override
        boolean advance() {
            if (!fill(1)) {
                return false;
            }
            int length = buf.get() & 0xFF;
            if (!fill(length)) {
                throw new IllegalStateException("The run file " + file.name() + " of a sorted load ends inside a key.");
            }
            key = new byte[length];
            buf.get(key);
            return true;
        }

        /** Makes at least {@code n} bytes readable from the buffer; {@code false} if the file ends first. */
        private boolean fill(int n) {
            while (buf.remaining() < n) {
                buf.compact();
                int read = file.read(position, buf);
                buf.flip();
                if (read <= 0) {
                    return false;
                }
                position += read;
            }
            return true;
        }
    }
}
