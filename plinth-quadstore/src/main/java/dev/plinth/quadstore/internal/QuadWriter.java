package dev.plinth.quadstore.internal;

import dev.plinth.ConflictException;
import dev.plinth.CorruptionException;
import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.Durability;
import dev.plinth.Range;
import dev.plinth.WriteOptions;
import dev.plinth.quadstore.IncompleteLoadException;
import dev.plinth.keys.KeyWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.UUID;
import org.apache.jena.graph.Node;
import org.apache.jena.sparql.core.Quad;

/**
 * The single write path of a quad store: every add and remove becomes one {@link WriteBatch} holding the
 * quad's key in all six index orders, the dictionary entries of terms first used, and the new
 * <em>state</em> (next dictionary id, exact quad count and a write counter), guarded by a check that the
 * state is still the one this writer read. Another writer on the same store makes that check fail; the
 * writer then rereads the state and recomputes the batch, up to {@link #MAX_ATTEMPTS} times.
 *
 * <p>The write counter is what makes the check sound: next id and count alone can return to the values a
 * writer read (another writer adds the quad this one is about to add and removes a different one), and the
 * check would then pass with a presence test that is no longer true, counting a quad twice.
 *
 * <p>Thread-safe: writes are serialised by a private lock ({@code lock}); reads of the state are not blocked.
 */
public final class QuadWriter {
    /** The key of the state in the meta keyspace. */
    static final byte[] STATE_KEY = "state".getBytes(StandardCharsets.US_ASCII);
    /** The key of the format version in the meta keyspace. */
    static final byte[] FORMAT_KEY = "format".getBytes(StandardCharsets.US_ASCII);
    /**
     * The key of a sorted load's marker in the meta keyspace: present from before a sorted load writes anything
     * until after all it wrote is flushed; its value names the load.
     */
    static final byte[] LOAD_KEY = "load".getBytes(StandardCharsets.US_ASCII);
    /** In a load marker, what comes before the path of the load's temporary directory, which ends the marker. */
    private static final String RUN_FILES_IN = ", run files in ";
    /** The markers of the sorted loads running in this JVM, which an open never discards. */
    private static final Set<String> RUNNING_LOADS = java.util.concurrent.ConcurrentHashMap.newKeySet();
    /** The format version this code writes and reads. */
    static final int FORMAT_VERSION = 2;
    /**
     * The format version stored while a sorted load runs (with its marker), {@link #FORMAT_VERSION} again when it
     * ends or is discarded: readers older than the marker refuse a store whose indexes may be partial, as a format
     * they do not read.
     */
    static final int LOADING_FORMAT_VERSION = 1_000_000 + FORMAT_VERSION;
    /** The length of the state entry: next id, quad count, write counter. */
    static final int STATE_LENGTH = 24;
    /** How many times a write is recomputed after another writer changed the store. */
    static final int MAX_ATTEMPTS = 20;
    /** Batch operations one quad may need: six index keys and two entries for each of four new terms. */
    public static final int OPS_PER_QUAD = 6 + 8;

    private final Store store;
    private final Keyspace meta;
    private final Keyspace[] indexes;
    private final TermDictionary dictionary;
    private final Object lock = new Object();

    // Guarded by lock for writes; volatile so that readers see the latest applied state.
    private volatile long nextId;
    private volatile long quadCount;
    private volatile long writeCount;

    /**
     * The writer of a quad store whose keyspaces exist; initialises the state of a new store.
     *
     * @param store the store
     * @param meta the meta keyspace
     * @param indexes the index keyspaces, by {@link IndexOrder#ordinal()}
     * @param dictionary the dictionary
     * @param discardIncompleteLoad whether to empty the quad store if it holds an incomplete sorted load
     * @throws CorruptionException if the stored state is damaged or of another format
     * @throws IncompleteLoadException if the quad store holds an incomplete sorted load that is not discarded
     */
    public QuadWriter(Store store, Keyspace meta, Keyspace[] indexes, TermDictionary dictionary,
            boolean discardIncompleteLoad) {
        this.store = store;
        this.meta = meta;
        this.indexes = indexes;
        this.dictionary = dictionary;
        byte[] format = meta.get(FORMAT_KEY);
        if (format == null) {
            boolean empty;
            try (dev.plinth.Cursor c = indexes[0].cursor(dev.plinth.Range.all(),
                    dev.plinth.ScanOptions.forward().withLimit(1).withKeysOnly(true))) {
                empty = !c.next();
            }
            if (!empty) {
                throw new CorruptionException("The quad store on " + store.uri() + " has quads but no format version"
                        + " in keyspace " + meta.name() + ".");
            }
            // Only if no other writer initialised the store meanwhile: writing the first state over theirs would
            // hand out again the ids they assigned since.
            if (!store.write(new WriteBatch().requireAbsent(meta, FORMAT_KEY).requireAbsent(meta, STATE_KEY)
                    .put(meta, FORMAT_KEY, int32(FORMAT_VERSION))
                    .put(meta, STATE_KEY, state(TermCodec.FIRST_DICTIONARY_ID, 0, 0)))) {
                format = meta.get(FORMAT_KEY);
            }
        }
        boolean loading = format != null && format.length == 4 && readInt(format) == LOADING_FORMAT_VERSION
                && meta.get(LOAD_KEY) != null;
        if (format != null && !loading && (format.length != 4 || readInt(format) != FORMAT_VERSION)) {
            throw new CorruptionException("The quad store on " + store.uri() + " has format "
                    + (format.length == 4 ? String.valueOf(readInt(format)) : "(damaged)") + " in keyspace "
                    + meta.name() + "; this version reads format " + FORMAT_VERSION + " only.");
        }
        reloadState();
        byte[] marker = meta.get(LOAD_KEY);
        if (marker != null) {
            String load = new String(marker, StandardCharsets.UTF_8);
            if (RUNNING_LOADS.contains(load)) {
                throw new IncompleteLoadException("The quad store on " + store.uri() + " is being filled by a sorted"
                        + " load running in this JVM (" + load + "); open it once that load has returned.");
            }
            if (!discardIncompleteLoad) {
                throw new IncompleteLoadException("The quad store on " + store.uri() + " holds an incomplete sorted"
                        + " load (" + load + "): it was stopped before its indexes were complete, so its quads are"
                        + " partial. Open it with QuadStoreOptions.builder().discardIncompleteLoad(true) to empty it"
                        + " (nothing else is kept: a sorted load fills an empty quad store; the load's temporary"
                        + " directory is deleted too if this machine has it), then load again.");
            }
            discardLoad(marker);
        }
        if (nextId == TermCodec.FIRST_DICTIONARY_ID) {
            // The dictionary is empty: every term it will hold is one this writer assigns, until another writer
            // writes (which the state check of each batch notices: see apply).
            dictionary.ownsEveryTerm();
        }
    }

    /**
     * The exact number of quads as stored now, whoever wrote them.
     *
     * @return the stored count
     * @throws CorruptionException if the state is absent or damaged
     */
    public long storedQuadCount() {
        return readLong(readState(), 8);
    }

    /**
     * Rereads the state from the store. Called with {@code lock} held, or from the constructor.
     *
     * @throws CorruptionException if it is absent or damaged
     */
    private void reloadState() {
        byte[] s = readState();
        nextId = readLong(s, 0);
        quadCount = readLong(s, 8);
        writeCount = readLong(s, 16);
    }

    private byte[] readState() {
        byte[] s = meta.get(STATE_KEY);
        if (s == null || s.length != STATE_LENGTH) {
            throw new CorruptionException("The quad store on " + store.uri() + " has a "
                    + (s == null ? "missing" : "damaged") + " state entry in keyspace " + meta.name() + ".");
        }
        return s;
    }

    /**
     * Adds quads that are not present yet, in one atomic batch.
     *
     * @param quads storable quads (checked by the caller), the graph normalised
     * @return how many were added: those present before, and repeats within {@code quads}, are not counted
     * @throws ConflictException if other writers kept changing the store
     */
    public int add(List<Quad> quads) {
        return apply(quads, true, WriteOptions.DEFAULT);
    }

    /**
     * Adds quads that are not present yet, in one atomic batch written with the given options (a bulk load's
     * durability).
     *
     * @param quads storable quads (checked by the caller), the graph normalised
     * @param options the options of every put of the batch
     * @return how many were added: those present before, and repeats within {@code quads}, are not counted
     * @throws ConflictException if other writers kept changing the store
     */
    public int add(List<Quad> quads, WriteOptions options) {
        return apply(quads, true, options);
    }

    /**
     * Removes quads that are present, in one atomic batch.
     *
     * @param quads concrete quads
     * @return how many were removed: absent ones, and repeats within {@code quads}, are not counted
     * @throws ConflictException if other writers kept changing the store
     */
    public int remove(List<Quad> quads) {
        return apply(quads, false, WriteOptions.DEFAULT);
    }

    private int apply(List<Quad> quads, boolean add, WriteOptions options) {
        if (quads.isEmpty()) {
            return 0;
        }
        synchronized (lock) {
            for (int attempt = 1; attempt <= MAX_ATTEMPTS; attempt++) {
                long oldNext = nextId;
                long oldCount = quadCount;
                long oldWrites = writeCount;
                WriteBatch batch = new WriteBatch();
                TermDictionary.Pending pending = new TermDictionary.Pending(batch, oldNext, options);
                int changed = add ? addInto(quads, pending) : removeInto(quads, batch);
                if (changed == 0) {
                    return 0;
                }
                long newCount = oldCount + (add ? changed : -changed);
                batch.requireEquals(meta, STATE_KEY, state(oldNext, oldCount, oldWrites)).requireAbsent(meta, LOAD_KEY)
                        .put(meta, STATE_KEY, state(pending.nextId(), newCount, oldWrites + 1), options);
                if (store.write(batch)) {
                    nextId = pending.nextId();
                    quadCount = newCount;
                    writeCount = oldWrites + 1;
                    dictionary.committed(pending);
                    return changed;
                }
                // Another writer changed the store: what is present, and the next id, must be read again, and
                // the dictionary may hold terms this writer did not assign.
                dictionary.mayNotOwnEveryTerm();
                reloadState();
                refuseDuringSortedLoad();
            }
            throw new ConflictException("The quad store on " + store.uri() + " gave up a write after "
                    + MAX_ATTEMPTS + " attempts: other writers kept changing it; nothing was applied.");
        }
    }

    /** Throws if a sorted load is running on the store (or stopped without finishing). */
    private void refuseDuringSortedLoad() {
        byte[] marker = meta.get(LOAD_KEY);
        if (marker != null) {
            throw new IncompleteLoadException("The quad store on " + store.uri() + " refuses writes while a sorted"
                    + " load fills it (" + new String(marker, StandardCharsets.UTF_8) + "); nothing was written.");
        }
    }

    /**
     * Runs a sorted load into this quad store, which must hold no quads: writes the load marker (and a new state)
     * durably, runs {@code body} with a {@link SortedLoader} (it parses, adds and writes the indexes), flushes the
     * store, and writes the final state removing the marker in one durable batch. If anything throws, the quad
     * store is emptied again (the marker removed last, in the same batch); if even that fails, the marker stays and
     * the next open refuses the store until it is discarded. Other writes through this writer wait until the load
     * ends; writes of other writers are refused while the marker is present.
     *
     * @param runQuads quads sorted in memory per run
     * @param sortParent where the run files' temporary directory goes
     * @param body the load's work
     * @param <T> what the body returns
     * @return what the body returned
     * @throws IllegalStateException if the quad store holds quads; nothing is written
     * @throws ConflictException if another writer changed the store as the load began; nothing is written
     */
    public <T> T loadSorted(int runQuads, java.nio.file.Path sortParent, java.util.function.Function<SortedLoader, T> body) {
        synchronized (lock) {
            byte[] applied = state(nextId, quadCount, writeCount);
            reloadState();
            if (!Arrays.equals(applied, state(nextId, quadCount, writeCount))) {
                // Another writer (or a discarded load) changed the store since this writer's last write: its
                // cached terms are read again, as after a failed state check.
                dictionary.invalidate();
                dictionary.mayNotOwnEveryTerm();
            }
            refuseDuringSortedLoad();
            boolean empty;
            try (dev.plinth.Cursor c = indexes[IndexOrder.SPOG.ordinal()].cursor(Range.all(),
                    dev.plinth.ScanOptions.forward().withLimit(1).withKeysOnly(true))) {
                empty = !c.next();
            }
            if (quadCount != 0 || !empty) {
                throw new IllegalStateException("The quad store on " + store.uri() + " holds " + quadCount + " quads;"
                        + " a sorted load fills an empty quad store only (load adds to one batch by batch). Nothing"
                        + " was read or written.");
            }
            String directoryName = SortedLoader.newDirectoryName();
            String load = "sorted load " + UUID.randomUUID() + " of process " + ProcessHandle.current().pid()
                    + " started " + java.time.Instant.now() + RUN_FILES_IN
                    + sortParent.toAbsolutePath().resolve(directoryName);
            byte[] marker = load.getBytes(StandardCharsets.UTF_8);
            long firstId = Math.max(nextId, dictionary.highestStoredId() + 1);
            WriteOptions durable = durableOptions();
            if (!store.write(new WriteBatch().requireEquals(meta, STATE_KEY, state(nextId, quadCount, writeCount))
                    .requireAbsent(meta, LOAD_KEY).put(meta, LOAD_KEY, marker, durable)
                    .put(meta, FORMAT_KEY, int32(LOADING_FORMAT_VERSION), durable)
                    .put(meta, STATE_KEY, state(firstId, 0, writeCount + 1), durable))) {
                throw new ConflictException("The quad store on " + store.uri() + " was changed by another writer as a"
                        + " sorted load began; nothing was read or written.");
            }
            RUNNING_LOADS.add(load);
            nextId = firstId;
            writeCount++;
            if (dictionary.highestStoredId() < 0) {
                dictionary.ownsEveryTerm(); // the marker keeps other writers out: every new term is this load's
            } else {
                dictionary.mayNotOwnEveryTerm();
            }
            try {
                T result;
                long count;
                long next;
                try (SortedLoader loader = new SortedLoader(store, indexes, dictionary, firstId, runQuads, sortParent,
                        directoryName, bulkOptions(), SortedLoader.MAX_MERGE_RUNS)) {
                    result = body.apply(loader);
                    count = loader.quadCount();
                    next = loader.nextId();
                }
                store.flush();
                if (!store.write(new WriteBatch().requireEquals(meta, LOAD_KEY, marker)
                        .put(meta, STATE_KEY, state(next, count, writeCount + 1), durable)
                        .delete(meta, LOAD_KEY, durable)
                        .put(meta, FORMAT_KEY, int32(FORMAT_VERSION), durable))) {
                    throw new IllegalStateException("The sorted load marker of the quad store on " + store.uri()
                            + " changed during the load (" + load + ").");
                }
                nextId = next;
                quadCount = count;
                writeCount++;
                return result;
            } catch (RuntimeException | Error e) {
                try {
                    discardLoad(marker);
                } catch (RuntimeException d) {
                    e.addSuppressed(d);
                }
                throw e;
            } finally {
                RUNNING_LOADS.remove(load);
            }
        }
    }

    /**
     * Empties the quad store of an incomplete sorted load in one durable batch: every index, a state of no quads
     * whose next id is above every id stored (no id is handed out twice), and the marker removed. The dictionary
     * is kept: other quad store objects on the store, and other processes, may cache its term ids, and a removed
     * entry would let them write quads whose ids no longer name a term. Its entries that no quad uses are unused,
     * as after a remove. Called with {@code lock} held, or from the constructor.
     */
    private void discardLoad(byte[] marker) {
        WriteOptions durable = durableOptions();
        byte[] state = readState();
        long next = Math.max(readLong(state, 0), dictionary.highestStoredId() + 1);
        WriteBatch batch = new WriteBatch().requireEquals(meta, LOAD_KEY, marker);
        for (Keyspace index : indexes) {
            batch.deleteRange(index, Range.all(), durable);
        }
        batch.put(meta, STATE_KEY, state(next, 0, readLong(state, 16) + 1), durable).delete(meta, LOAD_KEY, durable)
                .put(meta, FORMAT_KEY, int32(FORMAT_VERSION), durable);
        if (!store.write(batch)) {
            throw new IncompleteLoadException("The quad store on " + store.uri() + " could not be emptied of its"
                    + " incomplete sorted load: another writer changed its load marker meanwhile.");
        }
        dictionary.mayNotOwnEveryTerm();
        reloadState();
        deleteRunFiles(new String(marker, StandardCharsets.UTF_8));
    }

    /**
     * Deletes the temporary directory a load marker names, with its run files, if this machine has it (a killed
     * load leaves it behind); a failure to delete is ignored, as the files are only disk space.
     */
    private static void deleteRunFiles(String load) {
        int at = load.lastIndexOf(RUN_FILES_IN);
        if (at < 0) {
            return;
        }
        java.nio.file.Path dir;
        try {
            dir = java.nio.file.Path.of(load.substring(at + RUN_FILES_IN.length()));
        } catch (java.nio.file.InvalidPathException e) {
            return;
        }
        if (dir.getFileName() == null || !dir.getFileName().toString().startsWith(SortedLoader.DIRECTORY_PREFIX)
                || !java.nio.file.Files.isDirectory(dir)) {
            return;
        }
        try (java.util.stream.Stream<java.nio.file.Path> files = java.nio.file.Files.list(dir)) {
            for (java.nio.file.Path f : (Iterable<java.nio.file.Path>) files::iterator) {
                java.nio.file.Files.deleteIfExists(f);
            }
            java.nio.file.Files.deleteIfExists(dir);
        } catch (java.io.IOException | java.io.UncheckedIOException e) {
            // only disk space: the store is emptied already
        }
    }

    /** The options of writes that must be on stable storage when they return: SYNC where the store has it. */
    private WriteOptions durableOptions() {
        return store.capabilities().supports(Durability.SYNC) ? WriteOptions.durability(Durability.SYNC)
                : WriteOptions.DEFAULT;
    }

    /**
     * The options of a sorted load's dictionary and index writes: the weakest durability the store has, as the
     * load flushes the store before it removes its marker, and a crash before discards what it wrote anyway.
     */
    private WriteOptions bulkOptions() {
        for (Durability d : new Durability[] {Durability.NONE, Durability.PROCESS}) {
            if (store.capabilities().supports(d)) {
                return WriteOptions.durability(d);
            }
        }
        return WriteOptions.DEFAULT;
    }

    private int addInto(List<Quad> quads, TermDictionary.Pending pending) {
        KeyWriter w = new KeyWriter(40);
        Set<QuadIds> seen = new HashSet<>();
        long[] ids = new long[4];
        byte[][][] keys = new byte[IndexOrder.values().length][quads.size()][];
        int added = 0;
        for (Quad q : quads) {
            dictionary.idsForWrite(q, ids, pending);
            if (!seen.add(new QuadIds(ids.clone()))) {
                continue;
            }
            boolean fresh = false;
            for (long id : ids) {
                fresh |= pending.isNew(id);
            }
            byte[] spog = IndexOrder.SPOG.key(w, ids);
            if (!fresh && indexes[IndexOrder.SPOG.ordinal()].contains(spog)) {
                continue;
            }
            for (IndexOrder order : IndexOrder.values()) {
                keys[order.ordinal()][added] = order == IndexOrder.SPOG ? spog : order.key(w, ids);
            }
            added++;
        }
        // Each index's keys go into the batch in key order: RocksDB's memtable, inserting a batch's entries one
        // after the other, then finds each one's place next to the one before (half its insert work in a load).
        for (IndexOrder order : IndexOrder.values()) {
            byte[][] sorted = keys[order.ordinal()];
            Arrays.sort(sorted, 0, added, Arrays::compareUnsigned);
            Keyspace index = indexes[order.ordinal()];
            for (int i = 0; i < added; i++) {
                pending.batch.put(index, sorted[i], EMPTY, pending.options);
            }
        }
        return added;
    }

    private int removeInto(List<Quad> quads, WriteBatch batch) {
        KeyWriter w = new KeyWriter(40);
        Set<QuadIds> seen = new HashSet<>();
        int removed = 0;
        outer:
        for (Quad q : quads) {
            long[] ids = new long[4];
            Quad norm = q;
            ids[IndexOrder.S] = dictionary.lookup(norm.getSubject());
            ids[IndexOrder.P] = dictionary.lookup(norm.getPredicate());
            ids[IndexOrder.O] = dictionary.lookup(norm.getObject());
            ids[IndexOrder.G] = dictionary.lookup(norm.getGraph());
            for (long id : ids) {
                if (id < 0) {
                    continue outer; // a term the store never held: the quad is absent
                }
            }
            byte[] spog = IndexOrder.SPOG.key(w, ids);
            if (!seen.add(new QuadIds(ids)) || !indexes[IndexOrder.SPOG.ordinal()].contains(spog)) {
                continue;
            }
            for (IndexOrder order : IndexOrder.values()) {
                batch.delete(indexes[order.ordinal()], order == IndexOrder.SPOG ? spog : order.key(w, ids));
            }
            removed++;
        }
        return removed;
    }

    private static final byte[] EMPTY = new byte[0];

    /** Four ids as a hash key. */
    private record QuadIds(long[] ids) {
        @Override
        public boolean equals(Object o) {
            return o instanceof QuadIds other && Arrays.equals(ids, other.ids);
        }

        @Override
        public int hashCode() {
            return Arrays.hashCode(ids);
        }
    }

    static byte[] state(long nextId, long quadCount, long writeCount) {
        byte[] b = new byte[STATE_LENGTH];
        writeLong(b, 0, nextId);
        writeLong(b, 8, quadCount);
        writeLong(b, 16, writeCount);
        return b;
    }

    private static void writeLong(byte[] b, int at, long v) {
        for (int i = 0; i < 8; i++) {
            b[at + i] = (byte) (v >>> (56 - 8 * i));
        }
    }

    private static long readLong(byte[] b, int at) {
        long v = 0;
        for (int i = 0; i < 8; i++) {
            v = (v << 8) | (b[at + i] & 0xFF);
        }
        return v;
    }

    private static byte[] int32(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    private static int readInt(byte[] b) {
        return ((b[0] & 0xFF) << 24) | ((b[1] & 0xFF) << 16) | ((b[2] & 0xFF) << 8) | (b[3] & 0xFF);
    }
}
