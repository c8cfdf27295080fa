package dev.plinth.decorators;

import dev.plinth.decorators.internal.BufferingEngine;
import dev.plinth.decorators.internal.CachingEngine;
import dev.plinth.decorators.internal.MeteredEngine;
import dev.plinth.decorators.internal.RateLimitedEngine;
import dev.plinth.decorators.internal.SizeLimitedEngine;
import dev.plinth.decorators.internal.TimeLimitedEngine;
import dev.plinth.spi.Engine;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.util.Objects;
import java.util.function.Function;
import java.util.function.LongSupplier;
import java.util.function.UnaryOperator;

/**
 * Stacks decorators over an engine in one fixed order, so that a stack means the same wherever it is built.
 * The result is a {@code UnaryOperator<Engine>} for {@link dev.plinth.StoreOptions.Builder#decorate}:
 *
 * <pre>{@code
 * Store store = Plinth.builder("rocksdb:/data")
 *         .decorate(EngineDecorators.builder()
 *                 .name("orders")
 *                 .cache(64 << 20)
 *                 .metrics(registry)
 *                 .sizeLimits(256, 64 * 1024, 1_000, 4 << 20)
 *                 .rateLimits(RateLimits.builder().globalWrites(5_000).build())
 *                 .build())
 *         .open();
 * }</pre>
 *
 * <p>The order, outermost (first to see a call) to innermost:
 * <ol>
 *   <li>metrics ({@link Builder#metrics}), unless {@link Builder#metricsInnermost()} moves it to the end:
 *       outermost it times everything below, refusals of the limits included; innermost it times only what
 *       reaches the engine;
 *   <li>size limits ({@link Builder#sizeLimits}): a refused write costs no token and touches no cache;
 *   <li>rate limits ({@link Builder#rateLimits}): outside the cache, so cache hits are limited too;
 *   <li>the read cache ({@link Builder#cache(long)}), so that everything it caches and
 *       invalidates is exactly what the engine stores below it;
 *   <li>timeouts ({@link Builder#timeout}), below the cache, so that a hit costs no thread hand-off;
 *   <li>the write buffer ({@link Builder#writeBuffer}), below the cache, which is invalidated when a write
 *       is accepted, held or not; the buffer answers reads of what it holds.
 * </ol>
 * A decorator not asked for is left out. Every decorator is a {@link dev.plinth.spi.ForwardingEngine}, so
 * the stack is itself an engine and passes the whole conformance kit.
 *
 * <p>The builder is not thread-safe; the operator it builds is, and makes a new stack (with new caches,
 * buckets and meters) each time it is applied. The stack's counters appear in
 * {@link dev.plinth.Store#stats()} under {@code cache.*}, {@code metrics.*} and {@code rateLimit.*}
 * (docs/decorators.md lists them).
 */
public final class EngineDecorators {
    private EngineDecorators() {
    }

    /**
     * A builder of an empty stack.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder of the stack a text names, as a URI query or a command-line flag would:
     * {@code cache=64m&metrics=true&rateLimit=1000/s}. Parameters, in any order, separated by {@code &}:
     * <ul>
     *   <li>{@code cache=SIZE}: {@link Builder#cache(long)}; a size is bytes with an optional {@code k},
     *       {@code m} or {@code g} (binary);
     *   <li>{@code metrics=true}: {@link Builder#metrics(MeterRegistry)} with Micrometer's global registry
     *       ({@code Metrics.globalRegistry}), to which an application adds its own;
     *       {@code metricsSampling=N}: {@link Builder#metricsLatencySampling(int)};
     *   <li>{@code rateLimit=N/s}, {@code readLimit=N/s}, {@code writeLimit=N/s}: global rate limits of reads and
     *       writes, of reads, of writes ({@link RateLimits}), refusing at once;
     *   <li>{@code maxKey=SIZE}, {@code maxValue=SIZE}, {@code maxBatchOps=N}, {@code maxBatchBytes=SIZE}:
     *       {@link Builder#sizeLimits}, the others left at the engine's;
     *   <li>{@code timeout=DURATION}: {@link Builder#timeout(Duration)}, as {@code 250ms}, {@code 2s} or
     *       {@code 1m};
     *   <li>{@code buffer=N}: {@link Builder#writeBuffer(int, long, Duration)} of N writes, at most
     *       {@code bufferBytes=SIZE} bytes ({@code 16m} unless given) and {@code bufferAge=DURATION} old
     *       ({@code 100ms} unless given).
     * </ul>
     * The same parameters in a store URI build the same stack ({@link EngineDecoratorsProvider}):
     * {@code Plinth.open("rocksdb:/data?cache=64m&metrics=true&rateLimit=1000/s")}.
     *
     * @param spec the parameters; empty for an empty stack
     * @return a builder, to which more may be added
     * @throws IllegalArgumentException naming every unknown or invalid parameter
     */
    public static Builder parse(String spec) {
        return SpecParser.parse(Objects.requireNonNull(spec, "spec"));
    }

    /** Builds a stack. Not thread-safe. */
    public static final class Builder {
        private String name = "the store";
        private long cacheBytes = -1;
        private MeterRegistry registry;
        private Function<byte[], String> metricsTenantOf;
        private int metricsMaxTenants;
        private boolean metricsInnermost;
        private int latencySampling = MeteredEngine.DEFAULT_LATENCY_SAMPLING;
        private int[] sizes;
        private long maxBatchBytes;
        private RateLimits rateLimits;
        private int bufferOps;
        private long bufferBytes;
        private long bufferAgeNanos;
        private LongSupplier bufferClock;
        private Duration timeout;

        private Builder() {
        }

        /**
         * Names the store in the messages of the decorators' exceptions.
         *
         * @param name for example the store's URI
         * @return this builder
         */
        public Builder name(String name) {
            this.name = Objects.requireNonNull(name, "name");
            return this;
        }

        /**
         * Adds a read cache of point reads, bounded by bytes of keys and values (plus a small per-entry
         * overhead). Coherent with every write, batch, transaction, range delete and keyspace drop made
         * through the store; cursors and snapshots read the engine.
         *
         * @param maxBytes the bound, 0 or more
         * @return this builder
         */
        public Builder cache(long maxBytes) {
            if (maxBytes < 0) {
                throw new IllegalArgumentException("the cache size must be 0 bytes or more, got " + maxBytes);
            }
            this.cacheBytes = maxBytes;
            return this;
        }

        /**
         * Adds metrics: an exact count, a timer with percentiles (p50, p95, p99, p999) of a sample of calls
         * ({@link #metricsLatencySampling(int)}), error and conflict counters per operation, in the registry.
         *
         * @param registry any Micrometer registry
         * @return this builder
         */
        public Builder metrics(MeterRegistry registry) {
            this.registry = Objects.requireNonNull(registry, "registry");
            return this;
        }

        /**
         * Adds metrics with a per-tenant breakdown: every meter also has a {@code tenant} tag, the tenant of
         * the operation's key; after {@code maxTenants} distinct tenants, the others are counted as
         * {@code other}.
         *
         * @param registry any Micrometer registry
         * @param tenantOf the tenant of a key; {@code null} means {@code other}
         * @param maxTenants how many tenants get their own meters, 0 or more
         * @return this builder
         */
        public Builder metrics(MeterRegistry registry, Function<byte[], String> tenantOf, int maxTenants) {
            if (maxTenants < 0) {
                throw new IllegalArgumentException("maxTenants must be 0 or more, got " + maxTenants);
            }
            this.registry = Objects.requireNonNull(registry, "registry");
            this.metricsTenantOf = Objects.requireNonNull(tenantOf, "tenantOf");
            this.metricsMaxTenants = maxTenants;
            return this;
        }

        /**
         * Sets how many calls share one latency measurement: every call is counted in
         * {@code plinth.op.count}, and one in {@code oneIn}, chosen at random, is timed in the
         * {@code plinth.op} timer and its percentiles ({@value MeteredEngine#DEFAULT_LATENCY_SAMPLING} unless
         * set). Timing a call costs two clock reads and a histogram update, a large part of an in-memory read;
         * 1 times every call.
         *
         * @param oneIn 1 or more
         * @return this builder
         */
        public Builder metricsLatencySampling(int oneIn) {
            if (oneIn < 1) {
                throw new IllegalArgumentException("the latency sampling must be 1 or more, got " + oneIn);
            }
            this.latencySampling = oneIn;
            return this;
        }

        /**
         * Puts metrics innermost, next to the engine (it is outermost unless this is called).
         *
         * @return this builder
         */
        public Builder metricsInnermost() {
            this.metricsInnermost = true;
            return this;
        }

        /**
         * Adds size limits below the engine's own (a larger limit than the engine's leaves the engine's).
         * The store reports and checks them as its {@link dev.plinth.Capabilities}; a value limit counts the
         * stored bytes, which include the store's small value header.
         *
         * @param maxKeySize the largest key in bytes
         * @param maxValueSize the largest stored value in bytes
         * @param maxBatchOps the most writes in one batch, transaction commit included
         * @param maxBatchBytes the most key and value bytes in one batch
         * @return this builder
         */
        public Builder sizeLimits(int maxKeySize, int maxValueSize, int maxBatchOps, long maxBatchBytes) {
            if (maxKeySize < 1 || maxValueSize < 0 || maxBatchOps < 1 || maxBatchBytes < 1) {
                throw new IllegalArgumentException("size limits must be positive (key " + maxKeySize + ", value "
                        + maxValueSize + ", batch " + maxBatchOps + " operations and " + maxBatchBytes + " bytes)");
            }
            this.sizes = new int[] {maxKeySize, maxValueSize, maxBatchOps};
            this.maxBatchBytes = maxBatchBytes;
            return this;
        }

        /**
         * Adds rate limits.
         *
         * @param limits the buckets
         * @return this builder
         */
        public Builder rateLimits(RateLimits limits) {
            this.rateLimits = Objects.requireNonNull(limits, "limits");
            return this;
        }

        /**
         * Adds write buffering: writes that may be lost on a process crash ({@link dev.plinth.Durability#NONE},
         * without checks) are held in memory and written as one batch when {@code maxOps} writes or
         * {@code maxBytes} bytes are held, when the oldest is {@code maxAge} old (checked on every call, and
         * by a timer on one daemon thread shared by every buffer, so an idle store's writes go out too), at
         * {@code flush()} and at {@code close()}. Point reads see held writes; cursors, snapshots,
         * transactions, checked writes and writes of a stronger durability first write what is held.
         *
         * @param maxOps the most writes held
         * @param maxBytes the most key and value bytes held
         * @param maxAge the oldest a held write gets before the next call writes it
         * @return this builder
         */
        public Builder writeBuffer(int maxOps, long maxBytes, Duration maxAge) {
            return writeBuffer(maxOps, maxBytes, maxAge, System::nanoTime);
        }

        /**
         * {@link #writeBuffer(int, long, Duration)} with the clock of the age threshold; for tests.
         *
         * @param maxOps the most writes held
         * @param maxBytes the most key and value bytes held
         * @param maxAge the oldest a held write gets before the next call writes it
         * @param nanoClock monotonic nanoseconds
         * @return this builder
         */
        public Builder writeBuffer(int maxOps, long maxBytes, Duration maxAge, LongSupplier nanoClock) {
            if (maxOps < 1 || maxBytes < 1 || Objects.requireNonNull(maxAge, "maxAge").isNegative()) {
                throw new IllegalArgumentException("write buffer thresholds must be positive (" + maxOps
                        + " operations, " + maxBytes + " bytes, " + maxAge + ")");
            }
            this.bufferOps = maxOps;
            this.bufferBytes = maxBytes;
            this.bufferAgeNanos = maxAge.toNanos();
            this.bufferClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * Adds timeouts: every point read that misses the cache, cursor open, snapshot, batch, flush and
         * compaction runs on a thread of the decorator and is abandoned when it overruns; the caller gets an
         * {@link OperationTimeoutException}, or for a batch an {@link dev.plinth.OutcomeUnknownException}
         * (it may still apply). Costs a thread hand-off per call (docs/decorators.md).
         *
         * @param deadline positive
         * @return this builder
         */
        public Builder timeout(Duration deadline) {
            if (Objects.requireNonNull(deadline, "deadline").isZero() || deadline.isNegative()) {
                throw new IllegalArgumentException("the timeout must be positive, got " + deadline);
            }
            this.timeout = deadline;
            return this;
        }

        /**
         * Builds the stack.
         *
         * @return an operator that wraps an engine in the stack; it closes the engine when the stack is closed
         */
        public UnaryOperator<Engine> build() {
            String n = name;
            long cache = cacheBytes;
            MeterRegistry reg = registry;
            Function<byte[], String> tenantOf = metricsTenantOf;
            int maxTenants = metricsMaxTenants;
            boolean inner = metricsInnermost;
            int sampling = latencySampling;
            int[] limits = sizes == null ? null : sizes.clone();
            long batchBytes = maxBatchBytes;
            RateLimits rates = rateLimits;
            int bOps = bufferOps;
            long bBytes = bufferBytes;
            long bAge = bufferAgeNanos;
            LongSupplier bClock = bufferClock;
            Duration deadline = timeout;
            return engine -> {
                Engine e = Objects.requireNonNull(engine, "engine");
                if (reg != null && inner) {
                    e = new MeteredEngine(e, reg, tenantOf, maxTenants, sampling);
                }
                if (bOps > 0) {
                    e = new BufferingEngine(e, bOps, bBytes, bAge, bClock);
                }
                if (deadline != null) {
                    e = new TimeLimitedEngine(e, n, deadline);
                }
                if (cache >= 0) {
                    e = new CachingEngine(e, cache);
                }
                if (rates != null) {
                    e = new RateLimitedEngine(e, n, rates);
                }
                if (limits != null) {
                    e = new SizeLimitedEngine(e, n, limits[0], limits[1], limits[2], batchBytes);
                }
                if (reg != null && !inner) {
                    e = new MeteredEngine(e, reg, tenantOf, maxTenants, sampling);
                }
                return e;
            };
        }
    }
}
