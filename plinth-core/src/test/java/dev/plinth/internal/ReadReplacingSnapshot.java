package dev.plinth.internal;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.util.function.BiFunction;

/**
 * A snapshot whose gets and cursors are what the test engine says, its version and close the wrapped snapshot's:
 * for the test engines that change what the core reads ({@link IntegrityCheckTest}, {@link CursorKeyCheckTest}).
 */
final class ReadReplacingSnapshot implements EngineSnapshot {
    private final EngineSnapshot snapshot;
    private final BiFunction<EngineKeyspace, byte[], byte[]> get;
    private final BiFunction<EngineKeyspace, ScanSpec, EngineCursor> cursor;

    ReadReplacingSnapshot(EngineSnapshot snapshot, BiFunction<EngineKeyspace, byte[], byte[]> get,
                          BiFunction<EngineKeyspace, ScanSpec, EngineCursor> cursor) {
        this.snapshot = snapshot;
        this.get = get;
        this.cursor = cursor;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        return get.apply(keyspace, key);
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        return cursor.apply(keyspace, scan);
    }

    @Override
    public long version() {
        return snapshot.version();
    }

    @Override
    public void close() {
        snapshot.close();
    }
}
