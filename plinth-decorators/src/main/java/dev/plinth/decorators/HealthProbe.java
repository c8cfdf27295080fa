package dev.plinth.decorators;

import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.LongSupplier;

/**
 * A health probe of a store, for liveness and readiness checks: each {@link #check()} writes a reserved key
 * ({@link #KEY} in the keyspace {@link #KEYSPACE}, created on first use) with a fresh value, reads it back,
 * and reports:
 * <ul>
 *   <li>{@link Status#UNHEALTHY} if the store is closed, or the write or the read failed (an engine in its
 *       failed state, after a failed fsync for instance, refuses every write), or read back something else;
 *   <li>{@link Status#DEGRADED} if the round trip took longer than the threshold, or an earlier check failed
 *       less than {@link Builder#recovery(int)} checks ago;
 *   <li>{@link Status#HEALTHY} otherwise.
 * </ul>
 * The details say why: {@code roundTripMicros}, {@code lastError} (the last failure's message, kept until a
 * later one replaces it) and {@code checksSinceError}. The probe never throws; the round trip writes with
 * {@link Durability#NONE} unless told otherwise, so that a probe does not cost an fsync.
 *
 * <p>Thread-safe: {@link #check()} is synchronized on a private lock, so checks run one at a time.
 */
public final class HealthProbe {
    /** The keyspace of the probe's key. */
    public static final String KEYSPACE = "plinth.health";
    /** The probe's key. */
    public static final byte[] KEY = "probe".getBytes(StandardCharsets.US_ASCII);
    /** What {@link Builder#degradedAfter(Duration)} is unless set. */
    public static final Duration DEFAULT_DEGRADED_AFTER = Duration.ofMillis(100);
    /** What {@link Builder#recovery(int)} is unless set. */
    public static final int DEFAULT_RECOVERY = 3;

    /** The state of a store. */
    public enum Status {
        /** Reads and writes work and are fast. */
        HEALTHY,
        /** Reads and writes work, but slowly or only since recently. */
        DEGRADED,
        /** Writes or reads fail, or the store is closed. */
        UNHEALTHY
    }

    /**
     * One check's result.
     *
     * @param status the state
     * @param details why, by name; ordered
     */
    public record Health(Status status, Map<String, String> details) {
        /**
         * Copies the details.
         *
         * @param status the state
         * @param details why, by name
         */
        public Health {
            Objects.requireNonNull(status, "status");
            details = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(details));
        }

        /**
         * For a readiness check: whether the store takes traffic.
         *
         * @return {@code true} unless {@link Status#UNHEALTHY}
         */
        public boolean ready() {
            return status != Status.UNHEALTHY;
        }
    }

    private final Store store;
    private final long degradedNanos;
    private final int recovery;
    private final LongSupplier nanoClock;
    private final WriteOptions options;

    /** Guards the fields below; checks run one at a time. */
    private final Object lock = new Object();
    private long sequence;
    private String lastError;
    private long checksSinceError = Long.MAX_VALUE;

    private HealthProbe(Builder b) {
        this.store = b.store;
        this.degradedNanos = b.degradedAfter.toNanos();
        this.recovery = b.recovery;
        this.nanoClock = b.nanoClock;
        this.options = WriteOptions.durability(b.durability);
    }

    /**
     * A builder of a probe of a store.
     *
     * @param store the store, which the probe does not close
     * @return a new builder
     */
    public static Builder builder(Store store) {
        return new Builder(Objects.requireNonNull(store, "store"));
    }

    /**
     * Runs one round trip and reports. Never throws.
     *
     * @return the result
     */
    public Health check() {
        synchronized (lock) {
            Map<String, String> details = new LinkedHashMap<>();
            details.put("store", store.uri());
            if (store.isClosed()) {
                return failedLocked(details, "the store " + store.uri() + " is closed");
            }
            long start = nanoClock.getAsLong();
            try {
                Keyspace ks = store.keyspaces().contains(KEYSPACE) ? store.keyspace(KEYSPACE)
                        : store.createKeyspace(KEYSPACE);
                byte[] value = Long.toString(++sequence).getBytes(StandardCharsets.US_ASCII);
                ks.put(KEY, value, options);
                byte[] back = ks.get(KEY);
                long nanos = nanoClock.getAsLong() - start;
                details.put("roundTripMicros", Long.toString(nanos / 1_000));
                if (!Arrays.equals(back, value)) {
                    return failedLocked(details, "the health probe of " + store.uri() + " wrote "
                            + new String(value, StandardCharsets.US_ASCII) + " and read back "
                            + (back == null ? "nothing" : new String(back, StandardCharsets.US_ASCII)));
                }
                if (checksSinceError != Long.MAX_VALUE) {
                    checksSinceError++;
                }
                putErrorLocked(details);
                if (nanos > degradedNanos) {
                    details.put("reason", "the round trip took " + nanos / 1_000 + " µs, over the threshold of "
                            + degradedNanos / 1_000 + " µs");
                    return new Health(Status.DEGRADED, details);
                }
                if (checksSinceError <= recovery) {
                    details.put("reason", "a check failed " + checksSinceError + " checks ago");
                    return new Health(Status.DEGRADED, details);
                }
                return new Health(Status.HEALTHY, details);
            } catch (RuntimeException e) {
                return failedLocked(details, e.getClass().getSimpleName() + ": " + e.getMessage());
            }
        }
    }

    private Health failedLocked(Map<String, String> details, String error) {
        lastError = error;
        checksSinceError = 0;
        details.put("reason", error);
        putErrorLocked(details);
        return new Health(Status.UNHEALTHY, details);
    }

    private void putErrorLocked(Map<String, String> details) {
        if (lastError != null) {
            details.put("lastError", lastError);
            details.put("checksSinceError", Long.toString(checksSinceError));
        }
    }

    /** Builds a {@link HealthProbe}. Not thread-safe. */
    public static final class Builder {
        private final Store store;
        private Duration degradedAfter = DEFAULT_DEGRADED_AFTER;
        private int recovery = DEFAULT_RECOVERY;
        private LongSupplier nanoClock = System::nanoTime;
        private Durability durability = Durability.NONE;

        private Builder(Store store) {
            this.store = store;
        }

        /**
         * A round trip slower than this is {@link Status#DEGRADED}.
         *
         * @param threshold zero or more
         * @return this builder
         */
        public Builder degradedAfter(Duration threshold) {
            if (Objects.requireNonNull(threshold, "threshold").isNegative()) {
                throw new IllegalArgumentException("the threshold must not be negative, got " + threshold);
            }
            this.degradedAfter = threshold;
            return this;
        }

        /**
         * How many successful checks after a failure stay {@link Status#DEGRADED}.
         *
         * @param checks zero or more
         * @return this builder
         */
        public Builder recovery(int checks) {
            if (checks < 0) {
                throw new IllegalArgumentException("recovery must be 0 checks or more, got " + checks);
            }
            this.recovery = checks;
            return this;
        }

        /**
         * The clock of the round trip; for tests.
         *
         * @param nanoClock monotonic nanoseconds
         * @return this builder
         */
        public Builder nanoClock(LongSupplier nanoClock) {
            this.nanoClock = Objects.requireNonNull(nanoClock, "nanoClock");
            return this;
        }

        /**
         * The durability of the probe's write; {@link Durability#NONE} unless set. The store must honour it.
         *
         * @param durability the level
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * Builds the probe.
         *
         * @return the probe
         */
        public HealthProbe build() {
            return new HealthProbe(this);
        }
    }
}
