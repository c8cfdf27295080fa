package dev.plinth.raftlog.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The order in which a {@link ForcePipeline} completes its futures. */
class ForcePipelineTest {

    private static void await(CountDownLatch latch) {
        try {
            assertThat(latch.await(30, TimeUnit.SECONDS)).as("latch released").isTrue();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError(e);
        }
    }

    /**
     * Regression: a force task handed the next records to a new task before completing its own futures, and the
     * new task completed its futures on its own thread, so a slow dependent action of the first future let later
     * futures complete before it.
     */
    @Test
    void futuresCompleteInTheOrderOfTheirRecordsWhileAnEarlierFuturesDependentActionIsSlow() throws Exception {
        ExecutorService threads = ForcePipeline.threads("pipeline-test");
        CountDownLatch firstForceBegan = new CountDownLatch(1);
        CountDownLatch releaseFirstForce = new CountDownLatch(1);
        CountDownLatch secondForceDone = new CountDownLatch(1);
        AtomicInteger forces = new AtomicInteger();
        ForcePipeline<Integer> pipeline = new ForcePipeline<>(() -> {
            int n = forces.incrementAndGet();
            if (n == 1) {
                firstForceBegan.countDown();
                await(releaseFirstForce);
            } else if (n == 2) {
                secondForceDone.countDown();
            }
        }, threads, 1 << 20, () -> "test log", e -> { });
        List<Integer> completed = Collections.synchronizedList(new ArrayList<>());
        try {
            pipeline.reserve(1);
            CompletableFuture<Integer> first = pipeline.registered(1, 1);
            first.thenAccept(v -> {
                await(secondForceDone); // the later records are forced by now
                try {
                    Thread.sleep(200); // room for a wrong completion of them to happen first
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                completed.add(v);
            });
            await(firstForceBegan); // the first force covers the first record only
            List<CompletableFuture<Integer>> later = new ArrayList<>();
            // Record 2's action may run on this thread (its get below may run it) after record 3's ran on the
            // completing thread: so the order of 2 and 3 is checked by record 3's action seeing record 2's future done.
            List<String> outOfOrder = Collections.synchronizedList(new ArrayList<>());
            CompletableFuture<Integer> previous = first;
            for (int i = 2; i <= 3; i++) {
                pipeline.reserve(1);
                CompletableFuture<Integer> f = pipeline.registered(1, i);
                CompletableFuture<Integer> before = previous;
                f.thenAccept(v -> {
                    if (!before.isDone()) {
                        outOfOrder.add(v + " completed before " + (v - 1));
                    }
                    completed.add(v);
                });
                later.add(f);
                previous = f;
            }
            releaseFirstForce.countDown();
            for (CompletableFuture<Integer> f : later) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isPositive();
            }
            pipeline.close();
            // Record 1's action returns (after its pause) before records 2 and 3 complete: it is recorded first.
            assertThat(completed).hasSize(3).first().isEqualTo(1);
            assertThat(completed).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(outOfOrder).isEmpty();
            assertThat(forces.get()).isEqualTo(2);
        } finally {
            releaseFirstForce.countDown();
            threads.shutdownNow();
        }
    }

    @Test
    void closeWaitsUntilEveryFutureIsCompleted() {
        ExecutorService threads = ForcePipeline.threads("pipeline-test");
        ForcePipeline<Integer> pipeline = new ForcePipeline<>(() -> { }, threads, 1 << 20, () -> "test log", e -> { });
        List<CompletableFuture<Integer>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < 1_000; i++) {
                pipeline.reserve(10);
                futures.add(pipeline.registered(10, i));
            }
            pipeline.close();
            assertThat(futures).allMatch(f -> f.isDone() && !f.isCompletedExceptionally());
        } finally {
            threads.shutdownNow();
        }
    }
}
