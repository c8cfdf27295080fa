package dev.plinth.testkit.broken;

import dev.plinth.Capabilities;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.util.Arrays;

/**
 * A broken engine: its snapshots read the live engine, and its cursors read live data as they move, by
 * opening a fresh cursor of the wrapped engine after the last returned key on every {@code next()}.
 * Repeatable reads, snapshot isolation and cursor consistency are all gone. Thread-safe if the wrapped
 * engine is; each cursor is single-threaded.
 */
public final class CursorsSeeLaterWritesEngine extends ForwardingEngine {
    /**
     * Wraps an engine.
     *
     * @param delegate the real engine
     */
    public CursorsSeeLaterWritesEngine(Engine delegate) {
        super(delegate);
    }

    /** Without versions: its snapshots are views of the latest state, which have none of their own. */
    @Override
    public Capabilities capabilities() {
        return Mutations.withoutVersions(delegate().capabilities());
    }

    @Override
    public EngineSnapshot snapshot() {
        return new EngineSnapshot() {
            @Override
            public byte[] get(EngineKeyspace keyspace, byte[] key) {
                return CursorsSeeLaterWritesEngine.this.get(keyspace, key);
            }

            @Override
            public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
                return CursorsSeeLaterWritesEngine.this.cursor(keyspace, scan);
            }

            @Override
            public void close() {
            }
        };
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        return new LiveCursor(keyspace, scan);
    }

    /** Re-reads the live engine from where it stands on every move. */
    private final class LiveCursor implements EngineCursor {
        private final EngineKeyspace keyspace;
        private final ScanSpec scan;
        /** Where the next move continues from, and whether an entry at exactly that key is skipped. */
        private byte[] from;
        private boolean skipFrom;
        private boolean done;
        private byte[] key;
        private byte[] value;

        LiveCursor(EngineKeyspace keyspace, ScanSpec scan) {
            this.keyspace = keyspace;
            this.scan = scan;
        }

        @Override
        public boolean next() {
            if (done) {
                return false;
            }
            try (EngineCursor c = delegate().cursor(keyspace, scan)) {
                if (from != null) {
                    c.seek(from);
                }
                while (c.next()) {
                    if (skipFrom && Arrays.equals(c.key(), from)) {
                        continue;
                    }
                    key = c.key();
                    value = c.value();
                    from = key;
                    skipFrom = true;
                    return true;
                }
            }
            key = null;
            value = null;
            done = true;
            return false;
        }

        @Override
        public byte[] key() {
            return key;
        }

        @Override
        public byte[] value() {
            return value;
        }

        @Override
        public void seek(byte[] target) {
            from = target;
            skipFrom = false;
            done = false;
            key = null;
            value = null;
        }

        @Override
        public void close() {
            done = true;
        }
    }
}
