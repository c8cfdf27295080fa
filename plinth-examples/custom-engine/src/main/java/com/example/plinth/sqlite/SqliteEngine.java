package com.example.plinth.sqlite;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.PlinthException;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.FailureLatch;
import dev.plinth.spi.KeyspaceRegistry;
import dev.plinth.spi.ScanSpec;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The SQLite engine: one database file in WAL mode, one table of {@code (keyspace, key, value)} rows.
 * Thread-safe.
 *
 * <p>Writes go through one connection, the writer's, under {@link #writeLock}: a batch is one
 * {@code BEGIN IMMEDIATE ... COMMIT} in which the preconditions are read first, so the check and the apply
 * are atomic. Reads use other connections: a point read takes an idle one from a pool and reads in
 * autocommit mode (one statement is one consistent view); a snapshot or an engine cursor holds one in a
 * read transaction until it is closed. In WAL mode readers and the writer never wait for each other.
 *
 * <p>Durability: the writer commits {@code SYNC} batches with {@code synchronous=FULL} (the WAL is
 * fsync'd before {@code COMMIT} returns) and {@code NONE} and {@code PROCESS} batches with
 * {@code synchronous=NORMAL} (the WAL is written, not synced: a killed process loses nothing, a power loss
 * may lose the last commits but never damages the file). {@link #flush()} makes those durable with one
 * more {@code FULL} commit, whose fsync covers the whole log. An I/O error or damage while writing trips
 * {@link #failure}: the engine then refuses every write, and a reopen is the way back.
 */
final class SqliteEngine implements Engine {
    static final int MAX_KEY_SIZE = 64 << 10;
    static final int MAX_VALUE_SIZE = 16 << 20;
    static final int MAX_BATCH_OPS = 1_000_000;
    static final long MAX_BATCH_BYTES = 256L << 20;
    /** Idle read connections kept for point reads, snapshots and cursors; more are opened when needed. */
    static final int MAX_IDLE_READERS = 16;

    private final String uri;
    private final Path file;
    private final boolean readOnly;
    private final Capabilities capabilities;
    private final KeyspaceRegistry<SqliteKeyspace> keyspaces;
    private final FailureLatch failure;

    /** Serialises batches, keyspace changes, flush, compact and close. Guards the fields below it. */
    private final ReentrantLock writeLock = new ReentrantLock();
    /** The writer's connection; {@code null} when read-only. */
    private final Conn writer;
    /** The writer's {@code synchronous} setting: {@code true} for FULL, {@code false} for NORMAL. */
    private boolean writerSyncs = true;
    /** Whether a commit since the last FULL one was made with NORMAL. */
    private boolean unsynced;

    private final ConcurrentLinkedDeque<Conn> idleReaders = new ConcurrentLinkedDeque<>();
    private final Set<ReadTxn> openReads = ConcurrentHashMap.newKeySet();
    private final AtomicLong commits = new AtomicLong();
    private final AtomicLong syncedCommits = new AtomicLong();
    private volatile boolean closed;

    private SqliteEngine(String uri, Path file, boolean readOnly, Conn writer) {
        this.uri = uri;
        this.file = file;
        this.readOnly = readOnly;
        this.writer = writer;
        this.keyspaces = new KeyspaceRegistry<>(uri);
        this.failure = new FailureLatch(uri);
        this.capabilities = Capabilities.builder()
                .persistent(true)
                .durabilities(Durability.NONE, Durability.PROCESS, Durability.SYNC)
                .defaultDurability(Durability.SYNC)
                .nativeTtl(false)
                .distributed(false)
                .checksumValues(true) // SQLite keeps no checksums of its pages
                .maxKeySize(MAX_KEY_SIZE)
                .maxValueSize(MAX_VALUE_SIZE)
                .maxBatchOps(MAX_BATCH_OPS)
                .maxBatchBytes(MAX_BATCH_BYTES)
                .maxKeyspaces(Capabilities.UNLIMITED)
                .maxOpenSnapshots(Capabilities.UNLIMITED)
                .build();
    }

    /**
     * Opens the store in {@code dir}, creating it if allowed.
     *
     * @param uri the store's URI, for messages
     * @param dir the store's directory
     * @param createIfMissing whether a missing or empty directory may become a store
     * @param readOnly whether to open the database read-only
     * @return the open engine
     */
    static SqliteEngine open(String uri, Path dir, boolean createIfMissing, boolean readOnly) {
        Path file = SqliteDatabase.prepare(uri, dir, createIfMissing && !readOnly);
        Conn probe = null;
        Conn writer = null;
        try {
            probe = SqliteDatabase.connect(file, false, readOnly);
            boolean fresh = SqliteDatabase.check(uri, probe, file, readOnly);
            if (!readOnly) {
                probe.close();
                probe = null;
                writer = SqliteDatabase.connect(file, true, false);
                if (fresh) {
                    SqliteDatabase.create(writer, file);
                }
            }
            SqliteEngine engine = new SqliteEngine(uri, file, readOnly, writer);
            engine.loadKeyspaces(readOnly ? probe : writer);
            if (probe != null) {
                engine.idleReaders.push(probe);
            }
            return engine;
        } catch (SQLException e) {
            closeQuietly(probe, writer);
            throw SqliteErrors.translate(e, uri, "open", null);
        } catch (RuntimeException | Error e) {
            closeQuietly(probe, writer);
            throw e;
        }
    }

    private static void closeQuietly(Conn... conns) {
        for (Conn c : conns) {
            if (c != null) {
                c.close();
            }
        }
    }

    private void loadKeyspaces(Conn conn) throws SQLException {
        try (ResultSet rs = conn.prepare(Schema.LIST_KEYSPACES).executeQuery()) {
            while (rs.next()) {
                keyspaces.register(new SqliteKeyspace(rs.getString(1), rs.getLong(2), this));
            }
        }
    }

    String uri() {
        return uri;
    }

    // ---- metadata and keyspaces

    @Override
    public Capabilities capabilities() {
        return capabilities;
    }

    @Override
    public List<String> keyspaceNames() {
        requireOpen("keyspaceNames");
        return keyspaces.names();
    }

    @Override
    public EngineKeyspace keyspace(String name) {
        requireOpen("keyspace");
        return keyspaces.get(name);
    }

    @Override
    public EngineKeyspace createKeyspace(String name) {
        requireOpen("createKeyspace");
        SqliteKeyspace ks = keyspaces.get(name);
        if (ks != null) {
            return ks;
        }
        String op = "createKeyspace " + name;
        writeLock.lock();
        try {
            requireWritable(op);
            ks = keyspaces.get(name);
            if (ks != null) {
                return ks;
            }
            beginWriteLocked(Durability.SYNC);
            boolean committed = false;
            try {
                long id = writer.queryLong(Schema.NEXT_KEYSPACE_ID);
                writer.exec(Schema.BUMP_KEYSPACE_ID);
                PreparedStatement ps = writer.prepare(Schema.INSERT_KEYSPACE);
                ps.setString(1, name);
                ps.setLong(2, id);
                ps.executeUpdate();
                commitLocked(Durability.SYNC);
                committed = true;
                return keyspaces.register(new SqliteKeyspace(name, id, this));
            } finally {
                if (!committed) {
                    rollbackQuietlyLocked();
                }
            }
        } catch (SQLException e) {
            throw translateWrite(e, op, null);
        } finally {
            writeLock.unlock();
        }
    }

    @Override
    public boolean dropKeyspace(String name) {
        keyspaces.refuseDroppingDefault(name);
        requireOpen("dropKeyspace");
        String op = "dropKeyspace " + name;
        writeLock.lock();
        try {
            requireWritable(op);
            SqliteKeyspace ks = keyspaces.get(name);
            if (ks == null) {
                return false;
            }
            beginWriteLocked(Durability.SYNC);
            boolean committed = false;
            try {
                PreparedStatement entries = writer.prepare(Schema.DELETE_KEYSPACE_ENTRIES);
                entries.setLong(1, ks.id());
                entries.executeUpdate();
                PreparedStatement row = writer.prepare(Schema.DELETE_KEYSPACE);
                row.setString(1, name);
                row.executeUpdate();
                commitLocked(Durability.SYNC);
                committed = true;
            } finally {
                if (!committed) {
                    rollbackQuietlyLocked();
                }
            }
            ks.markDropped();
            keyspaces.remove(ks);
            return true;
        } catch (SQLException e) {
            throw translateWrite(e, op, null);
        } finally {
            writeLock.unlock();
        }
    }

    // ---- reads

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        SqliteKeyspace ks = live(keyspace, "get");
        Conn conn = borrow("get");
        try {
            return read(conn, ks, key, "get");
        } finally {
            giveBack(conn);
        }
    }

    /**
     * Reads one key on a connection the caller holds.
     *
     * @return the value, or {@code null}
     */
    byte[] read(Conn conn, SqliteKeyspace ks, byte[] key, String op) {
        try {
            PreparedStatement ps = conn.prepare(Schema.GET);
            ps.setLong(1, ks.id());
            ps.setBytes(2, key);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? valueOf(rs, 1) : null;
            }
        } catch (SQLException e) {
            throw translate(e, op, key);
        }
    }

    /** A BLOB column as bytes: the driver returns {@code null} for an empty BLOB, which is a present value here. */
    static byte[] valueOf(ResultSet rs, int column) throws SQLException {
        byte[] v = rs.getBytes(column);
        return v == null ? new byte[0] : v;
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        SqliteKeyspace ks = live(keyspace, "cursor");
        return new SqliteCursor(this, ks, beginRead("cursor"), true, scan);
    }

    @Override
    public EngineSnapshot snapshot() {
        requireOpen("snapshot");
        return new SqliteSnapshot(this, beginRead("snapshot"));
    }

    /** Begins a read transaction on a pooled connection, which {@link ReadTxn#close()} gives back. */
    private ReadTxn beginRead(String op) {
        Conn conn = borrow(op);
        ReadTxn txn;
        try {
            txn = ReadTxn.begin(this, conn);
        } catch (SQLException e) {
            conn.close();
            throw translate(e, op, null);
        }
        openReads.add(txn);
        return txn;
    }

    /** Ends a read transaction that {@link ReadTxn#close()} is closing, and gives its connection back. */
    void endRead(ReadTxn txn, Conn conn) {
        openReads.remove(txn);
        try {
            conn.exec("ROLLBACK");
            giveBack(conn);
        } catch (SQLException e) {
            conn.close(); // a connection that cannot end its transaction is not reused
        }
    }

    private Conn borrow(String op) {
        Conn conn = idleReaders.poll();
        if (conn != null) {
            return conn;
        }
        try {
            return SqliteDatabase.connect(file, false, readOnly);
        } catch (SQLException e) {
            throw translate(e, op, null);
        }
    }

    private void giveBack(Conn conn) {
        if (closed || idleReaders.size() >= MAX_IDLE_READERS) {
            conn.close();
            return;
        }
        idleReaders.push(conn);
        if (closed && idleReaders.remove(conn)) {
            conn.close(); // close() drained the pool before this connection came back
        }
    }

    // ---- writes

    @Override
    public boolean apply(EngineBatch batch) {
        requireOpen("apply");
        writeLock.lock();
        try {
            requireWritable("apply");
            for (EngineBatch.Precondition p : batch.preconditions()) {
                live(p.keyspace(), "apply");
            }
            for (EngineBatch.Mutation m : batch.mutations()) {
                live(m.keyspace(), "apply");
            }
            beginWriteLocked(batch.durability());
            boolean committed = false;
            try {
                if (!batch.preconditions().isEmpty() && !batch.preconditionsHold(writeView())) {
                    return false;
                }
                if (batch.mutations().isEmpty()) {
                    return true;
                }
                for (EngineBatch.Mutation m : batch.mutations()) {
                    applyLocked(m);
                }
                commitLocked(batch.durability());
                committed = true;
                return true;
            } finally {
                if (!committed) {
                    rollbackQuietlyLocked();
                }
            }
        } catch (SQLException e) {
            throw translateWrite(e, "apply", null);
        } finally {
            writeLock.unlock();
        }
    }

    /** The state inside the writer's open transaction, before any mutation: what preconditions are checked on. */
    private EngineReader writeView() {
        ReadTxn view = ReadTxn.insideWrite(this, writer);
        return new EngineReader() {
            @Override
            public byte[] get(EngineKeyspace keyspace, byte[] key) {
                return read(writer, (SqliteKeyspace) keyspace, key, "apply");
            }

            @Override
            public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
                return new SqliteCursor(SqliteEngine.this, (SqliteKeyspace) keyspace, view, false, scan);
            }
        };
    }

    private void applyLocked(EngineBatch.Mutation m) throws SQLException {
        long ks = ((SqliteKeyspace) m.keyspace()).id();
        PreparedStatement ps;
        switch (m.kind()) {
            case PUT -> {
                ps = writer.prepare(Schema.PUT);
                ps.setLong(1, ks);
                ps.setBytes(2, m.key());
                ps.setBytes(3, m.value());
            }
            case DELETE -> {
                ps = writer.prepare(Schema.DELETE);
                ps.setLong(1, ks);
                ps.setBytes(2, m.key());
            }
            case DELETE_RANGE -> {
                ps = writer.prepare(Schema.deleteRange(m.key() != null, m.end() != null));
                int i = 1;
                ps.setLong(i++, ks);
                if (m.key() != null) {
                    ps.setBytes(i++, m.key());
                }
                if (m.end() != null) {
                    ps.setBytes(i, m.end());
                }
            }
            default -> throw new IllegalStateException("unknown mutation " + m.kind());
        }
        ps.executeUpdate();
    }

    /** Sets the writer's {@code synchronous} for a commit of this durability and begins a write transaction. */
    private void beginWriteLocked(Durability durability) throws SQLException {
        boolean sync = durability == Durability.SYNC;
        if (sync != writerSyncs) {
            writer.exec(sync ? "PRAGMA synchronous = FULL" : "PRAGMA synchronous = NORMAL");
            writerSyncs = sync;
        }
        writer.exec("BEGIN IMMEDIATE");
    }

    private void commitLocked(Durability durability) throws SQLException {
        writer.exec("COMMIT");
        commits.incrementAndGet();
        if (durability == Durability.SYNC) {
            syncedCommits.incrementAndGet();
            unsynced = false; // the fsync of the WAL covers every earlier commit too
        } else {
            unsynced = true;
        }
    }

    private void rollbackQuietlyLocked() {
        try {
            writer.exec("ROLLBACK");
        } catch (SQLException ignored) {
            // SQLite rolls back by itself after some errors; there is then no transaction to end
        }
    }

    // ---- durability, maintenance, stats

    @Override
    public void flush() {
        requireOpen("flush");
        writeLock.lock();
        try {
            requireWritable("flush");
            flushLocked();
        } catch (SQLException e) {
            throw translateWrite(e, "flush", null);
        } finally {
            writeLock.unlock();
        }
    }

    /** Makes every commit durable with one small {@code synchronous=FULL} commit, if any commit was not. */
    private void flushLocked() throws SQLException {
        if (!unsynced) {
            return;
        }
        beginWriteLocked(Durability.SYNC);
        boolean committed = false;
        try {
            writer.exec(Schema.BUMP_FLUSHES);
            commitLocked(Durability.SYNC);
            committed = true;
        } finally {
            if (!committed) {
                rollbackQuietlyLocked();
            }
        }
    }

    /**
     * {@code VACUUM}: rewrites the database without its free pages; readers keep their views meanwhile. It
     * runs on a connection of its own, under the write lock: SQLite refuses it on a connection with
     * prepared statements not reset, as the writer's cached ones may be.
     */
    @Override
    public void compact() {
        requireOpen("compact");
        writeLock.lock();
        try (Conn vacuum = SqliteDatabase.connect(file, false, false)) {
            requireWritable("compact");
            vacuum.exec("VACUUM");
        } catch (SQLException e) {
            throw translateWrite(e, "compact", null);
        } finally {
            writeLock.unlock();
        }
    }

    /** SQLite's own {@code PRAGMA integrity_check}: page structure, index order, free list. */
    @Override
    public List<String> verify() {
        requireOpen("verify");
        Conn conn = borrow("verify");
        List<String> problems = new ArrayList<>();
        try (var st = conn.prepare("PRAGMA integrity_check").executeQuery()) {
            while (st.next()) {
                String row = st.getString(1);
                if (!"ok".equals(row)) {
                    problems.add("SQLite's integrity_check of " + file + " in " + uri + " reports: " + row);
                }
            }
        } catch (SQLException e) {
            throw translate(e, "verify", null);
        } finally {
            giveBack(conn);
        }
        return problems;
    }

    @Override
    public Map<String, Long> stats() {
        requireOpen("stats");
        Map<String, Long> stats = new LinkedHashMap<>();
        Conn conn = borrow("stats");
        try {
            stats.put("sqlite.pageSize", conn.queryLong("PRAGMA page_size"));
            stats.put("sqlite.pageCount", conn.queryLong("PRAGMA page_count"));
            stats.put("sqlite.freelistCount", conn.queryLong("PRAGMA freelist_count"));
        } catch (SQLException e) {
            throw translate(e, "stats", null);
        } finally {
            giveBack(conn);
        }
        stats.put("sqlite.walBytes", sizeOf(file.resolveSibling(SqliteDatabase.FILE + "-wal")));
        stats.put("sqlite.keyspaces", (long) keyspaces.size());
        stats.put("sqlite.commits", commits.get());
        stats.put("sqlite.syncedCommits", syncedCommits.get());
        stats.put("sqlite.openReadTxns", (long) openReads.size());
        stats.put("sqlite.idleConnections", (long) idleReaders.size());
        return stats;
    }

    private static long sizeOf(Path p) {
        try {
            return Files.exists(p) ? Files.size(p) : 0;
        } catch (IOException e) {
            return 0;
        }
    }

    /**
     * Closes every connection: the read transactions a caller leaked, the idle readers, and last the
     * writer's, after a {@code FULL} commit if earlier commits were not synced (SQLite then checkpoints the
     * log into the database file and removes it). A second call returns at once.
     *
     * @throws dev.plinth.StorageIOException if that last sync fails; the connections are closed all the same
     */
    @Override
    public void close() {
        writeLock.lock();
        try {
            if (closed) {
                return;
            }
            closed = true;
            for (ReadTxn r : new ArrayList<>(openReads)) {
                r.close();
            }
            for (Conn c = idleReaders.poll(); c != null; c = idleReaders.poll()) {
                c.close();
            }
            if (writer != null) {
                try {
                    if (!failure.isTripped()) {
                        flushLocked();
                    }
                } catch (SQLException e) {
                    throw SqliteErrors.translate(e, uri, "close", null);
                } finally {
                    writer.close();
                }
            }
        } finally {
            keyspaces.clear();
            writeLock.unlock();
        }
    }

    // ---- checks and errors

    /**
     * Checks a handle: one of this engine's keyspaces, not dropped.
     *
     * @throws IllegalArgumentException if it is another engine's
     * @throws NoSuchKeyspaceException if it was dropped
     */
    SqliteKeyspace live(EngineKeyspace keyspace, String op) {
        if (!(keyspace instanceof SqliteKeyspace ks) || ks.owner() != this) {
            throw new IllegalArgumentException(op + " on " + uri + ": " + keyspace + " is not a keyspace of this store");
        }
        requireOpen(op);
        if (ks.isDropped()) {
            throw new NoSuchKeyspaceException(op + " on " + uri + ": keyspace '" + ks.name() + "' was dropped");
        }
        return ks;
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new StoreClosedException(op + " on " + uri + ": the sqlite store is closed");
        }
    }

    private void requireWritable(String op) {
        requireOpen(op);
        if (readOnly) {
            throw new dev.plinth.UnsupportedCapabilityException("Store " + uri + " was opened read-only, so " + op
                    + " is refused and nothing was written; open it without readOnly to write.");
        }
        failure.check(op);
    }

    /** Translates an error of a read. Damage found by a read fails writes too: they may build on it. */
    PlinthException translate(SQLException e, String op, byte[] key) {
        PlinthException p = SqliteErrors.translate(e, uri, op, key);
        if (SqliteErrors.code(e) == SqliteErrors.SQLITE_CORRUPT || SqliteErrors.code(e) == SqliteErrors.SQLITE_NOTADB) {
            failure.trip(p);
        }
        return p;
    }

    /** Translates an error of a write, failing the engine if no later write may be trusted. */
    private PlinthException translateWrite(SQLException e, String op, byte[] key) {
        PlinthException p = SqliteErrors.translate(e, uri, op, key);
        if (SqliteErrors.isFatal(e)) {
            failure.trip(p);
        }
        return p;
    }

    @Override
    public String toString() {
        return "SqliteEngine[" + uri + "]";
    }
}
