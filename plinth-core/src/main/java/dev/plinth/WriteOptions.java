package dev.plinth;

import java.time.Duration;
import java.util.Objects;

/**
 * Options of a single write: its {@link Durability} and an optional time to live. Immutable and
 * thread-safe.
 */
public final class WriteOptions {
    /** The store's default durability and no time to live. */
    public static final WriteOptions DEFAULT = new WriteOptions(null, null);

    private final Durability durability;
    private final Duration ttl;

    private WriteOptions(Durability durability, Duration ttl) {
        this.durability = durability;
        this.ttl = ttl;
    }

    /**
     * Options with the given durability and no time to live.
     *
     * @param durability the durability
     * @return new options
     * @throws NullPointerException if {@code durability} is null
     */
    public static WriteOptions durability(Durability durability) {
        return new WriteOptions(Objects.requireNonNull(durability, "durability"), null);
    }

    /**
     * Options with the given time to live and the store's default durability.
     *
     * @param ttl how long the written entry stays visible; must be positive
     * @return new options
     * @throws NullPointerException if {@code ttl} is null
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    public static WriteOptions ttl(Duration ttl) {
        return DEFAULT.withTtl(ttl);
    }

    /**
     * These options with another durability.
     *
     * @param durability the durability, or {@code null} for the store's default
     * @return new options
     */
    public WriteOptions withDurability(Durability durability) {
        return new WriteOptions(durability, ttl);
    }

    /**
     * These options with a time to live. An entry written with a time to live is absent from every read
     * once the store's clock reaches the write time plus {@code ttl}; writing the key again without a
     * time to live clears it. Only puts take one; a delete given one is refused. The store's clock counts whole
     * milliseconds, so a time to live is rounded up to the next millisecond (a sub-millisecond one keeps
     * the entry for one millisecond); a time to live beyond the clock's range never expires.
     *
     * @param ttl how long the entry stays visible, or {@code null} for no expiry
     * @return new options
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    public WriteOptions withTtl(Duration ttl) {
        if (ttl != null && (ttl.isZero() || ttl.isNegative())) {
            throw new IllegalArgumentException("ttl must be positive, got " + ttl);
        }
        return new WriteOptions(durability, ttl);
    }

    /**
     * The requested durability.
     *
     * @return the durability, or {@code null} for the store's default
     */
    public Durability durability() {
        return durability;
    }

    /**
     * The time to live.
     *
     * @return the time to live, or {@code null} for no expiry
     */
    public Duration ttl() {
        return ttl;
    }

    @Override
    public String toString() {
        return "WriteOptions[durability=" + (durability == null ? "default" : durability) + ", ttl=" + ttl + "]";
    }

    /**
     * Refuses options with a time to live for a write that stores nothing.
     *
     * @param options the options given
     * @param operation the write, for the message
     * @throws NullPointerException if {@code options} is null
     * @throws IllegalArgumentException if they have a time to live
     */
    static void requireNoTtl(WriteOptions options, String operation) {
        Objects.requireNonNull(options, "options");
        if (options.ttl != null) {
            throw new IllegalArgumentException("a time to live applies to puts only; " + operation
                    + " was given " + options + ", which has ttl " + options.ttl);
        }
    }
}
