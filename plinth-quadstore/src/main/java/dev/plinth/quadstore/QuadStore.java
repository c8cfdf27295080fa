package dev.plinth.quadstore;

import dev.plinth.Capabilities;
import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.PlinthException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteOptions;
import dev.plinth.keys.KeyReader;
import dev.plinth.keys.KeyWriter;
import dev.plinth.quadstore.internal.CursorQuadIterator;
import dev.plinth.quadstore.internal.IndexOrder;
import dev.plinth.quadstore.internal.LoadRunner;
import dev.plinth.quadstore.internal.PointQuadIterator;
import dev.plinth.quadstore.internal.QuadIndexes;
import dev.plinth.quadstore.internal.QuadSink;
import dev.plinth.quadstore.internal.QuadWriter;
import dev.plinth.quadstore.internal.StoreDatasetGraph;
import dev.plinth.quadstore.internal.TermCodec;
import dev.plinth.quadstore.internal.TermDictionary;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.jena.graph.Node;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFFormat;
import org.apache.jena.riot.system.StreamRDF;
import org.apache.jena.riot.system.StreamRDFWriter;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.Quad;

/**
 * An RDF quad store on any Plinth {@link Store}: RDF terms are kept once in a dictionary and quads as keys of
 * their term ids in six index orders, so that the quads matching any pattern of bound and unbound subject,
 * predicate, object and graph are one prefix scan. The layout is in {@code docs/format/quadstore.md}.
 *
 * <p>Thread-safe. Reads run concurrently with each other and with writes; writes are serialised inside
 * this object, and each add or remove call is one atomic {@link dev.plinth.WriteBatch} of the store: the
 * quads' keys in all six orders, the dictionary entries of terms they use for the first time, and the exact
 * quad count. Several {@code QuadStore} objects (even in several processes, where the engine allows) may
 * write to one store: each write checks that the stored state is the one it was computed from, and is
 * recomputed if not.
 *
 * <p>Terms: IRIs, blank nodes (by label) and literals (with datatype, language tag and base direction) can
 * be stored; variables, {@link Node#ANY} and triple terms cannot. The default graph is
 * {@link Quad#defaultGraphIRI}, and {@link Quad#defaultGraphNodeGenerated} names it too; quads read back
 * always carry {@link Quad#defaultGraphIRI}.
 *
 * <p>Patterns: in {@link #find}, {@link #count} and {@link #contains(Node, Node, Node, Node)} a component that
 * is {@code null} or {@link Node#ANY} matches anything; {@code g} also matches the default graph then. The
 * argument order is subject, predicate, object, graph (Jena's own {@code DatasetGraph} puts the graph first).
 *
 * <p>{@link #close()} closes the iterators it opened, and the store too if this object opened it
 * ({@link #open(String)}); after it, every method but {@code close} throws {@link StoreClosedException}.
 */
public final class QuadStore implements AutoCloseable {
    /** The keyspace from a term's lookup key to its id. */
    public static final String IDS_KEYSPACE = "quads.ids";
    /** The keyspace from an id to its term. */
    public static final String TERMS_KEYSPACE = "quads.terms";
    /** The keyspace of the format version and the state (next id, quad count). */
    public static final String META_KEYSPACE = "quads.meta";
    /** Quads a removal of a pattern ({@link #removeMatching}) removes per batch. */
    public static final int REMOVE_BATCH_QUADS = 1_000;

    private final Store store;
    private final boolean ownsStore;
    private final QuadStoreOptions options;
    private final Keyspace[] indexes = new Keyspace[IndexOrder.values().length];
    private final TermDictionary dictionary;
    private final QuadWriter writer;
    /** Parses bulk loads and words their failures. */
    private final LoadRunner loads;
    private final Set<CursorQuadIterator> openIterators = ConcurrentHashMap.newKeySet();
    private volatile boolean closed;
    private volatile StoreDatasetGraph datasetGraph;

    private QuadStore(Store store, boolean ownsStore, QuadStoreOptions options) {
        this.store = store;
        this.ownsStore = ownsStore;
        this.options = options;
        for (IndexOrder order : IndexOrder.values()) {
            indexes[order.ordinal()] = store.createKeyspace(order.keyspaceName());
        }
        this.dictionary = new TermDictionary(store.uri(), store.createKeyspace(IDS_KEYSPACE),
                store.createKeyspace(TERMS_KEYSPACE), options.termCacheSize());
        this.loads = new LoadRunner(store, options);
        this.writer = new QuadWriter(store, store.createKeyspace(META_KEYSPACE), indexes, dictionary,
                options.discardIncompleteLoad());
    }

    /**
     * A quad store on a store the caller keeps owning: closing the quad store leaves the store open, and the
     * store must stay open while the quad store is used. Creates the quad store's keyspaces if absent.
     *
     * @param store an open store
     * @return the quad store
     * @throws dev.plinth.CorruptionException if the stored quad store is damaged or of an unknown format
     */
    public static QuadStore on(Store store) {
        return on(store, QuadStoreOptions.DEFAULTS);
    }

    /**
     * {@link #on(Store)} with options.
     *
     * @param store an open store
     * @param options the options
     * @return the quad store
     */
    public static QuadStore on(Store store, QuadStoreOptions options) {
        return new QuadStore(Objects.requireNonNull(store, "store"), false, Objects.requireNonNull(options, "options"));
    }

    /**
     * Opens a store by URI and a quad store on it; closing the quad store closes the store.
     *
     * @param uri a store URI, for example {@code lsm:/var/lib/rdf}
     * @return the quad store
     */
    public static QuadStore open(String uri) {
        return open(uri, QuadStoreOptions.DEFAULTS);
    }

    /**
     * {@link #open(String)} with options.
     *
     * @param uri a store URI
     * @param options the options
     * @return the quad store
     */
    public static QuadStore open(String uri, QuadStoreOptions options) {
        Objects.requireNonNull(options, "options");
        Store store = Plinth.open(uri);
        try {
            return new QuadStore(store, true, options);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
    }

    /**
     * The store underneath.
     *
     * @return the store
     */
    public Store store() {
        return store;
    }

    /**
     * Adds a quad if absent.
     *
     * @param quad the quad; its graph may be either name of the default graph
     * @return {@code true} if it was absent and is now present
     * @throws NullPointerException if the quad is null
     * @throws IllegalArgumentException if a component cannot be stored; nothing is written
     */
    public boolean add(Quad quad) {
        return addAll(List.of(Objects.requireNonNull(quad, "quad"))) == 1;
    }

    /**
     * Adds quads atomically: after the call all are present, or (if it throws) the store is as before.
     *
     * @param quads the quads; repeats are allowed
     * @return how many were absent before: quads already present and repeats are not counted
     * @throws NullPointerException if the collection or a quad is null
     * @throws IllegalArgumentException if a component of any quad cannot be stored; nothing is written
     * @throws dev.plinth.LimitExceededException if the batch is over the engine's limits (about
     *     {@value QuadWriter#OPS_PER_QUAD} operations a quad); nothing is written
     * @throws dev.plinth.ConflictException if other writers kept changing the store; nothing is written
     */
    public int addAll(Collection<Quad> quads) {
        ensureOpen();
        List<Quad> list = new ArrayList<>(quads.size());
        for (Quad q : quads) {
            Objects.requireNonNull(q, "quad");
            checkStorable(q);
            list.add(q);
        }
        return writer.add(list);
    }

    /**
     * Removes a quad if present.
     *
     * @param quad the quad
     * @return {@code true} if it was present and is now absent
     * @throws NullPointerException if the quad is null
     */
    public boolean remove(Quad quad) {
        return removeAll(List.of(Objects.requireNonNull(quad, "quad"))) == 1;
    }

    /**
     * Removes quads atomically. Quads with a wildcard or a term the store cannot hold are absent.
     *
     * @param quads the quads; repeats are allowed
     * @return how many were present before: absent quads and repeats are not counted
     * @throws NullPointerException if the collection or a quad is null
     * @throws dev.plinth.ConflictException if other writers kept changing the store; nothing is written
     */
    public int removeAll(Collection<Quad> quads) {
        ensureOpen();
        List<Quad> list = new ArrayList<>(quads.size());
        for (Quad q : quads) {
            list.add(Objects.requireNonNull(q, "quad"));
        }
        return writer.remove(list);
    }

    /**
     * Removes every quad matching a pattern, in batches of {@link #REMOVE_BATCH_QUADS}: each batch is atomic,
     * the whole removal is not (a concurrent reader may see part of it done; if it fails, the batches
     * applied before stay).
     *
     * @param s the subject, or {@code null} / {@link Node#ANY} for any
     * @param p the predicate, or any
     * @param o the object, or any
     * @param g the graph, or any (the default graph included)
     * @return how many quads were removed
     * @throws dev.plinth.CorruptionException if the index orders disagree about which quads exist
     */
    public long removeMatching(Node s, Node p, Node o, Node g) {
        long removed = 0;
        boolean stalled = false;
        while (true) {
            List<Quad> chunk = new ArrayList<>(REMOVE_BATCH_QUADS);
            try (QuadIterator it = find(s, p, o, g)) {
                while (chunk.size() < REMOVE_BATCH_QUADS && it.hasNext()) {
                    chunk.add(it.next());
                }
            }
            if (chunk.isEmpty()) {
                return removed;
            }
            int n = writer.remove(chunk);
            if (n == 0 && stalled) {
                // Twice in a row the pattern's index listed quads that the SPOG index does not hold.
                throw new dev.plinth.CorruptionException("The quad store on " + store.uri() + " lists quads such as "
                        + chunk.get(0) + " in one index order but not in SPOG; its indexes disagree.");
            }
            stalled = n == 0;
            removed += n;
        }
    }

    /**
     * Removes every quad of one graph ({@link #removeMatching} with only the graph bound).
     *
     * @param graph the graph; either name of the default graph clears the default graph
     * @return how many quads were removed
     * @throws NullPointerException if the graph is null
     */
    public long clearGraph(Node graph) {
        Objects.requireNonNull(graph, "graph");
        if (graph == Node.ANY) {
            throw new IllegalArgumentException("clearGraph takes one graph, not Node.ANY; use removeMatching to"
                    + " remove the quads of every graph of " + store.uri());
        }
        return removeMatching(null, null, null, graph);
    }

    /**
     * Opens a streaming iterator over the quads matching a pattern, read from one index by one prefix scan; a
     * pattern with all four bound is one point read of its SPOG key instead (no cursor), zero or one quad. The
     * caller must close it; closing the quad store ends it. Quads come in the order of the index chosen for the
     * pattern (term ids, not term order).
     *
     * @param s the subject, or {@code null} / {@link Node#ANY} for any
     * @param p the predicate, or any
     * @param o the object, or any
     * @param g the graph, or any (the default graph included)
     * @return a new iterator
     */
    public QuadIterator find(Node s, Node p, Node o, Node g) {
        return find(s, p, o, g, null);
    }

    private QuadIterator find(Node s, Node p, Node o, Node g, IndexOrder forced) {
        ensureOpen();
        long[] ids = new long[4];
        int mask = 0;
        Node[] nodes = {s, p, o, g};
        for (int i = 0; i < 4; i++) {
            if (isWildcard(nodes[i])) {
                continue;
            }
            long id = dictionary.lookup(nodes[i]);
            if (id < 0) {
                return EmptyQuadIterator.INSTANCE; // a term the store never held matches nothing
            }
            ids[i] = id;
            mask |= 1 << i;
        }
        if (mask == 15) {
            // All four bound: one point read of the SPOG key instead of a cursor made, seeked and closed for it.
            if (!indexes[IndexOrder.SPOG.ordinal()].contains(IndexOrder.SPOG.key(new KeyWriter(40), ids))) {
                return EmptyQuadIterator.INSTANCE;
            }
            Node graph = TermCodec.isDefaultGraph(g) ? Quad.defaultGraphIRI : g;
            return new PointQuadIterator(Quad.create(graph, s, p, o), () -> closed);
        }
        IndexOrder order = forced != null && mask == 0 ? forced : IndexOrder.forPattern(mask);
        byte[] prefix = order.prefix(new KeyWriter(40), ids, Integer.bitCount(mask));
        Range range = prefix.length == 0 ? Range.all() : Range.prefix(prefix);
        Cursor cursor = indexes[order.ordinal()].cursor(range, ScanOptions.forward().withKeysOnly(true));
        Node[] fixed = new Node[4];
        for (int i = 0; i < 4; i++) {
            if ((mask & (1 << i)) != 0) {
                fixed[i] = i == IndexOrder.G && TermCodec.isDefaultGraph(nodes[i]) ? Quad.defaultGraphIRI : nodes[i];
            }
        }
        CursorQuadIterator it = new CursorQuadIterator(cursor, order, dictionary, store.uri(), openIterators::remove,
                fixed, prefix.length);
        openIterators.add(it);
        return it;
    }

    /**
     * Counts the quads matching a pattern exactly. With every component a wildcard it reads the stored count
     * (one read); otherwise it walks the pattern's keys, without reading terms.
     *
     * @param s the subject, or any
     * @param p the predicate, or any
     * @param o the object, or any
     * @param g the graph, or any
     * @return the number of matching quads
     */
    public long count(Node s, Node p, Node o, Node g) {
        ensureOpen();
        if (isWildcard(s) && isWildcard(p) && isWildcard(o) && isWildcard(g)) {
            return size();
        }
        long[] ids = new long[4];
        int mask = 0;
        Node[] nodes = {s, p, o, g};
        for (int i = 0; i < 4; i++) {
            if (!isWildcard(nodes[i])) {
                long id = dictionary.lookup(nodes[i]);
                if (id < 0) {
                    return 0;
                }
                ids[i] = id;
                mask |= 1 << i;
            }
        }
        IndexOrder order = IndexOrder.forPattern(mask);
        byte[] prefix = order.prefix(new KeyWriter(40), ids, Integer.bitCount(mask));
        long n = 0;
        try (Cursor c = indexes[order.ordinal()].cursor(Range.prefix(prefix), ScanOptions.forward().withKeysOnly(true))) {
            while (c.next()) {
                n++;
            }
        }
        return n;
    }

    /**
     * Whether any quad matches a pattern.
     *
     * @param s the subject, or any
     * @param p the predicate, or any
     * @param o the object, or any
     * @param g the graph, or any
     * @return {@code true} if at least one does
     */
    public boolean contains(Node s, Node p, Node o, Node g) {
        try (QuadIterator it = find(s, p, o, g)) {
            return it.hasNext();
        }
    }

    /**
     * Whether a quad is present.
     *
     * @param quad the quad
     * @return {@code true} if present
     */
    public boolean contains(Quad quad) {
        Objects.requireNonNull(quad, "quad");
        return contains(quad.getSubject(), quad.getPredicate(), quad.getObject(), quad.getGraph());
    }

    /**
     * The exact number of quads in the store, read from the stored count.
     *
     * @return the count
     */
    public long size() {
        ensureOpen();
        return writer.storedQuadCount();
    }

    /**
     * The named graphs that hold at least one quad (not the default graph), in id order. Reads one key per
     * graph, skipping over each graph's quads with a seek.
     *
     * @return a new list
     */
    public List<Node> graphs() {
        ensureOpen();
        List<Node> out = new ArrayList<>();
        try (Cursor c = indexes[IndexOrder.GSPO.ordinal()].cursor(Range.all(), ScanOptions.forward().withKeysOnly(true))) {
            KeyWriter w = new KeyWriter(10);
            while (c.next()) {
                long g = new KeyReader(c.key()).readLong();
                if (g != TermCodec.DEFAULT_GRAPH_ID) {
                    out.add(dictionary.node(g));
                }
                c.seek(Range.prefixSuccessor(w.reset().writeLong(g).toByteArray()));
            }
        }
        return out;
    }

    /**
     * Loads a file, its syntax chosen by its name's extension ({@code .nq}, {@code .trig}, {@code .ttl},
     * {@code .nt} and the others Jena knows); see {@link #load(InputStream, Lang, String, LoadListener)}.
     *
     * @param file the file
     * @param listener told after each batch
     * @return the figures of the load
     * @throws IllegalArgumentException if the extension names no RDF syntax Jena can parse
     * @throws RdfParseException if the file cannot be parsed
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public LoadProgress load(Path file, LoadListener listener) {
        return loadFile(file, (in, lang, base, source) -> load(in, lang, base, listener, source));
    }

    /**
     * Bulk-loads RDF from a stream with Jena RIOT, in bounded memory: the parser's quads (triples go to the
     * default graph) are written in atomic batches of {@link QuadStoreOptions#loadBatchQuads()} (fewer if the
     * engine's {@link Capabilities#maxBatchOps()} asks), and the listener is told after each, on the calling
     * thread. The parser runs on a thread of its own, at most {@value QuadSink#QUEUE_BATCHES} batches ahead of
     * the writes, which the calling thread makes in order; the call returns once both have finished.
     *
     * <p>A parse error stops the load with {@link RdfParseException}, naming the line and column: the batch
     * being gathered is dropped, and the batches applied before it stay. Parser warnings are counted and the
     * load goes on. Blank node labels of the input are replaced by fresh ones, so loading a file twice adds
     * its blank nodes twice, as RDF says. Error messages name the input by its base URI, if given.
     *
     * <p>Each batch is written at the store's default durability, or at {@link QuadStoreOptions#loadDurability()}
     * if set: at {@link dev.plinth.Durability#SYNC} a batch is on stable storage before the listener is told of
     * it; at {@link dev.plinth.Durability#PROCESS} it survives the death of the process (such as {@code kill -9})
     * once the listener is told, and a power loss during the load may lose the latest batches; at
     * {@link dev.plinth.Durability#NONE} it may be lost with the process too. When the load returns or throws,
     * one {@link Store#flush()} has made every applied batch as durable as the engine can (on stable storage for
     * {@code lsm:}, {@code rocksdb:} and {@code lmdb:}); an interrupt of the calling thread is set aside for that
     * flush and set again after it.
     *
     * <p>A failure of a write (of the engine) or of the listener, or an interrupt of the calling thread, stops
     * the load at once, even while the parser is blocked reading a slow pipe or socket: the input is closed
     * and the parser thread interrupted, which ends such a read, and the load waits for the parser thread to
     * end (for at most {@value QuadSink#PARSER_STOP_WAIT_MILLIS} ms: a read that neither closing nor an
     * interrupt ends, such as a {@code FileInputStream} on a pipe, keeps that daemon thread until it returns;
     * the thread then stops without writing). The batches applied before the failure stay.
     *
     * @param in the input; read by the parser thread only, and closed by the load when it returns or throws
     * @param lang the syntax: N-Quads, TriG, Turtle, N-Triples or any other Jena parses
     * @param baseUri the base for relative IRIs, or {@code null}
     * @param listener told after each batch
     * @return the figures of the load
     * @throws RdfParseException if the input cannot be parsed, or holds a term that cannot be stored
     * @throws java.io.UncheckedIOException if the input cannot be read
     * @throws dev.plinth.PlinthException if a write fails: the engine's own exception (which names the store),
     *     or a {@code PlinthException} naming the store and the input around any other exception of a write
     * @throws java.util.concurrent.CancellationException if the calling thread was interrupted (its interrupt
     *     stays set)
     * @throws UnsupportedCapabilityException if {@link QuadStoreOptions#loadDurability()} is set to a level the
     *     store does not honour, before anything is read or written
     * @throws RuntimeException what the listener threw, as it is; or, when the load itself succeeded, a failure
     *     of its final {@link Store#flush()}
     */
    public LoadProgress load(InputStream in, Lang lang, String baseUri, LoadListener listener) {
        return load(in, lang, baseUri, listener, baseUri == null ? "a stream" : baseUri);
    }

    private LoadProgress load(InputStream in, Lang lang, String baseUri, LoadListener listener, String source) {
        ensureOpen();
        Objects.requireNonNull(in, "in");
        Objects.requireNonNull(lang, "lang");
        Objects.requireNonNull(listener, "listener");
        WriteOptions batchOptions = loads.loadWriteOptions(store.capabilities(), in);
        long[] written = {0};
        return loads.parse(in, lang, baseUri, listener, source, false, quads -> {
            int added = writer.add(quads, batchOptions);
            written[0] += quads.size();
            return added;
        }, failure -> loads.flushLoad(written[0], failure));
    }

    /**
     * Loads a file into an empty quad store by sorting, its syntax chosen by its name's extension; see
     * {@link #loadSorted(InputStream, Lang, String, LoadListener)}.
     *
     * @param file the file
     * @param listener told after each batch is spilled and after each index is written
     * @return the figures of the load
     * @throws IllegalArgumentException if the extension names no RDF syntax Jena can parse
     * @throws IllegalStateException if the quad store holds quads; nothing is read or written
     * @throws RdfParseException if the file cannot be parsed; nothing of the load is kept
     * @throws java.io.UncheckedIOException if the file cannot be read
     */
    public LoadProgress loadSorted(Path file, LoadListener listener) {
        return loadFile(file, (in, lang, base, source) -> loadSorted(in, lang, base, listener, source));
    }

    /** Opens a file to load, its syntax from its name, and hands it to one of the loads. */
    private LoadProgress loadFile(Path file, FileLoad how) {
        Lang lang = loads.langOf(file);
        try (InputStream in = Files.newInputStream(file)) {
            return how.load(in, lang, file.toUri().toString(), file.toString());
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("The quad store on " + store.uri() + " could not read " + file
                    + ": " + e.getMessage(), e);
        }
    }

    /** One of the loads, given an open input, its syntax, its base URI and its name for messages. */
    @FunctionalInterface
    private interface FileLoad {
        LoadProgress load(InputStream in, Lang lang, String baseUri, String source);
    }

    /**
     * Bulk-loads RDF into an <em>empty</em> quad store by sorting, all or nothing, the way Jena TDB2's loaders
     * build their indexes: each index is written in key order, so that an engine that keeps each keyspace apart
     * can flush tables that do not overlap instead of merging six indexes of keys in random order. Measured at a
     * million quads with {@code RdfLoadBenchmark} (docs/performance.md, branch quad13, a loaded machine): 6.65 s a
     * load on {@code rocksdb:} against TDB2's 18.16 s in the same hold, 12.1 s on {@code lsm:};
     * {@link #load(InputStream, Lang, String, LoadListener)} was not measured beside it. Before the runs were sorted
     * as tuples (commit 86e1587) it was 1.60 times as fast as {@code load} on {@code rocksdb:} and 0.64 times on
     * {@code lsm:}; at ten million quads on {@code rocksdb:} (main at 5ed01fc, a quiet machine) 1.84 times TDB2's
     * speed.
     *
     * <p>The load first writes a durable <em>load marker</em>. <em>Spilling:</em> the parser's quads are taken in
     * batches of {@link QuadStoreOptions#loadBatchQuads()} as by {@code load}: their new terms get dictionary ids
     * and entries, written batch by batch, and their ids are gathered in memory in runs of
     * {@link QuadStoreOptions#sortRunQuads()} quads; each full run is sorted in each of the six index orders and
     * written to a temporary file per order, in a new directory under {@link QuadStoreOptions#sortDirectory()}.
     * <em>Writing the indexes:</em> each order's runs are merged, repeats dropped, and its index written in key
     * order in large batches. Then the store is flushed, and the final quad count is written and the marker
     * removed in one durable batch. The temporary directory is deleted when the load returns or throws (if the
     * process dies, when the load is discarded).
     *
     * <p>All or nothing: until the call returns no quad counts as loaded ({@link #size()} is 0; a reader may see
     * dictionary entries and some indexes filled). If the load fails (a parse error, a failed write, a listener
     * that throws, an interrupt), the quad store is emptied again of quads before the exception is thrown (a
     * failure to empty it is attached as suppressed); the dictionary entries the load wrote stay, unused, as
     * after a remove, because other {@code QuadStore} objects and processes may cache their ids. If the process
     * dies during the load, the marker stays, and opening the quad store throws {@link IncompleteLoadException}
     * until it is opened with {@link QuadStoreOptions.Builder#discardIncompleteLoad(boolean)}, which empties it: a
     * reopened store is empty or holds the whole load, never part of it, and never a dangling id. The listener is
     * told after each batch is spilled ({@link LoadProgress#quadsAdded()} 0) and after each index is written
     * ({@link LoadProgress#indexesWritten()} 1 to 6); none of this is durable until the call returns.
     *
     * <p>The dictionary's and the indexes' writes are made at the weakest durability the store has, whatever
     * {@link QuadStoreOptions#loadDurability()} says: the one flush at the end makes them durable before the
     * marker goes. Other writes through this object wait until the load has ended; writes of other
     * {@code QuadStore} objects on the store are refused with {@link IncompleteLoadException} meanwhile. A
     * parse error is reported as by {@code load}, line and column included, and the failure of a write or an
     * interrupt stops the parser as there.
     *
     * @param in the input; closed by the load when it returns or throws
     * @param lang the syntax
     * @param baseUri the base for relative IRIs, or {@code null}
     * @param listener told after each batch is spilled and after each index is written
     * @return the figures of the load: the quads read, the distinct quads added, the batches, the warnings, 6
     * @throws IllegalStateException if the quad store holds quads; nothing is read or written (the input is
     *     closed)
     * @throws IncompleteLoadException if another sorted load is running on the store
     * @throws RdfParseException if the input cannot be parsed, or holds a term that cannot be stored; nothing of
     *     the load is kept
     * @throws java.util.concurrent.CancellationException if the calling thread was interrupted; nothing is kept
     * @throws dev.plinth.PlinthException if a write fails; nothing is kept
     */
    public LoadProgress loadSorted(InputStream in, Lang lang, String baseUri, LoadListener listener) {
        return loadSorted(in, lang, baseUri, listener, baseUri == null ? "a stream" : baseUri);
    }

    private LoadProgress loadSorted(InputStream in, Lang lang, String baseUri, LoadListener listener, String source) {
        Objects.requireNonNull(in, "in");
        try (in) {
            ensureOpen();
            Objects.requireNonNull(lang, "lang");
            Objects.requireNonNull(listener, "listener");
            Path sortParent = options.sortDirectory().orElse(Path.of(System.getProperty("java.io.tmpdir")));
            return writer.loadSorted(options.sortRunQuads(), sortParent, loader -> {
                LoadProgress spilled = loads.parse(in, lang, baseUri, listener, source, true, loader::add, failure -> { });
                long added = loader.writeIndexes(written -> listener.batchApplied(new LoadProgress(
                        spilled.quadsRead(), loader.quadCount(), spilled.batches(), spilled.warnings(), written)));
                return new LoadProgress(spilled.quadsRead(), added, spilled.batches(), spilled.warnings(),
                        IndexOrder.values().length);
            });
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException("The quad store on " + store.uri() + " could not close the input "
                    + source + " after loading it: " + e.getMessage(), e);
        }
    }

    /**
     * Writes every quad, graph by graph (the default graph first), as N-Quads or TriG, streaming: one cursor
     * over the GSPO index, one consistent snapshot.
     *
     * @param out where to write; not closed, flushed at the end
     * @param lang {@link Lang#NQUADS} or {@link Lang#TRIG}
     * @return how many quads were written
     * @throws IllegalArgumentException for any other syntax
     */
    public long dump(OutputStream out, Lang lang) {
        Objects.requireNonNull(out, "out");
        RDFFormat format;
        if (Lang.NQUADS.equals(lang)) {
            format = RDFFormat.NQUADS;
        } else if (Lang.TRIG.equals(lang)) {
            format = RDFFormat.TRIG_BLOCKS;
        } else {
            throw new IllegalArgumentException("The quad store on " + store.uri() + " dumps N-Quads or TriG, not "
                    + lang + ".");
        }
        StreamRDF w = StreamRDFWriter.getWriterStream(out, format);
        long n = 0;
        w.start();
        try (QuadIterator it = find(null, null, null, null, IndexOrder.GSPO)) {
            while (it.hasNext()) {
                Quad q = it.next();
                if (q.isDefaultGraph()) {
                    w.triple(q.asTriple()); // TriG's writer would name Jena's default graph IRI as a graph
                } else {
                    w.quad(q);
                }
                n++;
            }
        }
        w.finish();
        return n;
    }

    /**
     * A Jena {@link DatasetGraph} over this quad store, so that ARQ runs SPARQL 1.1 queries and updates on
     * it. Its {@code find} is this store's {@link #find}; its writes are this store's adds and removes, each
     * atomic on its own. Its transactions are a multiple-reader, single-writer lock of this JVM, which keeps
     * concurrent SPARQL calls through the dataset apart. A write transaction records what it changed, and
     * {@code abort()} (or {@code end()} without {@code commit()}) undoes it, newest change first
     * ({@code supportsTransactionAbort()} is {@code true}): run an update in one, as
     * {@code Txn.executeWrite(dsg, () -> UpdateExec.dataset(dsg).update(text).execute())} does, and an
     * update that fails part way leaves the quads as before. ARQ itself runs an update outside any
     * transaction when given none, and then each write stands. The undo is exact when nobody else writes
     * this store during the transaction (direct calls on this object and other processes are not held off),
     * it is not crash-atomic (a process killed during the transaction leaves the writes made so far), and the
     * record of changed quads is held in memory until the transaction ends. Prefixes set on the dataset live
     * in memory only. Closing it does not close this quad store.
     *
     * @return the dataset, the same object on every call
     */
    public DatasetGraph asDatasetGraph() {
        ensureOpen();
        StoreDatasetGraph d = datasetGraph;
        if (d == null) {
            synchronized (openIterators) {
                d = datasetGraph;
                if (d == null) {
                    d = new StoreDatasetGraph(this, new QuadIndexes(store, indexes, dictionary, this::isClosed));
                    datasetGraph = d;
                }
            }
        }
        return d;
    }

    /**
     * Closes the iterators this object opened, and the store if {@link #open(String)} opened it. Idempotent.
     */
    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            for (CursorQuadIterator it : new ArrayList<>(openIterators)) {
                it.close();
            }
        } finally {
            if (ownsStore) {
                store.close();
            }
        }
    }

    /**
     * Whether {@link #close()} has been called.
     *
     * @return {@code true} once closed
     */
    public boolean isClosed() {
        return closed;
    }

    @Override
    public String toString() {
        return "QuadStore[" + store.uri() + "]";
    }

    private void ensureOpen() {
        if (closed) {
            throw new StoreClosedException("The quad store on " + store.uri() + " is closed.");
        }
    }

    private void checkStorable(Quad q) {
        try {
            TermCodec.checkStorable(q.getSubject(), "subject");
            TermCodec.checkStorable(q.getPredicate(), "predicate");
            TermCodec.checkStorable(q.getObject(), "object");
            TermCodec.checkStorable(q.getGraph(), "graph");
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("The quad store on " + store.uri() + " cannot store the quad " + q
                    + ": " + e.getMessage() + ".", e);
        }
        if (Quad.isUnionGraph(q.getGraph())) {
            throw new IllegalArgumentException("The quad store on " + store.uri() + " cannot add a quad to the union"
                    + " graph " + q.getGraph() + ", which is a view of the named graphs.");
        }
        for (Node n : new Node[] {q.getSubject(), q.getPredicate(), q.getObject(), q.getGraph()}) {
            if (n.isLiteral() || n.isURI() || n.isBlank()) {
                try {
                    TermCodec.encode(n);
                } catch (IllegalArgumentException e) {
                    throw new IllegalArgumentException("The quad store on " + store.uri() + " cannot store the term "
                            + n + ": " + e.getMessage() + ".", e);
                }
            }
        }
    }

    private static boolean isWildcard(Node n) {
        return n == null || n == Node.ANY;
    }

    /** The iterator of a pattern that cannot match. */
    private enum EmptyQuadIterator implements QuadIterator {
        INSTANCE;

        @Override
        public boolean hasNext() {
            return false;
        }

        @Override
        public Quad next() {
            throw new java.util.NoSuchElementException("no more quads");
        }

        @Override
        public void close() {
        }
    }
}
