package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A thread that writes to an engine until closed (or 400,000 batches): 2,000 keys over and over with values of
 * about 110 bytes at {@code NONE}, so that with tiny memtables and tables flushes and compactions create and
 * delete files all the time. {@link #close()} stops it and fails if the writer failed.
 */
final class BackgroundWriter implements AutoCloseable {
    private final AtomicBoolean stop = new AtomicBoolean();
    private final AtomicInteger batches = new AtomicInteger();
    private final AtomicReference<Throwable> failure = new AtomicReference<>();
    private final Thread thread;

    BackgroundWriter(LsmEngine writer, String name) {
        thread = new Thread(() -> {
            try {
                for (int i = 0; i < 400_000 && !stop.get(); i++) {
                    LsmReadOnlyOpenRaceTest.put(writer, String.format("k%04d", i % 2000),
                            "value " + i + " " + "x".repeat(100));
                    batches.incrementAndGet();
                }
            } catch (Throwable e) {
                failure.set(e);
            }
        }, name);
        thread.start();
    }

    /** Batches written so far. */
    int batches() {
        return batches.get();
    }

    /** Waits until the writer wrote {@code more} batches after {@code since}; false if it ended first. */
    boolean awaitBatches(int since, int more) {
        while (batches.get() < since + more) {
            if (!thread.isAlive()) {
                return false;
            }
            Thread.onSpinWait();
            Thread.yield();
        }
        return true;
    }

    @Override
    public void close() {
        stop.set(true);
        try {
            thread.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the writer to stop", e);
        }
        assertThat(failure.get()).as("the writer's failure").isNull();
    }
}
