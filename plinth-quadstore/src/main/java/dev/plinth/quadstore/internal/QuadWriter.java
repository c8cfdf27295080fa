package dev.plinth.quadstore.internal;

import dev.plinth.ConflictException;
import dev.plinth.CorruptionException;
import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.keys.KeyWriter;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
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
    /** The format version this code writes and reads. */
    static final int FORMAT_VERSION = 2;
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
     * @throws CorruptionException if the stored state is damaged or of another format
     */
    public QuadWriter(Store store, Keyspace meta, Keyspace[] indexes, TermDictionary dictionary) {
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
        if (format != null && (format.length != 4 || readInt(format) != FORMAT_VERSION)) {
            throw new CorruptionException("The quad store on " + store.uri() + " has format "
                    + (format.length == 4 ? String.valueOf(readInt(format)) : "(damaged)") + " in keyspace "
                    + meta.name() + "; this version reads format " + FORMAT_VERSION + " only.");
        }
        reloadState();
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
                batch.requireEquals(meta, STATE_KEY, state(oldNext, oldCount, oldWrites))
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
            }
            throw new ConflictException("The quad store on " + store.uri() + " gave up a write after "
                    + MAX_ATTEMPTS + " attempts: other writers kept changing it; nothing was applied.");
        }
    }

    private int addInto(List<Quad> quads, TermDictionary.Pending pending) {
        KeyWriter w = new KeyWriter(40);
        Set<QuadIds> seen = new HashSet<>();
        long[] ids = new long[4];
        // The term of each component in the quad before, and its id: a parser hands repeated IRIs over as one
        // object (a run of one subject's quads, one graph over many), so the same object takes the same id
        // without a cache lookup. Only within this attempt: a retry assigns its new ids afresh.
        Node[] lastTerms = new Node[4];
        long[] lastIds = new long[4];
        byte[][][] keys = new byte[IndexOrder.values().length][quads.size()][];
        int added = 0;
        for (Quad q : quads) {
            ids[IndexOrder.S] = idForWrite(q.getSubject(), IndexOrder.S, lastTerms, lastIds, pending);
            ids[IndexOrder.P] = idForWrite(q.getPredicate(), IndexOrder.P, lastTerms, lastIds, pending);
            ids[IndexOrder.O] = idForWrite(q.getObject(), IndexOrder.O, lastTerms, lastIds, pending);
            ids[IndexOrder.G] = idForWrite(q.getGraph(), IndexOrder.G, lastTerms, lastIds, pending);
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

    /** The id of a quad's component: the one of the quad before if its term is the same object, else the dictionary's. */
    private long idForWrite(Node term, int component, Node[] lastTerms, long[] lastIds, TermDictionary.Pending pending) {
        if (term == lastTerms[component]) {
            return lastIds[component];
        }
        long id = dictionary.idForWrite(term, pending);
        lastTerms[component] = term;
        lastIds[component] = id;
        return id;
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
