package dev.plinth.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * Regression: a snapshot closed by one thread while another reads it released its versions for
 * reclamation mid-read, and the reader met the reclaimed marker and reported a key that always exists as
 * absent (or skipped it in a cursor). Such a read must either answer from the snapshot or throw
 * {@link IllegalStateException}; it must never answer wrongly.
 */
class SnapshotClosedDuringReadTest {
    private static final int KEYS = 64;

    private static byte[] key(int i) {
        return ByteBuffer.allocate(4).putInt(i).array();
    }

    @Test
    void readsRacingCloseAnswerCorrectlyOrThrowIllegalState() throws Exception {
        try (Store store = Plinth.open("mem:")) {
            Keyspace ks = store.defaultKeyspace();
            for (int i = 0; i < KEYS; i++) {
                ks.put(key(i), key(0));
            }
            AtomicBoolean stop = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                int round = 1;
                while (!stop.get()) {
                    for (int i = 0; i < KEYS; i++) {
                        ks.put(key(i), key(round));
                    }
                    round++;
                }
            }, "overwriter");
            writer.start();
            AtomicInteger wrong = new AtomicInteger();
            AtomicInteger refused = new AtomicInteger();
            try {
                for (int round = 0; round < 1000 && failure.get() == null; round++) {
                    Snapshot snap = store.snapshot();
                    CyclicBarrier go = new CyclicBarrier(3);
                    List<Thread> readers = new ArrayList<>();
                    readers.add(new Thread(() -> run(failure, () -> {
                        go.await();
                        for (int pass = 0; pass < 50; pass++) {
                            for (int i = 0; i < KEYS; i++) {
                                if (snap.get(ks, key(i)) == null) {
                                    wrong.incrementAndGet();
                                }
                            }
                        }
                    }, refused)));
                    readers.add(new Thread(() -> run(failure, () -> {
                        go.await();
                        for (int pass = 0; pass < 50; pass++) {
                            int seen = 0;
                            try (Cursor c = snap.cursor(ks, Range.all(), ScanOptions.forward())) {
                                while (c.next()) {
                                    seen++;
                                }
                            }
                            if (seen != KEYS) {
                                wrong.incrementAndGet();
                            }
                        }
                    }, refused)));
                    readers.forEach(Thread::start);
                    go.await();
                    Thread.onSpinWait();
                    snap.close();
                    for (Thread r : readers) {
                        r.join();
                    }
                }
            } finally {
                stop.set(true);
                writer.join();
            }
            assertThat(failure.get()).as("unexpected failure in a reader").isNull();
            assertThat(wrong.get()).as("reads that answered wrongly (refusals: %d)", refused.get()).isZero();
        }
    }

    private interface Body {
        void run() throws Exception;
    }

    private static void run(AtomicReference<Throwable> failure, Body body, AtomicInteger refused) {
        try {
            body.run();
        } catch (IllegalStateException expected) {
            refused.incrementAndGet();
        } catch (Throwable t) {
            failure.compareAndSet(null, t);
        }
    }
}
