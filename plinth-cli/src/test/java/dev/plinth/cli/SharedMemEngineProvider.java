package dev.plinth.cli;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import dev.plinth.spi.ForwardingEngine;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test engine {@code testmem:NAME}: an in-memory store that outlives the command that opened it, so that
 * one command's writes are there for the next command in the same JVM, the way a file-system engine's
 * are across processes. Backed by the {@code mem} engine; closing a store leaves its data in place until
 * {@link #reset()}.
 */
public final class SharedMemEngineProvider implements EngineProvider {
    /** The scheme. */
    public static final String SCHEME = "testmem";

    private static final Map<String, Engine> STORES = new ConcurrentHashMap<>();

    /** Found by {@link ServiceLoader}. */
    public SharedMemEngineProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Engine open(EngineConfig config) {
        Engine engine = STORES.computeIfAbsent(config.location(), name -> memEngine(config));
        return new ForwardingEngine(engine) {
            @Override
            public void close() {
                // the data stays for the next command
            }
        };
    }

    /**
     * Whether a store of that name was ever opened since the last reset.
     *
     * @param name the location after {@code testmem:}
     * @return {@code true} if it exists
     */
    public static boolean exists(String name) {
        return STORES.containsKey(name);
    }

    /** Drops every store. */
    public static void reset() {
        STORES.values().forEach(Engine::close);
        STORES.clear();
    }

    private static Engine memEngine(EngineConfig config) {
        for (EngineProvider p : ServiceLoader.load(EngineProvider.class)) {
            if (p.scheme().equals("mem")) {
                return p.open(new EngineConfig("mem:", "mem", "", Map.of(), config.clock()));
            }
        }
        throw new IllegalStateException("no mem engine on the class path");
    }
}
