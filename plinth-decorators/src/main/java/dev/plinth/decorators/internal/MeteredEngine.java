package dev.plinth.decorators.internal;

import dev.plinth.ConflictException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import io.micrometer.core.instrument.Clock;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Function;

/**
 * Counts, errors and latency (with percentiles) of every engine operation, in a Micrometer registry, and
 * optionally per tenant, where the tenant is derived from the key by a function and at most a bound of them
 * are tracked (later ones are counted as {@link #OTHER_TENANT}).
 *
 * <p>Every operation is counted ({@link #COUNT}, exact); its latency is timed ({@link #TIMER}) for one call
 * in {@code latencySampling}, chosen at random, so that the two clock reads and the percentile histogram,
 * which cost a large part of a fast engine's read, are paid on a uniform sample only. With a sampling of 1
 * every call is timed, and the timer's count is the operation count.
 *
 * <p>The engine sees batches, not the public calls that made them, so writes are named by their shape
 * ({@link Op#of(EngineBatch)}). Thread-safe: meters are Micrometer's; tenants are added under
 * {@link #tenantLock}.
 */
public final class MeteredEngine extends ForwardingEngine {
    /** The timer of the sampled operations, tagged {@code op} (and {@code tenant}). */
    public static final String TIMER = "plinth.op";
    /** The count of every operation, exact, tagged {@code op} (and {@code tenant}). */
    public static final String COUNT = "plinth.op.count";
    /**
     * Calls per timed call unless the builder says otherwise. A timed call records into Micrometer's percentile
     * histogram, one HdrHistogram recorder per slot of its time window, which over {@code mem:} costs several
     * times the rest of the decorator; at one call in this many that is about a percent of a read. At 10,000
     * calls a second it still times some 19,000 calls in the two minutes a percentile covers.
     */
    public static final int DEFAULT_LATENCY_SAMPLING = 64;
    /** The start time of a call that is not timed. */
    private static final long NOT_TIMED = Long.MIN_VALUE;
    /** Failed operations, tagged {@code op}, {@code exception} (and {@code tenant}). */
    public static final String ERRORS = "plinth.op.errors";
    /** Conditional batches whose preconditions failed, or that threw a conflict, tagged {@code op}. */
    public static final String CONFLICTS = "plinth.op.conflicts";
    /** Entries returned by cursors. */
    public static final String SCANNED = "plinth.scan.entries";
    /** The tenant every untracked tenant is counted as. */
    public static final String OTHER_TENANT = "other";
    /** The percentiles every timer publishes. */
    static final double[] PERCENTILES = {0.5, 0.95, 0.99, 0.999};

    /** What an engine call is, by its shape. */
    public enum Op {
        /** A point read. */
        GET,
        /** A cursor opened (its time is the open; entries are counted in {@link #SCANNED}). */
        SCAN,
        /** A snapshot taken. */
        SNAPSHOT,
        /** A batch of one put and no preconditions. */
        PUT,
        /** A batch of one delete and no preconditions. */
        DELETE,
        /** A batch of one range delete and no preconditions. */
        DELETE_RANGE,
        /** Any other batch without preconditions. */
        BATCH,
        /** A conditional batch about one key: only value conditions on it and at most one write of it. */
        CAS,
        /** Any other conditional batch: transaction commits and checked write batches. */
        COMMIT,
        /** A batch that only reclaims expired entries. */
        RECLAIM,
        /** {@link Engine#flush()}. */
        FLUSH,
        /** {@link Engine#compact()}. */
        COMPACT;

        /** The tag value: lower case, as in {@code delete_range}. */
        final String tag = name().toLowerCase(Locale.ROOT);

        /**
         * Names a batch by its shape.
         *
         * @param batch the batch
         * @return its operation
         */
        public static Op of(EngineBatch batch) {
            if (batch.reclaimsOnly()) {
                return RECLAIM;
            }
            var ms = batch.mutations();
            if (batch.preconditions().isEmpty()) {
                if (ms.size() != 1) {
                    return BATCH;
                }
                return switch (ms.get(0).kind()) {
                    case PUT -> PUT;
                    case DELETE -> DELETE;
                    case DELETE_RANGE -> DELETE_RANGE;
                };
            }
            byte[] key = null;
            for (EngineBatch.Precondition p : batch.preconditions()) {
                if (!(p instanceof EngineBatch.ValueEquals v) || (key != null && !Arrays.equals(key, v.key()))) {
                    return COMMIT;
                }
                key = v.key();
            }
            if (ms.size() > 1 || (ms.size() == 1 && (ms.get(0).kind() == EngineBatch.MutationKind.DELETE_RANGE
                    || !Arrays.equals(ms.get(0).key(), key)))) {
                return COMMIT;
            }
            return CAS;
        }
    }

    private final MeterRegistry registry;
    private final Clock clock;
    private final Function<byte[], String> tenantOf;
    private final int maxTenants;
    private final int latencySampling;
    private final Meters untagged;
    private final LongAdder errorCount = new LongAdder();
    private final LongAdder conflictCount = new LongAdder();

    /** Guards adding to {@link #tenants}, so that it never holds more than {@link #maxTenants} + 1. */
    private final Object tenantLock = new Object();
    private final Map<String, Meters> tenants = new ConcurrentHashMap<>();

    /**
     * Wraps an engine.
     *
     * @param delegate the engine
     * @param registry where the meters go
     * @param tenantOf the tenant of a key, or {@code null} for no per-tenant breakdown; a {@code null} result
     *     counts as {@link #OTHER_TENANT}
     * @param maxTenants how many tenants get their own meters, besides {@link #OTHER_TENANT}
     * @param latencySampling one call in this many is timed, 1 or more
     */
    public MeteredEngine(Engine delegate, MeterRegistry registry, Function<byte[], String> tenantOf, int maxTenants,
            int latencySampling) {
        super(delegate);
        if (maxTenants < 0) {
            throw new IllegalArgumentException("the tenant bound must be 0 or more, got " + maxTenants);
        }
        if (latencySampling < 1) {
            throw new IllegalArgumentException("the latency sampling must be 1 or more, got " + latencySampling);
        }
        this.registry = registry;
        this.clock = registry.config().clock();
        this.tenantOf = tenantOf;
        this.maxTenants = maxTenants;
        this.latencySampling = latencySampling;
        this.untagged = tenantOf == null ? new Meters(registry, null) : null;
    }

    /** The clock now if this call is in the latency sample, else {@link #NOT_TIMED}. */
    private long start() {
        if (latencySampling == 1 || ThreadLocalRandom.current().nextInt(latencySampling) == 0) {
            return clock.monotonicTime();
        }
        return NOT_TIMED;
    }

    /** The meters of a key's tenant: its own while fewer than the bound are tracked, else "other". */
    private Meters meters(byte[] key) {
        if (tenantOf == null) {
            return untagged;
        }
        String tenant = key == null ? null : tenantOf.apply(key);
        if (tenant == null) {
            tenant = OTHER_TENANT;
        }
        Meters m = tenants.get(tenant);
        if (m != null) {
            return m;
        }
        synchronized (tenantLock) {
            m = tenants.get(tenant);
            if (m == null) {
                boolean full = tenants.size() - (tenants.containsKey(OTHER_TENANT) ? 1 : 0) >= maxTenants;
                String name = full ? OTHER_TENANT : tenant;
                m = tenants.computeIfAbsent(name, t -> new Meters(registry, t));
            }
            return m;
        }
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        Meters m = meters(key);
        long start = start();
        try {
            byte[] v = super.get(keyspace, key);
            done(m, Op.GET, start);
            return v;
        } catch (RuntimeException e) {
            failed(m, Op.GET, start, e);
            throw e;
        }
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        Meters m = meters(scan.reverse() ? scan.end() : scan.start());
        long start = start();
        try {
            EngineCursor c = super.cursor(keyspace, scan);
            done(m, Op.SCAN, start);
            return new CountingCursor(c, m.scanned);
        } catch (RuntimeException e) {
            failed(m, Op.SCAN, start, e);
            throw e;
        }
    }

    @Override
    public EngineSnapshot snapshot() {
        Meters m = meters(null);
        long start = start();
        try {
            EngineSnapshot s = super.snapshot();
            done(m, Op.SNAPSHOT, start);
            return s;
        } catch (RuntimeException e) {
            failed(m, Op.SNAPSHOT, start, e);
            throw e;
        }
    }

    @Override
    public boolean apply(EngineBatch batch) {
        Op op = Op.of(batch);
        Meters m = meters(batch.mutations().isEmpty() ? null : batch.mutations().get(0).key());
        long start = start();
        try {
            boolean applied = super.apply(batch);
            done(m, op, start);
            if (!applied) {
                m.conflicts[op.ordinal()].increment();
                conflictCount.increment();
            }
            return applied;
        } catch (ConflictException e) {
            m.conflicts[op.ordinal()].increment();
            conflictCount.increment();
            failed(m, op, start, e);
            throw e;
        } catch (RuntimeException e) {
            failed(m, op, start, e);
            throw e;
        }
    }

    @Override
    public void flush() {
        Meters m = meters(null);
        long start = start();
        try {
            super.flush();
            done(m, Op.FLUSH, start);
        } catch (RuntimeException e) {
            failed(m, Op.FLUSH, start, e);
            throw e;
        }
    }

    @Override
    public void compact() {
        Meters m = meters(null);
        long start = start();
        try {
            super.compact();
            done(m, Op.COMPACT, start);
        } catch (RuntimeException e) {
            failed(m, Op.COMPACT, start, e);
            throw e;
        }
    }

    private void done(Meters m, Op op, long start) {
        m.counts[op.ordinal()].increment();
        m.published[op.ordinal()].increment();
        if (start != NOT_TIMED) {
            m.timers[op.ordinal()].record(clock.monotonicTime() - start, TimeUnit.NANOSECONDS);
        }
    }

    private void failed(Meters m, Op op, long start, RuntimeException e) {
        done(m, op, start);
        errorCount.increment();
        Counter.builder(ERRORS).tag("op", op.tag).tag("exception", e.getClass().getSimpleName())
                .tags(m.tenant == null ? new String[0] : new String[] {"tenant", m.tenant})
                .register(registry).increment();
    }

    /**
     * Counters under {@code metrics.*}: {@code metrics.<op>} for each operation, {@code metrics.errors},
     * {@code metrics.conflicts}, {@code metrics.tenants}; then the delegate's.
     */
    @Override
    public Map<String, Long> stats() {
        Map<String, Long> out = new HashMap<>(delegate().stats());
        for (Op op : Op.values()) {
            long n = 0;
            if (untagged != null) {
                n = untagged.counts[op.ordinal()].sum();
            } else {
                for (Meters m : tenants.values()) {
                    n += m.counts[op.ordinal()].sum();
                }
            }
            out.put("metrics." + op.tag, n);
        }
        out.put("metrics.errors", errorCount.sum());
        out.put("metrics.conflicts", conflictCount.sum());
        out.put("metrics.tenants", (long) tenants.size());
        return out;
    }

    /** Test hook: the tenants tracked now, {@link #OTHER_TENANT} included once used. */
    java.util.Set<String> trackedTenants() {
        return java.util.Set.copyOf(tenants.keySet());
    }

    /** One tenant's meters (or the only ones, without a breakdown). */
    private static final class Meters {
        final String tenant;
        final Timer[] timers = new Timer[Op.values().length];
        /** This engine's counts, for its stats; {@link #published} may be shared with other engines. */
        final LongAdder[] counts = new LongAdder[Op.values().length];
        final Counter[] published = new Counter[Op.values().length];
        final Counter[] conflicts = new Counter[Op.values().length];
        final Counter scanned;

        Meters(MeterRegistry registry, String tenant) {
            this.tenant = tenant;
            String[] tags = tenant == null ? new String[0] : new String[] {"tenant", tenant};
            for (Op op : Op.values()) {
                timers[op.ordinal()] = Timer.builder(TIMER).tag("op", op.tag).tags(tags)
                        .publishPercentiles(PERCENTILES).register(registry);
                counts[op.ordinal()] = new LongAdder();
                published[op.ordinal()] = Counter.builder(COUNT).tag("op", op.tag).tags(tags).register(registry);
                conflicts[op.ordinal()] = Counter.builder(CONFLICTS).tag("op", op.tag).tags(tags).register(registry);
            }
            scanned = Counter.builder(SCANNED).tags(tags).register(registry);
        }
    }

    /** Counts the entries a cursor returns. Not thread-safe, as cursors are not. */
    private static final class CountingCursor implements EngineCursor {
        private final EngineCursor delegate;
        private final Counter scanned;

        CountingCursor(EngineCursor delegate, Counter scanned) {
            this.delegate = delegate;
            this.scanned = scanned;
        }

        @Override
        public boolean next() {
            boolean on = delegate.next();
            if (on) {
                scanned.increment();
            }
            return on;
        }

        @Override
        public byte[] key() {
            return delegate.key();
        }

        @Override
        public byte[] value() {
            return delegate.value();
        }

        @Override
        public void seek(byte[] key) {
            delegate.seek(key);
        }

        @Override
        public void close() {
            delegate.close();
        }
    }
}
