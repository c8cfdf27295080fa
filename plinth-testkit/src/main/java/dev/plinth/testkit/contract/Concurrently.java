package dev.plinth.testkit.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Runs tasks on several threads that start together, and fails the test with every task's error.
 * Thread-safe; each call uses its own pool, shut down before it returns.
 *
 * <p>The timeout is a guard against hangs (a deadlock is a failure), never an assertion on speed.
 */
public final class Concurrently {
    /** How long a group of tasks may run before the test fails as hung. */
    public static final long TIMEOUT_SECONDS = 120;

    private Concurrently() {
    }

    /** A task body that may throw anything. */
    @FunctionalInterface
    public interface Task {
        /**
         * Runs the task.
         *
         * @param index the task's index, {@code 0..n-1}
         * @throws Exception anything; it fails the test
         */
        void run(int index) throws Exception;
    }

    /**
     * Runs {@code n} copies of {@code task} at once, released together by a latch, and waits for all.
     *
     * @param n how many threads
     * @param task the body, given its index
     * @throws AssertionError if any task threw (the first error, the others suppressed) or they hung
     */
    public static void run(int n, Task task) {
        List<Task> tasks = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            tasks.add(task);
        }
        runAll(tasks);
    }

    /**
     * Waits, up to {@link #TIMEOUT_SECONDS}, until a counter of reader checks is positive: a writer calls it
     * first so that readers are known to be running before it writes. Without it, on a busy machine the
     * writer could finish before any reader ran, and the test would check nothing concurrent.
     *
     * @param checks the readers' counter
     */
    public static void awaitFirst(java.util.concurrent.atomic.AtomicInteger checks) {
        long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
        while (checks.get() == 0 && System.nanoTime() < deadline) {
            Thread.yield();
        }
    }

    /**
     * Runs different tasks at once, released together by a latch, and waits for all; task {@code i} is
     * given index {@code i}.
     *
     * @param tasks the bodies
     * @throws AssertionError if any task threw (the first error, the others suppressed) or they hung
     */
    public static void runAll(List<Task> tasks) {
        int n = tasks.size();
        ExecutorService pool = Executors.newFixedThreadPool(n);
        CountDownLatch ready = new CountDownLatch(n);
        CountDownLatch go = new CountDownLatch(1);
        List<Future<?>> futures = new ArrayList<>();
        try {
            for (int i = 0; i < n; i++) {
                int index = i;
                Task t = tasks.get(i);
                futures.add(pool.submit(() -> {
                    ready.countDown();
                    go.await();
                    t.run(index);
                    return null;
                }));
            }
            if (!ready.await(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                throw new AssertionError("threads did not start within " + TIMEOUT_SECONDS + " s");
            }
            go.countDown();
            AssertionError failure = null;
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(TIMEOUT_SECONDS);
            for (int i = 0; i < n; i++) {
                try {
                    futures.get(i).get(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (failure == null) {
                        failure = cause instanceof AssertionError a ? a
                                : new AssertionError("task " + i + " failed: " + cause, cause);
                    } else {
                        failure.addSuppressed(cause);
                    }
                } catch (TimeoutException e) {
                    AssertionError hung = new AssertionError("task " + i + " still running after "
                            + TIMEOUT_SECONDS + " s: deadlock or livelock");
                    if (failure != null) {
                        hung.addSuppressed(failure);
                    }
                    throw hung;
                }
            }
            if (failure != null) {
                throw failure;
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        } finally {
            pool.shutdownNow();
            try {
                pool.awaitTermination(TIMEOUT_SECONDS, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }
}
