package dev.plinth.cli;

import dev.plinth.Capabilities;
import dev.plinth.CorruptionException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineProvider;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Test engine {@code testmem:NAME}: an in-memory store that outlives the command that opened it, so that
 * one command's writes are there for the next command in the same JVM, the way a file-system engine's
 * are across processes; so its capabilities say it is persistent. Backed by the {@code mem} engine; closing a store leaves its data in place until
 * {@link #reset()}. A keyspace can be made to fail like damaged storage ({@link #damage(String, String)}).
 */
public final class SharedMemEngineProvider implements EngineProvider {
    /** The scheme. */
    public static final String SCHEME = "testmem";

    private static final Map<String, Engine> STORES = new ConcurrentHashMap<>();
    /** {@code store/keyspace} names whose cursors fail with {@link CorruptionException}. */
    private static final Set<String> DAMAGED = ConcurrentHashMap.newKeySet();
    /** Per store, how many more batches apply before one fails ({@link #failApply}). */
    private static final Map<String, java.util.concurrent.atomic.AtomicInteger> FAILING_APPLY =
            new ConcurrentHashMap<>();
    /** Per store, what the engine's own check throws ({@link #failVerify}). */
    private static final Map<String, RuntimeException> FAILING_VERIFY = new ConcurrentHashMap<>();

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
        String store = config.location();
        return new ForwardingEngine(engine) {
            /** Its data outlives the command, which is what persistent means to the commands. */
            @Override
            public Capabilities capabilities() {
                return super.capabilities().toBuilder().persistent(true).build();
            }

            @Override
            public EngineCursor cursor(EngineKeyspace ks, ScanSpec scan) {
                return damaged(store, ks, super.cursor(ks, scan));
            }

            @Override
            public EngineSnapshot snapshot() {
                EngineSnapshot snap = super.snapshot();
                return new EngineSnapshot() {
                    @Override
                    public long version() {
                        return snap.version();
                    }

                    @Override
                    public byte[] get(EngineKeyspace ks, byte[] key) {
                        return snap.get(ks, key);
                    }

                    @Override
                    public EngineCursor cursor(EngineKeyspace ks, ScanSpec scan) {
                        return damaged(store, ks, snap.cursor(ks, scan));
                    }

                    @Override
                    public void close() {
                        snap.close();
                    }
                };
            }

            @Override
            public boolean apply(dev.plinth.spi.EngineBatch batch) {
                java.util.concurrent.atomic.AtomicInteger left = FAILING_APPLY.get(store);
                if (left != null && left.decrementAndGet() == 0) {
                    throw new dev.plinth.StorageFullException("no space left on testmem:" + store
                            + " (injected by the test)");
                }
                return super.apply(batch);
            }

            @Override
            public java.util.List<String> verify() {
                RuntimeException failure = FAILING_VERIFY.get(store);
                if (failure != null) {
                    throw failure;
                }
                return super.verify();
            }

            @Override
            public void close() {
                // the data stays for the next command
            }
        };
    }

    /**
     * Makes the engine's own check of a store's files ({@code Engine.verify()}) throw, until {@link #reset()}.
     *
     * @param store the location after {@code testmem:}
     * @param failure what it throws
     */
    public static void failVerify(String store, RuntimeException failure) {
        FAILING_VERIFY.put(store, failure);
    }

    /**
     * Makes the {@code nth} batch applied to a store from now on fail with a full disk, once, as if space
     * ran out and was then freed.
     *
     * @param store the location after {@code testmem:}
     * @param nth which batch fails, from 1
     */
    public static void failApply(String store, int nth) {
        FAILING_APPLY.put(store, new java.util.concurrent.atomic.AtomicInteger(nth));
    }

    /**
     * Makes every later cursor over a keyspace fail with {@link CorruptionException} after its first entry,
     * as a damaged block would, until {@link #reset()}.
     *
     * @param store the location after {@code testmem:}
     * @param keyspace the keyspace
     */
    public static void damage(String store, String keyspace) {
        DAMAGED.add(store + "/" + keyspace);
    }

    private static EngineCursor damaged(String store, EngineKeyspace ks, EngineCursor c) {
        if (!DAMAGED.contains(store + "/" + ks.name())) {
            return c;
        }
        return new EngineCursor() {
            private int read;

            @Override
            public boolean next() {
                if (read++ == 1) {
                    throw new CorruptionException("checksum mismatch in block 7 of keyspace '" + ks.name() + "'");
                }
                return c.next();
            }

            @Override
            public byte[] key() {
                return c.key();
            }

            @Override
            public byte[] value() {
                return c.value();
            }

            @Override
            public void seek(byte[] key) {
                c.seek(key);
            }

            @Override
            public void close() {
                c.close();
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
        DAMAGED.clear();
        FAILING_APPLY.clear();
        FAILING_VERIFY.clear();
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
