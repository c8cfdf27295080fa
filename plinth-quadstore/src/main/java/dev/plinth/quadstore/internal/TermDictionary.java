package dev.plinth.quadstore.internal;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.keys.KeyReader;
import dev.plinth.keys.KeyWriter;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.jena.graph.Node;
import org.apache.jena.sparql.core.Quad;

/**
 * The term dictionary: every RDF term that is not inlined ({@link TermCodec#inlineId(Node)}) to a dictionary id
 * and back, in two keyspaces, with a bounded cache in each direction: hot terms to their ids (Caffeine), and ids
 * to their terms in a direct-mapped table of primitive ids ({@link IdTermCache}), which long scans consult for
 * every key.
 *
 * <p>The {@code ids} keyspace maps a term's <em>lookup key</em> to its id (an 8-byte big-endian value): the term
 * bytes themselves when they are at most {@link #MAX_DIRECT_KEY} bytes, else {@code 0xFF} followed by the
 * SHA-256 of the term bytes (term bytes always start with {@code 0x15}, so the two never meet). The
 * {@code terms} keyspace maps an id (one integer element) to the term bytes. Entries are only ever added, in
 * the same batch as the first quad that uses the term, so an id found in an index always resolves.
 *
 * <p>Thread-safe for lookups. New ids are assigned through a {@link Pending} that belongs to the single writer
 * of the quad store; the cache learns them only once their batch has been applied
 * ({@link #committed(Pending)}).
 */
public final class TermDictionary {
    /** The longest term bytes used directly as a lookup key; longer ones are looked up by hash. */
    public static final int MAX_DIRECT_KEY = 200;
    /** The fewest ids {@link #nodes} reads with one cursor over their range rather than one read each. */
    static final int MIN_RANGE_READ = 4;
    /** {@link #nodes} reads a range when it holds at most this many ids per wanted id. */
    static final int MAX_RANGE_READ_SPREAD = 8;

    private final String storeName;
    private final Keyspace ids;
    private final Keyspace terms;
    private final Cache<Node, Long> idCache;
    private final IdTermCache termCache;
    /**
     * The lookup keys of every term in the store, while each was assigned by this dictionary's writer, else
     * {@code null}: a term it has not seen is then new, and its id is assigned without a read. Used and changed
     * only by the quad store's single writer, under the writer's lock.
     */
    private OwnTermFilter ownTerms;

    /**
     * A dictionary over two keyspaces.
     *
     * @param storeName the store's URI, for messages
     * @param ids the lookup-key to id keyspace
     * @param terms the id to term-bytes keyspace
     * @param cacheSize the most terms each direction's cache holds
     */
    public TermDictionary(String storeName, Keyspace ids, Keyspace terms, long cacheSize) {
        this.storeName = storeName;
        this.ids = ids;
        this.terms = terms;
        this.idCache = Caffeine.newBuilder().maximumSize(cacheSize).build();
        this.termCache = new IdTermCache(cacheSize);
    }

    /**
     * The id a term has, without assigning one.
     *
     * @param node a concrete term, or the default graph
     * @return its id, or {@code -1} if the store has never held it
     */
    public long lookup(Node node) {
        long known = knownId(node);
        if (known >= 0) {
            return known;
        }
        byte[] bytes;
        try {
            bytes = TermCodec.encode(node);
        } catch (IllegalArgumentException e) {
            return -1; // not a term the store can hold (a variable, a triple term, an unpaired surrogate)
        }
        byte[] value = ids.get(lookupKey(bytes));
        if (value == null) {
            return -1;
        }
        long id = readId(value, node);
        idCache.put(node, id);
        return id;
    }

    /** The id of the default graph, an inline term or a cached one, found without a read; {@code -1} if none. */
    private long knownId(Node node) {
        if (TermCodec.isDefaultGraph(node)) {
            return TermCodec.DEFAULT_GRAPH_ID;
        }
        long inline = TermCodec.inlineId(node);
        if (inline >= 0) {
            return inline;
        }
        Long cached = idCache.getIfPresent(node);
        return cached != null ? cached : -1;
    }

    /**
     * The term an id stands for.
     *
     * @param id an id read from an index
     * @return the term; {@link Quad#defaultGraphIRI} for the default graph
     * @throws CorruptionException if the dictionary has no such id
     */
    public Node node(long id) {
        if (id == TermCodec.DEFAULT_GRAPH_ID) {
            return Quad.defaultGraphIRI;
        }
        if (TermCodec.isInline(id)) {
            try {
                return TermCodec.decodeInline(id);
            } catch (IllegalArgumentException e) {
                throw new CorruptionException("The quad store on " + storeName + " holds an index key with "
                        + e.getMessage() + ".", e);
            }
        }
        Node cached = termCache.get(id);
        if (cached != null) {
            return cached;
        }
        Node node = read(id);
        termCache.put(id, node);
        return node;
    }

    /** Reads the term of a dictionary id from the store. */
    private Node read(long id) {
        byte[] bytes = terms.get(idKey(id));
        if (bytes == null) {
            throw new CorruptionException("The quad store on " + storeName + " has a quad using term id " + id
                    + ", which its dictionary (keyspace " + terms.name() + ") does not hold.");
        }
        return decodeTerm(id, bytes);
    }

    private Node decodeTerm(long id, byte[] bytes) {
        try {
            return TermCodec.decode(bytes);
        } catch (IllegalArgumentException e) {
            throw new CorruptionException("The quad store on " + storeName + " holds damaged term bytes for id "
                    + id + " in keyspace " + terms.name() + ": " + e.getMessage() + ".", e);
        }
    }

    private long readIdKeyChecked(byte[] key) {
        try {
            return readIdKey(key);
        } catch (IllegalArgumentException e) {
            throw new CorruptionException("The quad store on " + storeName + " holds a damaged key in keyspace "
                    + terms.name() + ": " + e.getMessage() + ".", e);
        }
    }

    /**
     * The terms of many ids at once, as {@link #node(long)} gives them one by one: {@code out[i]} is the term of
     * {@code ids[i]} for every {@code i < n}. The ids the cache does not hold are read in ascending order; when
     * they lie close together (as the ids of the terms of one subject or one graph do, assigned together when
     * first loaded) with one cursor over their range of the {@code terms} keyspace, else one read each.
     *
     * @param ids ids read from an index (repeats allowed)
     * @param n how many of them
     * @param out receives the terms; at least {@code n} long
     * @throws CorruptionException if the dictionary lacks an id or holds damaged term bytes
     */
    public void nodes(long[] ids, int n, Node[] out) {
        long[] missing = null;
        int m = 0;
        for (int i = 0; i < n; i++) {
            long id = ids[i];
            Node node = id == TermCodec.DEFAULT_GRAPH_ID || TermCodec.isInline(id) ? node(id) : termCache.get(id);
            if (node == null) {
                if (missing == null) {
                    missing = new long[n - i];
                }
                missing[m++] = id;
            }
            out[i] = node;
        }
        if (m == 0) {
            return;
        }
        Arrays.sort(missing, 0, m);
        int distinct = 0;
        for (int i = 0; i < m; i++) {
            if (distinct == 0 || missing[distinct - 1] != missing[i]) {
                missing[distinct++] = missing[i];
            }
        }
        Node[] found = new Node[distinct];
        long lo = missing[0];
        long hi = missing[distinct - 1];
        if (distinct >= MIN_RANGE_READ && hi - lo < (long) distinct * MAX_RANGE_READ_SPREAD) {
            try (Cursor c = terms.cursor(Range.of(idKey(lo), idKey(hi + 1)))) {
                int at = 0;
                while (at < distinct && c.next()) {
                    long id = readIdKeyChecked(c.key());
                    while (at < distinct && missing[at] < id) {
                        at++; // absent from the dictionary: reported below
                    }
                    if (at < distinct && missing[at] == id) {
                        found[at++] = decodeTerm(id, c.value());
                    }
                }
            }
        }
        for (int k = 0; k < distinct; k++) {
            Node node = found[k];
            if (node == null) {
                node = read(missing[k]);
                found[k] = node;
            }
            termCache.put(missing[k], node);
        }
        for (int i = 0; i < n; i++) {
            if (out[i] == null) {
                out[i] = found[Arrays.binarySearch(missing, 0, distinct, ids[i])];
            }
        }
    }

    /**
     * The id a term has or will have once a batch is applied, assigning a new one (and adding its two entries
     * to the batch) if the store has never held the term.
     *
     * @param node a concrete, storable term, or the default graph
     * @param pending the writer's assignments for this batch
     * @return the id
     */
    public long idForWrite(Node node, Pending pending) {
        long known = knownId(node);
        if (known >= 0) {
            return known;
        }
        // A term this batch assigned is not in the store yet: asking the store again (as many times as the batch
        // uses the term) would only miss.
        Long assigned = pending.assigned.get(node);
        if (assigned != null) {
            return assigned;
        }
        byte[] bytes = TermCodec.encode(node);
        byte[] key = lookupKey(bytes);
        if (ownTerms == null || ownTerms.mightContain(key)) {
            byte[] value = ids.get(key);
            if (value != null) {
                long id = readId(value, node);
                idCache.put(node, id);
                return id;
            }
        }
        if (pending.nextId > TermCodec.MAX_DICTIONARY_ID) {
            throw new IllegalStateException("The quad store on " + storeName + " has used every dictionary id.");
        }
        long fresh = pending.nextId++;
        pending.batch.put(ids, key, idValue(fresh), pending.options);
        pending.batch.put(terms, idKey(fresh), bytes, pending.options);
        pending.assigned.put(node, fresh);
        pending.assignedKeys.add(key);
        return fresh;
    }

    /**
     * The ids of a quad's four components, as {@link #idForWrite} gives them, into {@code ids}
     * ({@link IndexOrder#S} and so on). A component whose term is the same object as in the quad before in
     * {@code pending} takes that quad's id without a lookup: a parser hands repeated IRIs over as one object (a
     * run of one subject's quads, one graph over many).
     *
     * @param quad a storable quad
     * @param ids receives the four ids
     * @param pending the writer's assignments for this batch
     */
    public void idsForWrite(Quad quad, long[] ids, Pending pending) {
        ids[IndexOrder.S] = idForWrite(quad.getSubject(), IndexOrder.S, pending);
        ids[IndexOrder.P] = idForWrite(quad.getPredicate(), IndexOrder.P, pending);
        ids[IndexOrder.O] = idForWrite(quad.getObject(), IndexOrder.O, pending);
        ids[IndexOrder.G] = idForWrite(quad.getGraph(), IndexOrder.G, pending);
    }

    private long idForWrite(Node term, int component, Pending pending) {
        if (term == pending.lastTerms[component]) {
            return pending.lastIds[component];
        }
        long id = idForWrite(term, pending);
        pending.lastTerms[component] = term;
        pending.lastIds[component] = id;
        return id;
    }

    /**
     * Tells the dictionary that every term in the store was assigned through it (the store's dictionary was
     * empty when its writer read the state, and the writer has been the only one since): from now on a term
     * that no applied batch of this writer assigned is known to be new without a read of the store. Called by
     * the writer, under its lock.
     */
    public void ownsEveryTerm() {
        if (ownTerms == null) {
            ownTerms = new OwnTermFilter();
        }
    }

    /**
     * Tells the dictionary that the store may hold terms it did not assign (another writer wrote, or a write's
     * outcome is unknown): every term first seen is read from the store again. Called by the writer, under its
     * lock.
     */
    public void mayNotOwnEveryTerm() {
        ownTerms = null;
    }

    /**
     * Whether a term first seen is known to be new without a read of the store (for tests).
     *
     * @return {@code true} while the dictionary knows it assigned every stored term
     */
    boolean skipsReadsOfNewTerms() {
        return ownTerms != null;
    }

    /**
     * Tells the cache about the ids a batch assigned, once the batch has been applied.
     *
     * @param pending the applied batch's assignments
     */
    public void committed(Pending pending) {
        for (Map.Entry<Node, Long> e : pending.assigned.entrySet()) {
            idCache.put(e.getKey(), e.getValue());
            termCache.put(e.getValue(), e.getKey());
        }
        if (ownTerms != null) {
            for (byte[] key : pending.assignedKeys) {
                if (!ownTerms.add(key)) {
                    ownTerms = null; // full: back to a read for each term first seen
                    break;
                }
            }
        }
    }

    /**
     * The highest dictionary id stored, or {@code -1} if the dictionary is empty.
     *
     * @return the id
     */
    long highestStoredId() {
        try (Cursor c = terms.cursor(Range.all(), dev.plinth.ScanOptions.reverse().withLimit(1).withKeysOnly(true))) {
            return c.next() ? readIdKeyChecked(c.key()) : -1;
        }
    }

    /** Forgets every cached term (after another writer may have changed the store). */
    public void invalidate() {
        idCache.invalidateAll();
        termCache.clear();
    }

    /**
     * The dictionary ids assigned within one batch of the single writer.
     *
     * <p>Not thread-safe: it belongs to the writer.
     */
    public static final class Pending {
        final WriteBatch batch;
        final WriteOptions options;
        final Map<Node, Long> assigned = new HashMap<>();
        final List<byte[]> assignedKeys = new ArrayList<>();
        /** Each component's term in the quad before, and its id (see {@link #idsForWrite}); this batch only. */
        final Node[] lastTerms = new Node[4];
        final long[] lastIds = new long[4];
        final long firstId;
        long nextId;

        /**
         * Assignments into a batch.
         *
         * @param batch the batch the new entries go into
         * @param nextId the first id to assign
         * @param options the options of the batch's puts (its durability)
         */
        public Pending(WriteBatch batch, long nextId, WriteOptions options) {
            this.batch = batch;
            this.options = options;
            this.firstId = nextId;
            this.nextId = nextId;
        }

        /**
         * Whether a term got its id in this batch (so no quad in the store uses it yet).
         *
         * @param id an id
         * @return {@code true} if assigned here
         */
        public boolean isNew(long id) {
            return !TermCodec.isInline(id) && id >= firstId;
        }

        /**
         * The next id to assign after this batch.
         *
         * @return the next id
         */
        public long nextId() {
            return nextId;
        }
    }

    /**
     * The lookup key of term bytes.
     *
     * @param bytes term bytes
     * @return the bytes themselves, or {@code 0xFF} and their SHA-256
     */
    static byte[] lookupKey(byte[] bytes) {
        if (bytes.length <= MAX_DIRECT_KEY) {
            return bytes;
        }
        byte[] key = new byte[33];
        key[0] = (byte) 0xFF;
        System.arraycopy(sha256(bytes), 0, key, 1, 32);
        return key;
    }

    private static byte[] sha256(byte[] bytes) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(bytes);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("this JVM has no SHA-256, which every Java platform must have", e);
        }
    }

    /**
     * The key of an id in the {@code terms} keyspace.
     *
     * @param id a dictionary id
     * @return one integer element
     */
    static byte[] idKey(long id) {
        return new KeyWriter(10).writeLong(id).toByteArray();
    }

    static byte[] idValue(long id) {
        byte[] v = new byte[8];
        for (int i = 0; i < 8; i++) {
            v[i] = (byte) (id >>> (56 - 8 * i));
        }
        return v;
    }

    private long readId(byte[] value, Node node) {
        if (value.length != 8) {
            throw new CorruptionException("The quad store on " + storeName + " holds a damaged id for the term "
                    + node + " in keyspace " + ids.name() + " (" + value.length + " bytes, not 8).");
        }
        long id = 0;
        for (byte b : value) {
            id = (id << 8) | (b & 0xFF);
        }
        return id;
    }

    /**
     * Reads an id key of the {@code terms} keyspace (for checks).
     *
     * @param key a key of that keyspace
     * @return the id
     */
    static long readIdKey(byte[] key) {
        return new KeyReader(key).readLong();
    }
}
