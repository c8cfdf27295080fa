package dev.plinth.decorators;

import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The settings of the rate-limiting decorator ({@link EngineDecorators.Builder#rateLimits(RateLimits)}): token
 * buckets (Bucket4j) for reads and for writes, one global pair and one pair per tenant. Immutable and
 * thread-safe.
 *
 * <p>Each bucket holds one second of its rate and refills continuously ("greedy"). A read (a point read, a
 * cursor opened, through the store or a snapshot or transaction) takes one read token; a write batch takes
 * one write token per mutation, at most a bucket's capacity (so a batch larger than one second of the rate
 * is admitted once the bucket is full, rather than never). Batches that only reclaim expired entries (the
 * store's {@code compact()}) are not limited. The tenant of a point read or write is
 * {@link Builder#tenantOf(Function)} of its key; of a cursor, of its start (the end of a reverse one); an
 * unbounded cursor takes only a global token.
 *
 * <p>When a bucket is empty the call waits up to {@link #maxWait()} for tokens and then throws
 * {@link dev.plinth.RateLimitedException}; with {@link Duration#ZERO} (the default) it throws at once. A
 * refused call took no token from any bucket and wrote nothing. A batch that applied nothing (its checks
 * failed, or its commit conflicted) gives its write tokens back, so a compare-and-set or transaction that is
 * tried more than once takes tokens only for the try that wrote. At most {@link #maxTenants()} tenant
 * buckets are kept; the least recently used is dropped, and a tenant seen again starts with a full bucket.
 *
 * <p>A global bucket that is the only one of its direction, with no waiting, is taken from through a credit
 * of at most 1/64 of its capacity that spares most calls the bucket's lock and clock read. It never admits a
 * call the bucket alone would refuse; it may refuse a burst up to 1/64 of the capacity earlier than the bucket
 * alone would. With a clock that does not move, exactly the capacity is admitted.
 */
public final class RateLimits {
    /** What {@link #maxTenants()} is unless set. */
    public static final int DEFAULT_MAX_TENANTS = 10_000;

    /** How the decorator waits for tokens; a test gives one that moves a fake clock instead. */
    @FunctionalInterface
    public interface Sleeper {
        /**
         * Waits.
         *
         * @param nanos how long
         * @throws InterruptedException if interrupted
         */
        void sleep(long nanos) throws InterruptedException;
    }

    private final long globalReads;
    private final long globalWrites;
    private final long tenantReads;
    private final long tenantWrites;
    private final Function<byte[], String> tenantOf;
    private final int maxTenants;
    private final Duration maxWait;
    private final LongSupplier nanoClock;
    private final Sleeper sleeper;

    private RateLimits(Builder b) {
        this.globalReads = b.globalReads;
        this.globalWrites = b.globalWrites;
        this.tenantReads = b.tenantReads;
        this.tenantWrites = b.tenantWrites;
        this.tenantOf = b.tenantOf;
        this.maxTenants = b.maxTenants;
        this.maxWait = b.maxWait;
        this.nanoClock = b.nanoClock;
        this.sleeper = b.sleeper;
    }

    /**
     * A builder with no limits.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Reads per second for the whole store.
     *
     * @return the rate, or {@code 0} for none
     */
    public long globalReads() {
        return globalReads;
    }

    /**
     * Written mutations per second for the whole store.
     *
     * @return the rate, or {@code 0} for none
     */
    public long globalWrites() {
        return globalWrites;
    }

    /**
     * Reads per second for each tenant.
     *
     * @return the rate, or {@code 0} for none
     */
    public long tenantReads() {
        return tenantReads;
    }

    /**
     * Written mutations per second for each tenant.
     *
     * @return the rate, or {@code 0} for none
     */
    public long tenantWrites() {
        return tenantWrites;
    }

    /**
     * The tenant of a key.
     *
     * @return the function, or {@code null} when there are no tenant limits
     */
    public Function<byte[], String> tenantOf() {
        return tenantOf;
    }

    /**
     * The most tenant buckets kept.
     *
     * @return the bound
     */
    public int maxTenants() {
        return maxTenants;
    }

    /**
     * How long a call waits for tokens before it is refused.
     *
     * @return the wait; {@link Duration#ZERO} to refuse at once
     */
    public Duration maxWait() {
        return maxWait;
    }

    /**
     * The clock the buckets refill by, in nanoseconds.
     *
     * @return the clock; {@link System#nanoTime()} by default
     */
    public LongSupplier nanoClock() {
        return nanoClock;
    }

    /**
     * How a call waits for tokens.
     *
     * @return the sleeper; {@link java.util.concurrent.locks.LockSupport#parkNanos(long)} by default
     */
    public Sleeper sleeper() {
        return sleeper;
    }

    @Override
    public String toString() {
        return "RateLimits[reads " + rate(globalReads) + " global, " + rate(tenantReads) + " per tenant; writes "
                + rate(globalWrites) + " global, " + rate(tenantWrites) + " per tenant; wait up to " + maxWait + "]";
    }

    private static String rate(long perSecond) {
        return perSecond == 0 ? "unlimited" : perSecond + "/s";
    }

    /** Builds {@link RateLimits}. Not thread-safe. */
    public static final class Builder {
        private long globalReads;
        private long globalWrites;
        private long tenantReads;
        private long tenantWrites;
        private Function<byte[], String> tenantOf;
        private int maxTenants = DEFAULT_MAX_TENANTS;
        private Duration maxWait = Duration.ZERO;
        private LongSupplier nanoClock = System::nanoTime;
        private Sleeper sleeper = nanos -> {
            java.util.concurrent.locks.LockSupport.parkNanos(nanos);
            if (Thread.interrupted()) {
                throw new InterruptedException("interrupted while waiting for a rate limit");
            }
        };

        private Builder() {
        }

        private static long positive(String what, long perSecond) {
            if (perSecond < 1) {
                throw new IllegalArgumentException(what + " must be 1 per second or more, got " + perSecond);
            }
            return perSecond;
        }

        /**
         * Limits reads of the whole store.
         *
         * @param perSecond reads per second, 1 or more
         * @return this builder
         */
        public Builder globalReads(long perSecond) {
            this.globalReads = positive("the global read rate", perSecond);
            return this;
        }

        /**
         * Limits writes of the whole store.
         *
         * @param perSecond mutations per second, 1 or more
         * @return this builder
         */
        public Builder globalWrites(long perSecond) {
            this.globalWrites = positive("the global write rate", perSecond);
            return this;
        }

        /**
         * Limits reads of each tenant; needs {@link #tenantOf(Function)}.
         *
         * @param perSecond reads per second, 1 or more
         * @return this builder
         */
        public Builder tenantReads(long perSecond) {
            this.tenantReads = positive("the tenant read rate", perSecond);
            return this;
        }

        /**
         * Limits writes of each tenant; needs {@link #tenantOf(Function)}.
         *
         * @param perSecond mutations per second, 1 or more
         * @return this builder
         */
        public Builder tenantWrites(long perSecond) {
            this.tenantWrites = positive("the tenant write rate", perSecond);
            return this;
        }

        /**
         * Says which tenant a key belongs to. A {@code null} result means no tenant: only global buckets apply.
         *
         * @param tenantOf the function; must not keep or change the key
         * @return this builder
         */
        public Builder tenantOf(Function<byte[], String> tenantOf) {
            this.tenantOf = Objects.requireNonNull(tenantOf, "tenantOf");
            return this;
        }

        /**
         * Bounds the tenant buckets kept.
         *
         * @param max 1 or more; {@link #DEFAULT_MAX_TENANTS} unless set
         * @return this builder
         */
        public Builder maxTenants(int max) {
            if (max < 1) {
                throw new IllegalArgumentException("maxTenants must be 1 or more, got " + max);
            }
            this.maxTenants = max;
            return this;
        }

        /**
         * Waits for tokens up to this long instead of refusing at once.
         *
         * @param wait zero or more
         * @return this builder
         */
        public Builder maxWait(Duration wait) {
            if (Objects.requireNonNull(wait, "wait").isNegative()) {
                throw new IllegalArgumentException("maxWait must not be negative, got " + wait);
            }
            this.maxWait = wait;
            return this;
        }

        /**
         * The clock the buckets refill by; for tests.
         *
         * @param nanoClock nanoseconds, monotonic
         * @return this builder
         */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * How calls wait for tokens; for tests, with {@link #nanoClock(LongSupplier)}.
         *
         * @param sleeper the sleeper
         * @return this builder
         */
        public Builder sleeper(Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Builds the settings.
         *
         * @return the settings
         * @throws IllegalStateException if tenant rates are set without {@link #tenantOf(Function)}
         */
        public RateLimits build() {
            if ((tenantReads > 0 || tenantWrites > 0) && tenantOf == null) {
                throw new IllegalStateException("tenant rate limits need tenantOf(...) to tell a key's tenant");
            }
            return new RateLimits(this);
        }
    }
}
