package dev.plinth.decorators;

import dev.plinth.ConflictException;
import dev.plinth.Keyspace;
import dev.plinth.WriteOptions;
import dev.plinth.decorators.internal.Keys;
import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;
import java.util.SplittableRandom;
import java.util.function.UnaryOperator;

/**
 * Read-modify-write of one key by compare-and-set, retried with bounded, jittered backoff when another
 * writer changed the key in between:
 *
 * <pre>{@code
 * CasRetry retry = CasRetry.builder().maxAttempts(20).build();
 * byte[] now = retry.update(counters, key, old -> increment(old));
 * }</pre>
 *
 * <p>Each attempt reads the key, applies the function to what it read, and writes the result with
 * {@link Keyspace#compareAndSet(byte[], byte[], byte[], WriteOptions)} on condition that the key still holds
 * what was read. A lost race (the condition failed, or the store gave up with a {@link ConflictException})
 * waits a random time between zero and {@code min(maxDelay, baseDelay * 2^attempt)} ("full jitter") and tries
 * again, up to {@link Builder#maxAttempts(int)} attempts; then a {@link ConflictException} says how many
 * attempts were lost, and nothing was written by the update. The function may run once per attempt, so it
 * must have no side effects; it must not change its argument.
 *
 * <p>Immutable and thread-safe; one instance serves any number of threads and keys. Its random numbers come
 * from a per-call generator split from a seed ({@link Builder#seed(long)}), so a test can replay them.
 */
public final class CasRetry {
    /** What {@link Builder#maxAttempts(int)} is unless set. */
    public static final int DEFAULT_MAX_ATTEMPTS = 10;
    /** What {@link Builder#baseDelay(Duration)} is unless set. */
    public static final Duration DEFAULT_BASE_DELAY = Duration.ofMillis(1);
    /** What {@link Builder#maxDelay(Duration)} is unless set. */
    public static final Duration DEFAULT_MAX_DELAY = Duration.ofMillis(100);

    private final int maxAttempts;
    private final long baseNanos;
    private final long maxNanos;
    private final RateLimits.Sleeper sleeper;
    private final SplittableRandom seedRandom;
    private final Object randomLock = new Object();

    private CasRetry(Builder b) {
        this.maxAttempts = b.maxAttempts;
        this.baseNanos = b.baseDelay.toNanos();
        this.maxNanos = b.maxDelay.toNanos();
        this.sleeper = b.sleeper;
        this.seedRandom = new SplittableRandom(b.seed);
    }

    /**
     * A builder with the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * Updates a key with the store's default write options.
     *
     * @param keyspace where
     * @param key the key
     * @param update from the current value ({@code null} if absent) to the new one ({@code null} to delete)
     * @return the value the update left, {@code null} if it deleted or left the key absent
     * @throws ConflictException if every attempt lost a race; nothing was written
     * @throws NullPointerException if an argument is null
     */
    public byte[] update(Keyspace keyspace, byte[] key, UnaryOperator<byte[]> update) {
        return update(keyspace, key, update, WriteOptions.DEFAULT);
    }

    /**
     * Updates a key.
     *
     * @param keyspace where
     * @param key the key
     * @param update from the current value ({@code null} if absent) to the new one ({@code null} to delete)
     * @param options for the write (durability, time to live of a new value)
     * @return the value the update left, {@code null} if it deleted or left the key absent
     * @throws ConflictException if every attempt lost a race; nothing was written
     * @throws NullPointerException if an argument is null
     */
    public byte[] update(Keyspace keyspace, byte[] key, UnaryOperator<byte[]> update, WriteOptions options) {
        Objects.requireNonNull(keyspace, "keyspace");
        Objects.requireNonNull(key, "key");
        Objects.requireNonNull(update, "update");
        Objects.requireNonNull(options, "options");
        byte[] k = key.clone();
        SplittableRandom random;
        synchronized (randomLock) {
            random = seedRandom.split();
        }
        ConflictException last = null;
        for (int attempt = 0; attempt < maxAttempts; attempt++) {
            if (attempt > 0) {
                backoff(random, attempt, keyspace, k);
            }
            byte[] current = keyspace.get(k);
            byte[] next = update.apply(current == null ? null : current.clone());
            if (Arrays.equals(current, next) && options.ttl() == null) {
                return next; // nothing to write: the key held this value when it was read
            }
            try {
                if (keyspace.compareAndSet(k, current, next, options)) {
                    return next;
                }
            } catch (ConflictException e) {
                last = e;
            }
        }
        ConflictException e = new ConflictException("the update of key " + Keys.show(k) + " in keyspace "
                + keyspace.name() + " of " + keyspace.store().uri() + " lost the compare-and-set race to other "
                + "writers " + maxAttempts + " times in a row and gave up; this update wrote nothing");
        if (last != null) {
            e.addSuppressed(last);
        }
        throw e;
    }

    private void backoff(SplittableRandom random, int attempt, Keyspace keyspace, byte[] key) {
        long cap = baseNanos << Math.min(attempt - 1, 30);
        if (cap <= 0 || cap > maxNanos) {
            cap = maxNanos;
        }
        long nanos = cap <= 0 ? 0 : random.nextLong(cap + 1);
        if (nanos == 0) {
            return;
        }
        try {
            sleeper.sleep(nanos);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConflictException("the update of key " + Keys.show(key) + " in keyspace " + keyspace.name()
                    + " of " + keyspace.store().uri() + " was interrupted while backing off after " + attempt
                    + " lost races; this update wrote nothing", e);
        }
    }

    @Override
    public String toString() {
        return "CasRetry[" + maxAttempts + " attempts, backoff " + Duration.ofNanos(baseNanos) + " doubling up to "
                + Duration.ofNanos(maxNanos) + ", full jitter]";
    }

    /** Builds a {@link CasRetry}. Not thread-safe. */
    public static final class Builder {
        private int maxAttempts = DEFAULT_MAX_ATTEMPTS;
        private Duration baseDelay = DEFAULT_BASE_DELAY;
        private Duration maxDelay = DEFAULT_MAX_DELAY;
        private long seed = System.nanoTime();
        private RateLimits.Sleeper sleeper = nanos -> Thread.sleep(nanos / 1_000_000, (int) (nanos % 1_000_000));

        private Builder() {
        }

        /**
         * The most attempts of one update.
         *
         * @param attempts 1 or more
         * @return this builder
         */
        public Builder maxAttempts(int attempts) {
            if (attempts < 1) {
                throw new IllegalArgumentException("maxAttempts must be 1 or more, got " + attempts);
            }
            this.maxAttempts = attempts;
            return this;
        }

        /**
         * The backoff cap after the first lost race; it doubles after each further one.
         *
         * @param delay zero or more
         * @return this builder
         */
        public Builder baseDelay(Duration delay) {
            if (Objects.requireNonNull(delay, "delay").isNegative()) {
                throw new IllegalArgumentException("baseDelay must not be negative, got " + delay);
            }
            this.baseDelay = delay;
            return this;
        }

        /**
         * The largest backoff cap.
         *
         * @param delay zero or more
         * @return this builder
         */
        public Builder maxDelay(Duration delay) {
            if (Objects.requireNonNull(delay, "delay").isNegative()) {
                throw new IllegalArgumentException("maxDelay must not be negative, got " + delay);
            }
            this.maxDelay = delay;
            return this;
        }

        /**
         * The seed of the jitter.
         *
         * @param seed any
         * @return this builder
         */
        public Builder seed(long seed) {
            this.seed = seed;
            return this;
        }

        /**
         * How backoff waits; for tests.
         *
         * @param sleeper the sleeper
         * @return this builder
         */
        public Builder sleeper(RateLimits.Sleeper sleeper) {
            this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
            return this;
        }

        /**
         * Builds it.
         *
         * @return the retrying updater
         */
        public CasRetry build() {
            return new CasRetry(this);
        }
    }
}
