package dev.plinth.testkit;

import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock that moves only when told to, for time-to-live tests. Thread-safe. */
public final class FakeClock implements InstantSource {
    private final AtomicLong millis;

    /** A clock standing at 2026-01-01T00:00:00Z. */
    public FakeClock() {
        this(Instant.parse("2026-01-01T00:00:00Z"));
    }

    /**
     * A clock standing at {@code start}.
     *
     * @param start the initial instant
     */
    public FakeClock(Instant start) {
        this.millis = new AtomicLong(start.toEpochMilli());
    }

    /**
     * Moves the clock forward.
     *
     * @param d how far; not negative
     */
    public void advance(Duration d) {
        if (d.isNegative()) {
            throw new IllegalArgumentException("a clock does not go back: " + d);
        }
        millis.addAndGet(d.toMillis());
    }

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }

    @Override
    public long millis() {
        return millis.get();
    }
}
