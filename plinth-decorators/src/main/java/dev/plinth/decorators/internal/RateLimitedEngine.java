package dev.plinth.decorators.internal;

import dev.plinth.ConflictException;
import dev.plinth.RateLimitedException;
import dev.plinth.decorators.RateLimits;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import io.github.bucket4j.Bucket;
import io.github.bucket4j.local.SynchronizationStrategy;
import io.github.bucket4j.TimeMeter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Token buckets (Bucket4j) per tenant and global, for reads and writes separately, as {@link RateLimits}
 * describes. Thread-safe: buckets are Bucket4j's synchronized local buckets; a global bucket that is the only
 * one of its direction, with no waiting, is taken from through a {@link CreditedBucket}, which spares most
 * calls the bucket's lock and clock read; the tenant buckets sit in an access-ordered map guarded by
 * {@link #tenantLock}, which evicts the least recently used past the bound.
 *
 * <p>A batch that applied nothing gives its write tokens back (see {@link #apply}).
 */
public final class RateLimitedEngine extends ForwardingEngine {
    private final RateLimits limits;
    private final String name;
    private final TimeMeter time;
    private final long maxWaitNanos;
    private final Bucket globalReads;
    private final Bucket globalWrites;
    /**
     * In front of {@link #globalReads} when it is the only read bucket and calls do not wait (the common case),
     * else {@code null}; then every read token is taken through it.
     */
    private final CreditedBucket readCredit;
    /** As {@link #readCredit}, for {@link #globalWrites}. */
    private final CreditedBucket writeCredit;
    private final LongAdder refusedReads = new LongAdder();
    private final LongAdder refusedWrites = new LongAdder();

    /** Guards {@link #tenants}. */
    private final Object tenantLock = new Object();
    private final LinkedHashMap<String, Bucket[]> tenants;

    /**
     * Wraps an engine.
     *
     * @param delegate the engine
     * @param name the store's name, for messages
     * @param limits the settings
     */
    public RateLimitedEngine(Engine delegate, String name, RateLimits limits) {
        super(delegate);
        this.limits = limits;
        this.name = name;
        this.maxWaitNanos = limits.maxWait().toNanos();
        this.time = new TimeMeter() {
            @Override
            public long currentTimeNanos() {
                return limits.nanoClock().getAsLong();
            }

            @Override
            public boolean isWallClockBased() {
                return false;
            }
        };
        this.globalReads = bucket(limits.globalReads());
        this.globalWrites = bucket(limits.globalWrites());
        this.readCredit = globalReads != null && limits.tenantReads() == 0 && maxWaitNanos == 0
                ? new CreditedBucket(globalReads, limits.globalReads()) : null;
        this.writeCredit = globalWrites != null && limits.tenantWrites() == 0 && maxWaitNanos == 0
                ? new CreditedBucket(globalWrites, limits.globalWrites()) : null;
        int max = limits.maxTenants();
        this.tenants = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Bucket[]> eldest) {
                return size() > max;
            }
        };
    }

    private Bucket bucket(long perSecond) {
        if (perSecond == 0) {
            return null;
        }
        // Synchronized rather than Bucket4j's default lock-free strategy: the lock-free one copies the bucket's
        // state on every tryConsume, an allocation per call that the synchronized one does not make.
        return Bucket.builder()
                .addLimit(l -> l.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(time)
                .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
                .build();
    }

    /** A tenant's [reads, writes] buckets, made or refreshed as most recently used. */
    private Bucket[] tenant(String tenant) {
        synchronized (tenantLock) {
            return tenants.computeIfAbsent(tenant,
                    t -> new Bucket[] {bucket(limits.tenantReads()), bucket(limits.tenantWrites())});
        }
    }

    private String tenantOf(byte[] key) {
        return limits.tenantOf() == null || key == null ? null : limits.tenantOf().apply(key);
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        if (!tookReadAlone()) {
            read(key, () -> "a read of key " + Keys.show(key) + " in keyspace " + keyspace.name());
        }
        return super.get(keyspace, key);
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        if (!tookReadAlone()) {
            read(scan.reverse() ? scan.end() : scan.start(), () -> "a scan of keyspace " + keyspace.name());
        }
        return super.cursor(keyspace, scan);
    }

    @Override
    public EngineSnapshot snapshot() {
        EngineSnapshot s = super.snapshot();
        return new EngineSnapshot() {
            @Override
            public byte[] get(EngineKeyspace keyspace, byte[] key) {
                if (!tookReadAlone()) {
                    read(key, () -> "a snapshot read of key " + Keys.show(key) + " in keyspace " + keyspace.name());
                }
                return s.get(keyspace, key);
            }

            @Override
            public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
                if (!tookReadAlone()) {
                    read(scan.reverse() ? scan.end() : scan.start(),
                            () -> "a snapshot scan of keyspace " + keyspace.name());
                }
                return s.cursor(keyspace, scan);
            }

            @Override
            public long version() {
                return s.version();
            }

            @Override
            public void close() {
                s.close();
            }
        };
    }

    /**
     * Takes the batch's write tokens, then applies it; a batch that applied nothing (a precondition failed, or
     * the engine reported a conflict) gives them back. Core tries a conditional batch blind first and, when
     * the blind try's preconditions fail, evaluates and applies it again, and a transaction whose commit
     * conflicts is run again: without the give-back each of those tries would take the batch's tokens anew,
     * though only one of them writes.
     */
    @Override
    public boolean apply(EngineBatch batch) {
        if (batch.reclaimsOnly()) {
            return super.apply(batch);
        }
        List<Take> takes = null;
        long credited = 0;
        if (writeCredit != null) {
            credited = globalWriteTokens(batch);
            if (!writeCredit.tryTake(credited)) {
                refuse(new Take(null, credited, limits.globalWrites(), "writes", null), () -> describe(batch),
                        refusedWrites);
            }
        } else {
            takes = write(batch);
        }
        boolean applied;
        try {
            applied = super.apply(batch);
        } catch (ConflictException e) {
            giveBackWrite(takes, credited);
            throw e;
        }
        if (!applied) {
            giveBackWrite(takes, credited);
        }
        return applied;
    }

    /** Gives back what {@link #apply} took for a batch: {@code takes}, or {@code credited} global tokens. */
    private void giveBackWrite(List<Take> takes, long credited) {
        if (takes != null) {
            giveBack(takes, takes.size());
        } else if (credited > 0) {
            writeCredit.giveBack(credited);
        }
    }

    /**
     * The common case, without a list or a message: a read took its token through {@link #readCredit}, or
     * reads are not limited. {@code false} means {@link #read} must decide (and may refuse).
     */
    private boolean tookReadAlone() {
        if (readCredit != null) {
            return readCredit.tryTake(1);
        }
        return globalReads == null && limits.tenantReads() == 0;
    }

    /** The global write tokens a batch takes: one per mutation, at most the bucket's capacity. */
    private long globalWriteTokens(EngineBatch batch) {
        return Math.min(Math.max(1, batch.mutations().size()), limits.globalWrites());
    }

    private void read(byte[] key, Supplier<String> what) {
        if (readCredit != null) { // it had no token for this read
            refuse(new Take(null, 1, limits.globalReads(), "reads", null), what, refusedReads);
        }
        String tenant = limits.tenantReads() > 0 ? tenantOf(key) : null;
        if (globalReads == null && tenant == null) {
            return;
        }
        List<Take> takes = new ArrayList<>(2);
        takes.add(new Take(globalReads, 1, limits.globalReads(), "reads", null));
        if (tenant != null) {
            takes.add(new Take(tenant(tenant)[0], 1, limits.tenantReads(), "reads", tenant));
        }
        take(takes, what, refusedReads);
    }

    /** Takes a batch's write tokens, all or none; returns what it took, {@code null} if there are no write limits. */
    private List<Take> write(EngineBatch batch) {
        if (globalWrites == null && limits.tenantWrites() == 0) {
            return null;
        }
        List<Take> takes = new ArrayList<>(2);
        takes.add(new Take(globalWrites, Math.max(1, batch.mutations().size()), limits.globalWrites(), "writes",
                null));
        if (limits.tenantWrites() > 0) {
            Map<String, Integer> perTenant = new HashMap<>();
            for (EngineBatch.Mutation m : batch.mutations()) {
                String t = tenantOf(m.key());
                if (t != null) {
                    perTenant.merge(t, 1, Integer::sum);
                }
            }
            for (Map.Entry<String, Integer> e : perTenant.entrySet()) {
                takes.add(new Take(tenant(e.getKey())[1], e.getValue(), limits.tenantWrites(), "writes", e.getKey()));
            }
        }
        take(takes, () -> describe(batch), refusedWrites);
        return takes;
    }

    private static String describe(EngineBatch batch) {
        EngineBatch.Mutation first = batch.mutations().isEmpty() ? null : batch.mutations().get(0);
        return first == null ? "an empty write"
                : batch.mutations().size() == 1
                ? "a write of key " + Keys.show(first.key()) + " in keyspace " + first.keyspace().name()
                : "a batch of " + batch.mutations().size() + " writes starting with key " + Keys.show(first.key())
                        + " in keyspace " + first.keyspace().name();
    }

    /** Takes every amount or none: what was taken before a refusal goes back. */
    private void take(List<Take> takes, Supplier<String> what, LongAdder refused) {
        long waitNanos = maxWaitNanos;
        long deadline = waitNanos == 0 ? 0 : time.currentTimeNanos() + waitNanos;
        for (int i = 0; i < takes.size(); i++) {
            Take t = takes.get(i);
            if (t.bucket == null) {
                continue;
            }
            long tokens = Math.min(t.tokens, t.capacity);
            boolean got;
            try {
                got = waitNanos == 0 ? t.bucket.tryConsume(tokens)
                        : t.bucket.asBlocking().tryConsume(tokens,
                                Math.max(0, deadline - time.currentTimeNanos()), limits.sleeper()::sleep);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                giveBack(takes, i);
                refused.increment();
                throw new RateLimitedException(what.get() + " on " + name + " was interrupted while waiting for "
                        + t.limit() + "; nothing was done", e);
            }
            if (!got) {
                giveBack(takes, i);
                refuse(t, what, refused);
            }
            t.taken = tokens;
        }
    }

    /** Refuses a call over a take's limit; the caller gave back what it took. */
    private void refuse(Take over, Supplier<String> what, LongAdder refused) {
        refused.increment();
        throw new RateLimitedException(what.get() + " on " + name + " was refused: it is over " + over.limit()
                + (maxWaitNanos == 0 ? "" : " after waiting up to " + limits.maxWait())
                + "; nothing was done, retry after a pause");
    }

    private static void giveBack(List<Take> takes, int upTo) {
        for (int j = 0; j < upTo; j++) {
            Take t = takes.get(j);
            if (t.bucket != null && t.taken > 0) {
                t.bucket.addTokens(t.taken);
            }
        }
    }

    /** Counters {@code rateLimit.refusedReads}, {@code rateLimit.refusedWrites}, {@code rateLimit.tenants}. */
    @Override
    public Map<String, Long> stats() {
        Map<String, Long> out = new HashMap<>(delegate().stats());
        out.put("rateLimit.refusedReads", refusedReads.sum());
        out.put("rateLimit.refusedWrites", refusedWrites.sum());
        synchronized (tenantLock) {
            out.put("rateLimit.tenants", (long) tenants.size());
        }
        return out;
    }

    /** Test hook: the tenants with buckets now, least recently used first. */
    List<String> trackedTenants() {
        synchronized (tenantLock) {
            return List.copyOf(tenants.keySet());
        }
    }

    /** Tokens to take from one bucket, and what the bucket is, for the message. */
    private static final class Take {
        final Bucket bucket;
        final long tokens;
        final long capacity;
        final String kind;
        final String tenant;
        long taken;

        Take(Bucket bucket, long tokens, long capacity, String kind, String tenant) {
            this.bucket = bucket;
            this.tokens = tokens;
            this.capacity = capacity;
            this.kind = kind;
            this.tenant = tenant;
        }

        /** The limit in words: "the global limit of 10 writes per second". */
        String limit() {
            return tenant == null ? "the global limit of " + capacity + " " + kind + " per second"
                    : "the limit of " + capacity + " " + kind + " per second of tenant '" + tenant + "'";
        }
    }
}
