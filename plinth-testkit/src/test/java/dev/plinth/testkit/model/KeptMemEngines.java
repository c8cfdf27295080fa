package dev.plinth.testkit.model;

import dev.plinth.Capabilities;
import dev.plinth.StoreOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.testkit.StoreFactory;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * In-memory engines that outlive their store, one per directory, so that a reopen finds the data: a
 * stand-in persistent engine for exercising the model tester's reopen steps. Thread-safe.
 */
final class KeptMemEngines implements AutoCloseable {
    private final Map<Path, Engine> kept = new HashMap<>();

    StoreFactory factory() {
        return dir -> StoreOptions.builder("mem:").decorate(fresh -> keep(dir, fresh));
    }

    private synchronized Engine keep(Path dir, Engine fresh) {
        Engine k = kept.get(dir);
        if (k == null) {
            kept.put(dir, fresh);
            k = fresh;
        } else {
            fresh.close();
        }
        return new Kept(k);
    }

    @Override
    public synchronized void close() {
        kept.values().forEach(Engine::close);
        kept.clear();
    }

    /** Declares persistence and leaves the engine open when the store closes. */
    private static final class Kept extends ForwardingEngine {
        private final Capabilities caps;

        Kept(Engine delegate) {
            super(delegate);
            this.caps = delegate.capabilities().toBuilder().persistent(true).build();
        }

        @Override
        public Capabilities capabilities() {
            return caps;
        }

        @Override
        public void close() {
            // the data stays for the next open of the same directory
        }
    }
}
