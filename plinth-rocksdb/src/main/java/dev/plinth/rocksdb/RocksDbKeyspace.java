package dev.plinth.rocksdb;

import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.spi.CallGuard;
import dev.plinth.spi.EngineKeyspace;
import org.rocksdb.ColumnFamilyHandle;

/**
 * A keyspace of the RocksDB engine: one column family, through its handle. Thread-safe.
 *
 * <p>The handle is freed when the keyspace is dropped or the engine closes, and never while a native call
 * uses it: every such call holds {@link #guard}, and the dropper or closer drains it first. Once the guard is
 * closed the engine throws {@link dev.plinth.NoSuchKeyspaceException} for any operation through this
 * handle.
 */
final class RocksDbKeyspace implements EngineKeyspace {
    private final String name;
    private final RocksDbEngine owner;
    /** The column family's handle; freed only after {@link #guard} is drained. */
    final ColumnFamilyHandle handle;
    /** Brackets every native call that uses {@link #handle}. */
    final CallGuard guard = new CallGuard(() -> new NoSuchKeyspaceException("keyspace '" + name() + "' was dropped"));

    RocksDbKeyspace(String name, RocksDbEngine owner, ColumnFamilyHandle handle) {
        this.name = name;
        this.owner = owner;
        this.handle = handle;
    }

    @Override
    public String name() {
        return name;
    }

    RocksDbEngine owner() {
        return owner;
    }

    @Override
    public String toString() {
        return "rocksdb keyspace '" + name + "'" + (guard.isClosed() ? " (dropped or closed)" : "");
    }
}
