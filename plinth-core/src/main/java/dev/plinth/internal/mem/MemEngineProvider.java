package dev.plinth.internal.mem;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import java.util.Set;

/**
 * Serves the {@code mem:} scheme. The location is ignored: every open makes a new, empty, independent
 * store. No parameters are accepted. Thread-safe and stateless.
 */
public final class MemEngineProvider implements EngineProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "mem";

    /** Makes the provider; found by {@link java.util.ServiceLoader}. */
    public MemEngineProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "mem: in-memory engine; each open is a new, empty store and nothing persists";
    }

    @Override
    public Engine open(EngineConfig config) {
        config.requireKnownParams(Set.of());
        return new MemEngine(config.uri());
    }
}
