package dev.plinth.internal;

import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/** A clock the test moves by hand, for the core's own tests (plinth-testkit's clock is not visible here). */
final class ManualClock implements InstantSource {
    final AtomicLong millis = new AtomicLong(1_000_000);

    @Override
    public Instant instant() {
        return Instant.ofEpochMilli(millis.get());
    }
}
