package dev.plinth.rocksdb;

import dev.plinth.Durability;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import dev.plinth.spi.ForwardingEngine;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Test engine {@code brokenrocksdb:/path?bug=B}: the real RocksDB engine with one deliberate durability bug,
 * for proving that the crash harness catches such bugs. Thread-safe. Each bug shows only when the process is
 * killed; a store closed normally loses nothing, so ordinary tests would pass. The bugs ({@code bug=}):
 *
 * <ul>
 *   <li>{@value #LAG}: acknowledges {@code PROCESS} and {@code SYNC} writes at once but hands each to RocksDB
 *       only after {@link #LAG_WRITES} later ones, so a kill loses the last acknowledged writes. (Reads do
 *       not see the held writes either; the crash workload never reads.)
 *   <li>{@value #TORN_BATCH}: applies the first half of every batch of two or more writes at once and the
 *       second half only after the first half of the next such batch, so a kill after the first such batch
 *       always leaves one or two batches half applied.
 *   <li>{@value #CORRUPT_ON_REOPEN}: on every open of a directory after the first in this JVM, first
 *       overwrites RocksDB's {@code CURRENT} file with garbage, as if the crash had damaged the store; in
 *       the harness's JVM that is the reopen after the first kill.
 * </ul>
 */
public final class BrokenRocksDbEngineProvider implements EngineProvider {
    /** The scheme. */
    public static final String SCHEME = "brokenrocksdb";
    /** The bug that acknowledges writes before RocksDB has them. */
    public static final String LAG = "lag";
    /** The bug that applies batches in two halves. */
    public static final String TORN_BATCH = "tornBatch";
    /** The bug that damages the store before reopening it. */
    public static final String CORRUPT_ON_REOPEN = "corruptOnReopen";
    /** How many acknowledged writes {@value #LAG} holds back. */
    public static final int LAG_WRITES = 20;
    /** What {@value #CORRUPT_ON_REOPEN} writes into {@code CURRENT}: no newline, no manifest name. */
    static final String GARBAGE = "not a manifest name";

    /** Opens per directory in this JVM, which is what tells {@value #CORRUPT_ON_REOPEN} a reopen. */
    private static final Map<Path, AtomicInteger> OPENS = new ConcurrentHashMap<>();

    /** Found by {@link java.util.ServiceLoader}. */
    public BrokenRocksDbEngineProvider() {
    }

    /**
     * The URI of a store in {@code dir} with a bug.
     *
     * @param dir the store's directory
     * @param bug one of {@value #LAG}, {@value #TORN_BATCH}, {@value #CORRUPT_ON_REOPEN}
     * @return the URI
     */
    public static String uri(Path dir, String bug) {
        return SCHEME + ":" + dir + "?bug=" + bug;
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public Engine open(EngineConfig config) {
        Map<String, String> params = new HashMap<>(config.params());
        String bug = params.remove("bug");
        if (bug == null || !List.of(LAG, TORN_BATCH, CORRUPT_ON_REOPEN).contains(bug)) {
            throw new IllegalArgumentException(config.uri() + " needs bug=" + LAG + ", " + TORN_BATCH + " or "
                    + CORRUPT_ON_REOPEN + ", got " + bug);
        }
        Path dir = Path.of(config.location()).toAbsolutePath().normalize();
        if (bug.equals(CORRUPT_ON_REOPEN) && OPENS.computeIfAbsent(dir, d -> new AtomicInteger()).incrementAndGet() > 1) {
            try {
                Files.writeString(dir.resolve("CURRENT"), GARBAGE, StandardCharsets.US_ASCII);
            } catch (IOException e) {
                throw new UncheckedIOException("cannot damage " + dir.resolve("CURRENT"), e);
            }
        }
        Engine rocks = new RocksDbEngineProvider().open(new EngineConfig(RocksDbEngineProvider.SCHEME + ":"
                + config.location(), RocksDbEngineProvider.SCHEME, config.location(), params, config.clock(),
                config.createIfMissing()));
        return switch (bug) {
            case LAG -> new LaggingEngine(rocks);
            case TORN_BATCH -> new TornBatchEngine(rocks);
            default -> rocks;
        };
    }

    /** Holds each {@code PROCESS} or {@code SYNC} batch back until {@link #LAG_WRITES} more have come. */
    private static final class LaggingEngine extends ForwardingEngine {
        private final Object lock = new Object();
        /** Acknowledged batches RocksDB does not have yet, oldest first; guarded by {@link #lock}. */
        private final ArrayDeque<EngineBatch> held = new ArrayDeque<>();

        LaggingEngine(Engine rocks) {
            super(rocks);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            synchronized (lock) {
                // Conditional and NONE batches go straight through, after what is held, so that order and
                // the precondition check stay right: the bug is only the lie about durable writes.
                if (batch.durability() == Durability.NONE || !batch.preconditions().isEmpty()) {
                    releaseLocked(0);
                    return super.apply(batch);
                }
                held.addLast(batch);
                releaseLocked(LAG_WRITES);
                return true;
            }
        }

        private void releaseLocked(int keep) {
            while (held.size() > keep) {
                super.apply(held.removeFirst());
            }
        }

        @Override
        public void flush() {
            synchronized (lock) {
                releaseLocked(0);
            }
            super.flush();
        }

        @Override
        public void close() {
            synchronized (lock) {
                releaseLocked(0);
            }
            super.close();
        }
    }

    /**
     * Applies each batch of two or more writes in two halves: the first at once, the second after the first
     * half of the next such batch.
     */
    private static final class TornBatchEngine extends ForwardingEngine {
        private final Object lock = new Object();
        /** The second half of the last split batch, not yet applied, or {@code null}; guarded by {@link #lock}. */
        private EngineBatch pending;

        TornBatchEngine(Engine rocks) {
            super(rocks);
        }

        @Override
        public boolean apply(EngineBatch batch) {
            synchronized (lock) {
                int n = batch.mutations().size();
                if (n < 2 || !batch.preconditions().isEmpty()) {
                    // A conditional batch first needs the state the caller was promised, so it completes the
                    // split one; a single write may overtake it, which is what leaves the torn batch visible.
                    if (!batch.preconditions().isEmpty()) {
                        completeLocked();
                    }
                    return super.apply(batch);
                }
                // The new first half goes in before the old second half, so that from the first split batch
                // on there is no moment at which a kill finds every batch whole.
                super.apply(slice(batch, 0, n / 2));
                completeLocked();
                pending = slice(batch, n / 2, n);
                return true;
            }
        }

        private void completeLocked() {
            if (pending != null) {
                super.apply(pending);
                pending = null;
            }
        }

        private static EngineBatch slice(EngineBatch batch, int from, int to) {
            EngineBatch.Builder b = EngineBatch.builder(batch.durability());
            for (EngineBatch.Mutation m : batch.mutations().subList(from, to)) {
                switch (m.kind()) {
                    case PUT -> b.put(m.keyspace(), m.key(), m.value());
                    case DELETE -> b.delete(m.keyspace(), m.key());
                    case DELETE_RANGE -> b.deleteRange(m.keyspace(), m.key(), m.end());
                    default -> throw new IllegalArgumentException("unknown mutation kind " + m.kind());
                }
            }
            return b.build();
        }

        @Override
        public void flush() {
            synchronized (lock) {
                completeLocked();
            }
            super.flush();
        }

        @Override
        public void close() {
            synchronized (lock) {
                completeLocked();
            }
            super.close();
        }
    }
}
