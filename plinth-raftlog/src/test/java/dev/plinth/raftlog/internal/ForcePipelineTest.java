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
            for (int i = 2; i <= 3; i++) {
                pipeline.reserve(1);
                CompletableFuture<Integer> f = pipeline.registered(1, i);
                f.thenAccept(completed::add);
                later.add(f);
            }
            releaseFirstForce.countDown();
            for (CompletableFuture<Integer> f : later) {
                assertThat(f.get(30, TimeUnit.SECONDS)).isPositive();
            }
            pipeline.close();
            assertThat(completed).containsExactly(1, 2, 3);
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
