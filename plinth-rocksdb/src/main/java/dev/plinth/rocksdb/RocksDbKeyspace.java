package dev.plinth.rocksdb;

import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.spi.CallGuard;
import dev.plinth.spi.EngineKeyspace;
import java.util.concurrent.atomic.AtomicInteger;
import org.rocksdb.ColumnFamilyHandle;

/**
 * A keyspace of the RocksDB engine: one column family, through its handle. Thread-safe.
 *
 * <p>Two things keep native code away from a freed handle. Calls that pass the handle to RocksDB (reads,
 * batches, opening a cursor) hold {@link #guard}; a drop or close drains it first, and once it is closed
 * the engine throws {@link dev.plinth.NoSuchKeyspaceException} for any new operation through this handle.
 * Cursors outlive a drop: RocksDB lets an iterator read a dropped column family for as long as the
 * column family's handle lives, but its iterators use the handle (a seek reads it), so freeing it under an
 * open iterator crashes the JVM. So the handle is reference-counted ({@link #retainHandle()},
 * {@link #releaseHandle()}): the keyspace holds one reference until it is dropped or the engine closes,
 * each open cursor one more, and the last release frees it.
 */
final class RocksDbKeyspace implements EngineKeyspace {
    private final String name;
    private final RocksDbEngine owner;
    /** The column family's handle; freed by the last {@link #releaseHandle()}. */
    final ColumnFamilyHandle handle;
    /**
     * The column family's id, read once from {@link #handle}: what RocksDB's write-batch representation names the
     * family by ({@link RocksDbBatchEncoder}); 0 is the default family. Ids are never reused within a database.
     */
    final int columnFamilyId;
    /** Brackets every call that passes {@link #handle} to RocksDB outside a cursor. */
    final CallGuard guard = new CallGuard(() -> new NoSuchKeyspaceException("keyspace '" + name() + "' was dropped"));
    /** References to {@link #handle}: the keyspace's own until dropped or closed, plus one per open cursor. */
    private final AtomicInteger handleRefs = new AtomicInteger(1);

    RocksDbKeyspace(String name, RocksDbEngine owner, ColumnFamilyHandle handle) {
        this.name = name;
        this.owner = owner;
        this.handle = handle;
        this.columnFamilyId = handle.getID();
    }

    @Override
    public String name() {
        return name;
    }

    RocksDbEngine owner() {
        return owner;
    }

    /**
     * Takes a reference to the handle for a cursor. The caller holds {@link #guard}, so the keyspace's own
     * reference is still held and the count cannot have reached zero.
     */
    void retainHandle() {
        int before = handleRefs.getAndIncrement();
        assert before > 0 : "a freed column family handle of " + this + " was retained";
    }

    /** Gives a reference back; the last one frees the handle. Called once per reference. */
    void releaseHandle() {
        int after = handleRefs.decrementAndGet();
        assert after >= 0 : "the column family handle of " + this + " was released once too often";
        if (after == 0) {
            handle.close();
        }
    }

    @Override
    public String toString() {
        return "rocksdb keyspace '" + name + "'" + (guard.isClosed() ? " (dropped or closed)" : "");
    }
}
