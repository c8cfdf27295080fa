package dev.plinth.documents.internal;

import dev.plinth.ConflictException;
import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.PlinthException;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StoreClosedException;
import dev.plinth.WriteBatch;
import dev.plinth.documents.DocumentCollection;
import dev.plinth.documents.DocumentOptions;
import dev.plinth.documents.NoSuchDocumentException;
import dev.plinth.documents.SyncSession;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import java.util.function.Function;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.Read;
import org.automerge.SyncState;
import org.automerge.Transaction;

/**
 * A collection persisted under {@link DocumentFormat}'s layout. Lock order: one {@link DocState#lock} at a time;
 * no method holds two document locks.
 */
public final class StoreDocumentCollection implements DocumentCollection {
    /** Draws document incarnations; {@link SecureRandom} so that two processes never share a sequence. */
    private static final SecureRandom INCARNATIONS = new SecureRandom();

    private final DocumentsContext ctx;
    private final String name;
    private final ConcurrentHashMap<String, DocState> cache = new ConcurrentHashMap<>();

    /**
     * @param ctx the shared context
     * @param name the collection name, whose marker exists
     */
    public StoreDocumentCollection(DocumentsContext ctx, String name) {
        this.ctx = ctx;
        this.name = name;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean create(String id, Consumer<Transaction> init) {
        Objects.requireNonNull(init, "init");
        DocState s = acquire(id);
        try {
            if (s.doc != null) {
                return false;
            }
            Document d = new Document();
            try {
                try (Transaction tx = d.startTransaction()) {
                    init.accept(tx);
                    tx.commit();
                }
                return createLocked(s, d);
            } catch (RuntimeException | Error e) {
                d.free();
                throw e;
            }
        } finally {
            release(s);
        }
    }

    @Override
    public boolean exists(String id) {
        DocState s = acquire(id);
        try {
            return s.doc != null;
        } finally {
            release(s);
        }
    }

    @Override
    public Optional<Document> get(String id) {
        DocState s = acquire(id);
        try {
            return s.doc == null ? Optional.empty() : Optional.of(s.doc.fork());
        } finally {
            release(s);
        }
    }

    @Override
    public <T> Optional<T> read(String id, Function<Read, T> reader) {
        Objects.requireNonNull(reader, "reader");
        DocState s = acquire(id);
        try {
            return s.doc == null ? Optional.empty() : Optional.ofNullable(reader.apply(s.doc));
        } finally {
            release(s);
        }
    }

    @Override
    public Optional<ChangeHash> change(String id, Consumer<Transaction> edit) {
        Objects.requireNonNull(edit, "edit");
        DocState s = acquire(id);
        try {
            requireLive(s);
            ChangeHash[] before = s.heads;
            assert Arrays.equals(before, s.doc.getHeads()) : "the kept heads of " + describe(id) + " are stale";
            Optional<ChangeHash> hash;
            try (Transaction tx = s.doc.startTransaction()) {
                edit.accept(tx);
                hash = tx.commit();
            }
            if (hash.isPresent()) {
                // a local change depends on every head, so it is the only head now
                s.heads = new ChangeHash[] {hash.get()};
                appendLocked(s, s.doc.encodeChangesSince(before));
            }
            return hash;
        } finally {
            release(s);
        }
    }

    @Override
    public boolean delete(String id) {
        DocState s = acquire(id);
        try {
            if (s.header == null) {
                return false;
            }
            boolean live = s.doc != null;
            removeEntriesLocked(s);
            return live;
        } finally {
            release(s);
        }
    }

    @Override
    public List<String> ids(String idPrefix) {
        Objects.requireNonNull(idPrefix, "idPrefix");
        ctx.checkOpen();
        List<String> out = new ArrayList<>();
        Keyspace ks = ctx.keyspace();
        if (ks == null) {
            return out;
        }
        long now = ctx.options().clock().millis();
        try (Cursor c = ks.cursor(DocumentFormat.headerRange(name, idPrefix), ScanOptions.forward())) {
            while (c.next()) {
                String id = DocumentFormat.idOfHeader(c.key());
                long expiry = DocumentFormat.expiryOf(c.value(), describe(id));
                if (expiry == 0 || now < expiry) {
                    out.add(id);
                }
            }
        }
        return out;
    }

    @Override
    public void expireAfter(String id, Duration ttl) {
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw new IllegalArgumentException("the time to live of " + describe(id) + " must be positive, not "
                    + ttl);
        }
        DocState s = acquire(id);
        try {
            requireLive(s);
            long expiresAt = ttl == null ? 0 : Math.max(1, ctx.options().clock().millis() + ttl.toMillis());
            byte[] header = s.parsed.next(expiresAt);
            WriteBatch b = new WriteBatch()
                    .requireEquals(ctx.keyspace(), DocumentFormat.headerKey(name, id), s.header)
                    .put(ctx.keyspace(), DocumentFormat.headerKey(name, id), header, ctx.writeOptions());
            writeLocked(s, b);
            setHeaderLocked(s, header);
        } finally {
            release(s);
        }
    }

    @Override
    public Optional<ChangeHash[]> heads(String id) {
        return read(id, Read::getHeads);
    }

    @Override
    public Optional<byte[]> changesSince(String id, ChangeHash[] since) {
        Objects.requireNonNull(since, "since");
        DocState s = acquire(id);
        try {
            return s.doc == null ? Optional.empty() : Optional.of(s.doc.encodeChangesSince(since));
        } finally {
            release(s);
        }
    }

    @Override
    public Optional<byte[]> save(String id) {
        DocState s = acquire(id);
        try {
            return s.doc == null ? Optional.empty() : Optional.of(s.doc.save());
        } finally {
            release(s);
        }
    }

    @Override
    public boolean applyChanges(String id, byte[] changes) {
        Objects.requireNonNull(changes, "changes");
        String problem = DocumentFormat.chunkProblem(changes);
        if (problem != null) {
            // Automerge 0.0.7 drops what it cannot parse without an error; say so instead
            throw new IllegalArgumentException("the changes given for " + describe(id) + " are not Automerge's "
                    + "encoding: " + problem);
        }
        return integrate(id, d -> {
            try {
                d.applyEncodedChanges(changes);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException("the changes given for " + describe(id)
                        + " are not a valid Automerge encoding: " + e.getMessage(), e);
            }
        });
    }

    @Override
    public boolean merge(String id, Document other) {
        Objects.requireNonNull(other, "other");
        return integrate(id, d -> d.merge(other));
    }

    /**
     * Applies {@code step} to the document (or to a new empty one when there is none) and persists what it added:
     * one change entry, or a new document.
     */
    private boolean integrate(String id, Consumer<Document> step) {
        DocState s = acquire(id);
        try {
            if (s.doc == null) {
                Document d = new Document();
                try {
                    step.accept(d);
                    return createLocked(s, d);
                } catch (RuntimeException | Error e) {
                    d.free();
                    throw e;
                }
            }
            ChangeHash[] before = s.heads;
            try {
                step.accept(s.doc);
            } catch (RuntimeException | Error e) {
                s.unloadLocked(); // the document may hold part of what failed; load it again from the store
                throw e;
            }
            ChangeHash[] after = s.doc.getHeads();
            if (Arrays.equals(before, after)) {
                return false;
            }
            s.heads = after;
            appendLocked(s, s.doc.encodeChangesSince(before));
            return true;
        } finally {
            release(s);
        }
    }

    @Override
    public boolean compact(String id) {
        DocState s = acquire(id);
        try {
            s.compactionQueued = false;
            if (s.doc == null) {
                if (s.header == null) {
                    return false;
                }
                removeEntriesLocked(s); // expired: reclaim its entries
                return true;
            }
            if (s.lastSeq == s.throughSeq) {
                return false;
            }
            long through = s.lastSeq;
            byte[] header = s.parsed.next(s.expiresAt);
            WriteBatch b = new WriteBatch()
                    .requireEquals(ctx.keyspace(), DocumentFormat.headerKey(name, id), s.header)
                    .put(ctx.keyspace(), DocumentFormat.headerKey(name, id), header, ctx.writeOptions())
                    .put(ctx.keyspace(), DocumentFormat.snapshotKey(name, id),
                            DocumentFormat.snapshotValue(through, s.doc.save()), ctx.writeOptions())
                    .deleteRange(ctx.keyspace(), DocumentFormat.changesThrough(name, id, through),
                            ctx.writeOptions());
            writeLocked(s, b);
            setHeaderLocked(s, header);
            s.throughSeq = through;
            return true;
        } finally {
            release(s);
        }
    }

    @Override
    public SyncSession syncSession() {
        ctx.checkOpen();
        return new CollectionSyncSession(this);
    }

    /** Compacts every document with change entries, including expired ones whose entries are reclaimed. */
    public void compactAll() {
        for (String id : idsWithEntries()) {
            compact(id);
        }
    }

    private List<String> idsWithEntries() {
        List<String> out = new ArrayList<>();
        if (ctx.keyspace() == null) {
            return out;
        }
        try (Cursor c = ctx.keyspace().cursor(DocumentFormat.headerRange(name, ""), ScanOptions.forward().withKeysOnly(true))) {
            while (c.next()) {
                out.add(DocumentFormat.idOfHeader(c.key()));
            }
        }
        return out;
    }

    // ---- sync support, used by CollectionSyncSession

    /** The sync message for one document, or empty if the document is absent or has nothing to say. */
    Optional<byte[]> generateSync(String id, SyncState state) {
        DocState s = acquire(id);
        try {
            return s.doc == null ? Optional.empty() : s.doc.generateSyncMessage(state);
        } finally {
            release(s);
        }
    }

    /**
     * Receives a sync message into a live document and persists what it adds.
     *
     * @return {@code false} if the document is absent (nothing happened)
     */
    boolean receiveSync(String id, SyncState state, byte[] message) {
        DocState s = acquire(id);
        try {
            if (s.doc == null) {
                return false;
            }
            ChangeHash[] before = s.heads;
            try {
                s.doc.receiveSyncMessage(state, message);
            } catch (RuntimeException e) {
                s.unloadLocked();
                throw new IllegalArgumentException("a sync message for " + describe(id)
                        + " is not valid: " + e.getMessage(), e);
            }
            ChangeHash[] after = s.doc.getHeads();
            if (!Arrays.equals(before, after)) {
                s.heads = after;
                appendLocked(s, s.doc.encodeChangesSince(before));
            }
            return true;
        } finally {
            release(s);
        }
    }

    /** Frees every loaded document; used by the store's close. */
    public void closeAll() {
        for (DocState s : cache.values()) {
            s.lock.lock();
            try {
                s.unloadLocked();
                s.evicted = true;
            } finally {
                s.lock.unlock();
            }
        }
        cache.clear();
    }

    // ---- internals; every *Locked method runs under s.lock

    private DocState acquire(String id) {
        Objects.requireNonNull(id, "id");
        if (id.isEmpty()) {
            throw new IllegalArgumentException("a document id in collection '" + name + "' of " + ctx.uri()
                    + " must not be empty");
        }
        ctx.checkOpen();
        while (true) {
            DocState s = cache.computeIfAbsent(id, DocState::new);
            s.lock.lock();
            if (s.evicted) {
                s.lock.unlock();
                continue;
            }
            try {
                ctx.checkOpen();
                if (!s.loaded) {
                    loadLocked(s);
                }
                if (s.doc != null && s.expiresAt != 0 && ctx.options().clock().millis() >= s.expiresAt) {
                    s.doc.free();
                    s.doc = null; // expired: the header stays known so its entries can be reclaimed
                    s.heads = null;
                }
                return s;
            } catch (RuntimeException | Error e) {
                s.lock.unlock();
                throw e;
            }
        }
    }

    private void release(DocState s) {
        s.lock.unlock();
        if (cache.size() > ctx.options().maxCached()) {
            evictSome();
        }
    }

    private void evictSome() {
        int excess = cache.size() - ctx.options().maxCached();
        for (DocState s : cache.values()) {
            if (excess <= 0) {
                return;
            }
            if (s.lock.tryLock()) {
                try {
                    if (!s.evicted && !s.compactionQueued) {
                        s.evicted = true;
                        s.unloadLocked();
                        cache.remove(s.id, s);
                        excess--;
                    }
                } finally {
                    s.lock.unlock();
                }
            }
        }
    }

    private void loadLocked(DocState s) {
        s.doc = null;
        s.heads = null;
        s.header = null;
        s.parsed = null;
        s.expiresAt = 0;
        s.lastSeq = 0;
        s.throughSeq = 0;
        Keyspace ks = ctx.keyspace();
        if (ks == null) {
            s.loaded = true;
            return;
        }
        String where = describe(s.id);
        try (Snapshot snap = ctx.store().snapshot()) {
            byte[] header = snap.get(ks, DocumentFormat.headerKey(name, s.id));
            if (header == null) {
                s.loaded = true;
                return;
            }
            DocumentFormat.Header parsed = DocumentFormat.header(header, where);
            if (parsed.expiresAt() != 0 && ctx.options().clock().millis() >= parsed.expiresAt()) {
                setHeaderLocked(s, header);
                s.loaded = true;
                return;
            }
            byte[] snapshot = snap.get(ks, DocumentFormat.snapshotKey(name, s.id));
            if (snapshot == null) {
                throw new CorruptionException(where + " has a header but no snapshot");
            }
            long through = DocumentFormat.throughSeqOf(snapshot, where);
            byte[] saved = DocumentFormat.savedOf(snapshot);
            List<byte[]> entries = new ArrayList<>();
            long seq = through;
            int bytes = 0;
            try (Cursor c = snap.cursor(ks, DocumentFormat.changesFrom(name, s.id, through + 1),
                    ScanOptions.forward())) {
                while (c.next()) {
                    long entrySeq = DocumentFormat.seqOfChange(c.key());
                    if (entrySeq != seq + 1) {
                        throw new CorruptionException(where + " lacks change " + (seq + 1) + ": the next stored is "
                                + entrySeq);
                    }
                    String entry = "change " + entrySeq + " of " + where;
                    byte[] changes = DocumentFormat.changesOf(c.value(), entry);
                    String problem = DocumentFormat.chunkProblem(changes);
                    if (problem != null) {
                        // applied together, a bad entry would silently drop every entry after it
                        throw new CorruptionException(entry + " is not Automerge's encoding of changes: " + problem);
                    }
                    entries.add(changes);
                    bytes = Math.addExact(bytes, changes.length);
                    seq = entrySeq;
                }
            }
            Document d = loadSnapshot(saved, where);
            try {
                applyEntries(d, entries, bytes, through, saved, where);
            } catch (RuntimeException | Error e) {
                d.free();
                throw e;
            }
            s.doc = d;
            s.heads = d.getHeads();
            setHeaderLocked(s, header);
            s.throughSeq = through;
            s.lastSeq = seq;
            s.loaded = true;
        }
    }

    private static Document loadSnapshot(byte[] saved, String where) {
        try {
            return Document.load(saved);
        } catch (RuntimeException e) {
            throw new CorruptionException("the snapshot of " + where + " is not a document Automerge can load: "
                    + e.getMessage(), e);
        }
    }

    /**
     * Applies the change entries after the snapshot to {@code d} in one Automerge call (one call per entry costs a
     * native crossing and a causal-readiness pass each). If Automerge rejects the whole, the entries are applied
     * one by one to a fresh copy of the snapshot, only to name the first entry it rejects.
     */
    private static void applyEntries(Document d, List<byte[]> entries, int bytes, long through, byte[] saved,
            String where) {
        if (entries.isEmpty()) {
            return;
        }
        byte[] all = new byte[bytes];
        int at = 0;
        for (byte[] e : entries) {
            System.arraycopy(e, 0, all, at, e.length);
            at += e.length;
        }
        try {
            d.applyEncodedChanges(all);
            return;
        } catch (RuntimeException whole) {
            Document probe = loadSnapshot(saved, where);
            try {
                long seq = through;
                for (byte[] e : entries) {
                    seq++;
                    try {
                        probe.applyEncodedChanges(e);
                    } catch (RuntimeException one) {
                        throw new CorruptionException("change " + seq + " of " + where + " is not an Automerge "
                                + "change: " + one.getMessage(), one);
                    }
                }
            } finally {
                probe.free();
            }
            throw new CorruptionException("the change entries of " + where + " are each Automerge changes but "
                    + "Automerge rejects them together: " + whole.getMessage(), whole);
        }
    }

    /** Records {@code header} (a value just read or written) as the document's current header. */
    private void setHeaderLocked(DocState s, byte[] header) {
        s.header = header;
        s.parsed = DocumentFormat.header(header, describe(s.id));
        s.expiresAt = s.parsed.expiresAt();
    }

    /** Persists {@code d} as a new document (replacing entries an expired one left) and makes it current. */
    private boolean createLocked(DocState s, Document d) {
        Keyspace ks = writableKeyspace();
        byte[] headerKey = DocumentFormat.headerKey(name, s.id);
        byte[] header = DocumentFormat.headerValue(0, newIncarnation(s), 0);
        WriteBatch b = new WriteBatch();
        if (s.header == null) {
            b.requireAbsent(ks, headerKey);
        } else {
            b.requireEquals(ks, headerKey, s.header);
        }
        b.put(ks, headerKey, header, ctx.writeOptions())
                .put(ks, DocumentFormat.snapshotKey(name, s.id), DocumentFormat.snapshotValue(0, d.save()),
                        ctx.writeOptions())
                .deleteRange(ks, DocumentFormat.changeRange(name, s.id), ctx.writeOptions());
        if (!ctx.write(b)) {
            d.free();
            s.unloadLocked();
            return false; // another document store over the same store created it first
        }
        s.doc = d;
        s.heads = d.getHeads();
        setHeaderLocked(s, header);
        s.lastSeq = 0;
        s.throughSeq = 0;
        return true;
    }

    /**
     * A random incarnation for a new document, different from the one of the expired header it replaces: a
     * writer holding a header of an earlier incarnation (deleted, then created again by another writer) must never
     * see its precondition pass.
     */
    private static long newIncarnation(DocState s) {
        long old = s.parsed == null ? 0 : s.parsed.incarnation();
        long n;
        do {
            n = INCARNATIONS.nextLong();
        } while (n == 0 || n == old);
        return n;
    }

    /** Appends one change entry holding {@code changes}, already applied to {@code s.doc}. */
    private void appendLocked(DocState s, byte[] changes) {
        long seq = s.lastSeq + 1;
        byte[] header = s.parsed.next(s.expiresAt);
        byte[] headerKey = DocumentFormat.headerKey(name, s.id);
        WriteBatch b = new WriteBatch()
                .requireEquals(ctx.keyspace(), headerKey, s.header)
                .put(ctx.keyspace(), headerKey, header, ctx.writeOptions())
                .put(ctx.keyspace(), DocumentFormat.changeKey(name, s.id, seq), DocumentFormat.changeValue(changes),
                        ctx.writeOptions());
        writeLocked(s, b);
        setHeaderLocked(s, header);
        s.lastSeq = seq;
        if (needsCompaction(s.lastSeq - s.throughSeq, s.lastSeq) && !s.compactionQueued) {
            s.compactionQueued = true;
            String id = s.id;
            ctx.schedule(() -> compactInBackground(id));
        }
    }

    /**
     * Whether a document with {@code pending} change entries after its snapshot and {@code lastSeq} entries in all
     * should be compacted: at least {@link DocumentOptions#compactAfter()} entries, and at least a quarter of all
     * its entries, so that the cost of saving (which grows with the whole history) is amortized over a number of
     * changes that grows with it too, and loading replays at most about a fifth of the history.
     */
    private boolean needsCompaction(long pending, long lastSeq) {
        return pending >= ctx.options().compactAfter() && pending >= lastSeq / 4;
    }

    private void compactInBackground(String id) {
        if (ctx.isClosed()) {
            return;
        }
        try {
            compact(id);
        } catch (StoreClosedException e) {
            // closed while queued: nothing is lost, the log stays as it is
        } catch (RuntimeException e) {
            ctx.recordFailure(e);
        }
    }

    private void removeEntriesLocked(DocState s) {
        Keyspace ks = writableKeyspace();
        WriteBatch b = new WriteBatch()
                .requireEquals(ks, DocumentFormat.headerKey(name, s.id), s.header)
                .delete(ks, DocumentFormat.headerKey(name, s.id), ctx.writeOptions())
                .delete(ks, DocumentFormat.snapshotKey(name, s.id), ctx.writeOptions())
                .deleteRange(ks, DocumentFormat.changeRange(name, s.id), ctx.writeOptions());
        writeLocked(s, b);
        if (s.doc != null) {
            s.doc.free();
        }
        s.doc = null;
        s.heads = null;
        s.header = null;
        s.parsed = null;
        s.expiresAt = 0;
    }

    /**
     * Writes a batch whose first precondition is the document's header, which every write replaces with one whose
     * write counter is one higher (see {@link DocumentFormat#headerValue}): the precondition fails after any write
     * of another writer, even one that left the expiry as it was. On any failure the in-memory state is dropped
     * so the next use reloads what the store holds.
     */
    private void writeLocked(DocState s, WriteBatch b) {
        boolean ok;
        try {
            ok = ctx.write(b);
        } catch (RuntimeException | Error e) {
            s.unloadLocked();
            throw e;
        }
        if (!ok) {
            s.unloadLocked();
            if (ctx.keyspace().get(DocumentFormat.headerKey(name, s.id)) == null) {
                throw new NoSuchDocumentException(describe(s.id) + " was deleted by another writer of the same "
                        + "store; nothing was persisted");
            }
            throw new ConflictException(describe(s.id) + " was written by another writer of the same store since "
                    + "this document store loaded it; nothing was persisted, and the next call loads the document "
                    + "again");
        }
    }

    private Keyspace writableKeyspace() {
        Keyspace ks = ctx.keyspace();
        if (ks == null) {
            throw new PlinthException("the store " + ctx.uri() + " is read-only and holds no documents");
        }
        return ks;
    }

    private void requireLive(DocState s) {
        if (s.doc == null) {
            throw new NoSuchDocumentException("there is no document '" + s.id + "' in collection '" + name
                    + "' of " + ctx.uri());
        }
    }

    String describe(String id) {
        return "document '" + id + "' in collection '" + name + "' of " + ctx.uri();
    }
}
