package dev.plinth.decorators.internal;

import static org.assertj.core.api.Assertions.assertThat;

import io.github.bucket4j.Bucket;
import io.github.bucket4j.TimeMeter;
import io.github.bucket4j.local.SynchronizationStrategy;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The credit in front of a global bucket, with a fake clock: it admits exactly a still bucket's capacity, even to
 * racing threads, and nothing a plain bucket would refuse (a seeded model run checks every admitted take against
 * a plain bucket that sees only those takes, at the same instants).
 */
class CreditedBucketTest {
    private final AtomicLong nanos = new AtomicLong(1_000_000_000L);
    private final TimeMeter clock = new TimeMeter() {
        @Override
        public long currentTimeNanos() {
            return nanos.get();
        }

        @Override
        public boolean isWallClockBased() {
            return false;
        }
    };

    private Bucket bucket(long perSecond) {
        return Bucket.builder()
                .addLimit(l -> l.capacity(perSecond).refillGreedy(perSecond, Duration.ofSeconds(1)))
                .withCustomTimePrecision(clock)
                .withSynchronizationStrategy(SynchronizationStrategy.SYNCHRONIZED)
                .build();
    }

    @Test
    void aStillClockAdmitsExactlyTheCapacity() {
        for (long capacity : new long[] {1, 10, 64, 1_000, 100_000}) {
            CreditedBucket b = new CreditedBucket(bucket(capacity), capacity);
            long admitted = 0;
            while (b.tryTake(1)) {
                admitted++;
            }
            assertThat(admitted).as("capacity %d", capacity).isEqualTo(capacity);
            assertThat(b.tryTake(1)).isFalse();
        }
    }

    @Test
    void racingThreadsTakeExactlyTheCapacityOfAStillClock() throws InterruptedException {
        long capacity = 100_000;
        CreditedBucket b = new CreditedBucket(bucket(capacity), capacity);
        AtomicLong admitted = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < 4; t++) {
            int n = t % 2 + 1; // one and two tokens at a time
            Thread th = new Thread(() -> {
                try {
                    start.await();
                } catch (InterruptedException e) {
                    return;
                }
                int refusals = 0;
                while (refusals < 100) { // a refusal of two tokens may leave one for a taker of one
                    if (b.tryTake(n)) {
                        admitted.addAndGet(n);
                    } else {
                        refusals++;
                    }
                }
            });
            th.start();
            threads.add(th);
        }
        start.countDown();
        for (Thread th : threads) {
            th.join();
        }
        assertThat(admitted.get()).isEqualTo(capacity);
    }

    @Test
    void givenBackTokensCanBeTakenAgain() {
        CreditedBucket b = new CreditedBucket(bucket(3), 3);
        assertThat(b.tryTake(2)).isTrue();
        b.giveBack(2);
        assertThat(b.tryTake(3)).isTrue();
        assertThat(b.tryTake(1)).isFalse();
    }

    @Test
    void neverAdmitsWhatAPlainBucketWouldRefuse() {
        Long only = Long.getLong("plinth.seed");
        for (long seed = only == null ? 1 : only; seed <= (only == null ? 200 : only); seed++) {
            SplittableRandom random = new SplittableRandom(seed);
            long capacity = 1 + random.nextInt(random.nextBoolean() ? 10 : 2_000);
            CreditedBucket credited = new CreditedBucket(bucket(capacity), capacity);
            Bucket verifier = bucket(capacity);
            long admitted = 0;
            for (int step = 0; step < 2_000; step++) {
                if (random.nextInt(4) == 0) {
                    nanos.addAndGet(random.nextLong(1_000_000_000L / capacity * 3 + 1)); // up to three tokens' time
                }
                long n = 1 + random.nextInt((int) Math.min(capacity, 3));
                if (random.nextInt(20) == 0) {
                    if (credited.tryTake(n)) { // a call that did nothing gives its tokens back
                        credited.giveBack(n);
                    }
                    continue;
                }
                if (credited.tryTake(n)) {
                    admitted += n;
                    assertThat(verifier.tryConsume(n))
                            .as("seed %d (replay with -Dplinth.seed=%d), step %d: %d tokens admitted that a plain "
                                    + "bucket of %d refuses", seed, seed, step, n, capacity)
                            .isTrue();
                }
            }
            assertThat(admitted).as("seed %d admits something", seed).isPositive();
        }
    }
}
