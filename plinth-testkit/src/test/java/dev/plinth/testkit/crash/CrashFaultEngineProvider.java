package dev.plinth.testkit.crash;

import dev.plinth.Capabilities;
import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.StorageIOException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineProvider;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.util.Locale;
import java.util.Map;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test engine {@code crashfault:NAME?fault=F}: an engine that claims persistence and fails in one chosen way,
 * so that tests can drive the {@link CrashHarness}'s own failure paths without a real persistent engine.
 * Thread-safe.
 *
 * <p>It is the {@code mem} engine shared by every open of {@code NAME} in one JVM (closing leaves the data
 * for the next open), with capabilities that say {@code persistent} and honour every durability. Nothing
 * survives into another JVM: the harness's child writes into its own memory, which is all these tests
 * need, since each fault ends the run before a check would look for the child's writes.
 *
 * <p>The faults ({@link Fault}): those named {@code child...} act only in a JVM started with
 * {@code -D}{@value #CHILD_PROPERTY}{@code =true} (pass it with {@link CrashHarness#jvmArgs(String...)}),
 * so that the harness's own open before the first cycle succeeds; {@code reopen} and {@code read} act on
 * every open of {@code NAME} in this JVM after its first, which in the harness's JVM is the reopen after
 * the first kill, and in the child never happens.
 */
public final class CrashFaultEngineProvider implements EngineProvider {
    /** The scheme. */
    public static final String SCHEME = "crashfault";
    /** The system property that marks the harness's child JVM. */
    public static final String CHILD_PROPERTY = "plinth.crashfault.child";
    /** The exit status of a child halted by {@link Fault#CHILD_EXIT}. */
    public static final int CHILD_EXIT_STATUS = 3;

    /** What goes wrong. */
    public enum Fault {
        /** Nothing: a well-behaved (if forgetful across JVMs) store. */
        NONE,
        /** Opening fails in the child, before it gets ready. */
        CHILD_OPEN,
        /** Opening never returns in the child, so it never gets ready. */
        CHILD_STALL,
        /** The child halts with {@link #CHILD_EXIT_STATUS} at its first write, after it got ready. */
        CHILD_EXIT,
        /** Every open after the first in this JVM fails, as a store left unrecoverable by a crash would. */
        REOPEN,
        /** Every cursor of an open after the first in this JVM fails, as a damaged block would. */
        READ;

        /** The URI parameter's value, e.g. {@code childOpen}. */
        String param() {
            StringBuilder sb = new StringBuilder();
            boolean upper = false;
            for (char c : name().toLowerCase(Locale.ROOT).toCharArray()) {
                if (c == '_') {
                    upper = true;
                } else {
                    sb.append(upper ? Character.toUpperCase(c) : c);
                    upper = false;
                }
            }
            return sb.toString();
        }
    }

    /** The shared engines, by location; each open count is what tells the first open from later ones. */
    private static final Map<String, Shared> STORES = new ConcurrentHashMap<>();

    private record Shared(Engine engine, AtomicInteger opens) {
    }

    /** Found by {@link ServiceLoader}. */
    public CrashFaultEngineProvider() {
    }

    /**
     * The URI of a store with a fault.
     *
     * @param name the store's name, unique per test
     * @param fault the fault
     * @return {@code crashfault:NAME?fault=F}
     */
    public static String uri(String name, Fault fault) {
        return SCHEME + ":" + name + "?fault=" + fault.param();
    }

    /**
     * Forgets a store, so that its name can start afresh.
     *
     * @param name the store's name
     */
    public static void forget(String name) {
        Shared s = STORES.remove(name);
        if (s != null) {
            s.engine.close();
        }
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Engine open(EngineConfig config) {
        config.requireKnownParams(Set.of("fault"));
        String param = config.param("fault", Fault.NONE.param());
        Fault fault = null;
        for (Fault f : Fault.values()) {
            if (f.param().equals(param)) {
                fault = f;
            }
        }
        if (fault == null) {
            throw new IllegalArgumentException("unknown fault '" + param + "' in " + config.uri());
        }
        boolean child = Boolean.getBoolean(CHILD_PROPERTY);
        if (child && fault == Fault.CHILD_OPEN) {
            throw new StorageIOException("open " + config.uri() + ": injected failure to open in the child");
        }
        if (child && fault == Fault.CHILD_STALL) {
            stallForever();
        }
        Shared shared = STORES.computeIfAbsent(config.location(), name -> new Shared(memEngine(config), new AtomicInteger()));
        boolean reopened = shared.opens.incrementAndGet() > 1;
        if (reopened && fault == Fault.REOPEN) {
            throw new StorageIOException("open " + config.uri() + ": injected failure to recover after the crash");
        }
        return new FaultyEngine(shared.engine, config.uri(), child && fault == Fault.CHILD_EXIT,
                reopened && fault == Fault.READ);
    }

    /** Blocks until the harness kills this JVM; interrupts are ignored because nothing here would use one. */
    private static void stallForever() {
        CountDownLatch never = new CountDownLatch(1);
        while (true) {
            try {
                never.await();
            } catch (InterruptedException e) {
                // keep stalling: the point is that open never returns
            }
        }
    }

    private static Engine memEngine(EngineConfig config) {
        for (EngineProvider p : ServiceLoader.load(EngineProvider.class)) {
            if (p.scheme().equals("mem")) {
                return p.open(new EngineConfig("mem:", "mem", "", Map.of(), config.clock()));
            }
        }
        throw new IllegalStateException("no mem engine on the class path");
    }

    /** The shared mem engine seen through one open, with its fault. */
    private static final class FaultyEngine extends ForwardingEngine {
        private final String uri;
        private final boolean exitAtFirstWrite;
        private final boolean failReads;
        private final Capabilities capabilities;

        FaultyEngine(Engine shared, String uri, boolean exitAtFirstWrite, boolean failReads) {
            super(shared);
            this.uri = uri;
            this.exitAtFirstWrite = exitAtFirstWrite;
            this.failReads = failReads;
            this.capabilities = shared.capabilities().toBuilder().persistent(true)
                    .durabilities(Durability.NONE, Durability.PROCESS, Durability.SYNC).build();
        }

        @Override
        public Capabilities capabilities() {
            return capabilities;
        }

        @Override
        public boolean apply(EngineBatch batch) {
            if (exitAtFirstWrite) {
                // halt, not exit: a crash, with no shutdown hooks and no flushing
                Runtime.getRuntime().halt(CHILD_EXIT_STATUS);
            }
            return super.apply(batch);
        }

        @Override
        public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
            EngineCursor c = super.cursor(keyspace, scan);
            return failReads ? new DamagedCursor(c, uri, keyspace.name()) : c;
        }

        @Override
        public void close() {
            // the shared engine keeps the data for the next open, as files on disk would
        }
    }

    /** A cursor whose every step fails with {@link CorruptionException}. */
    private record DamagedCursor(EngineCursor inner, String uri, String keyspace) implements EngineCursor {
        @Override
        public boolean next() {
            throw new CorruptionException("scan of keyspace '" + keyspace + "' of " + uri
                    + ": injected checksum mismatch");
        }

        @Override
        public byte[] key() {
            throw new IllegalStateException("no current entry");
        }

        @Override
        public byte[] value() {
            throw new IllegalStateException("no current entry");
        }

        @Override
        public void seek(byte[] key) {
            inner.seek(key);
        }

        @Override
        public void close() {
            inner.close();
        }
    }
}
