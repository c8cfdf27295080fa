package dev.plinth.cli.bench;

import dev.plinth.cli.Progress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;

/**
 * Runs one workload's workers on their own threads, all released at one instant, and times every step
 * into a per-thread HdrHistogram (nanoseconds, 3 significant digits) that is merged at the end. The
 * measured threads stop at the deadline, at their share of an operation count, or when their share of
 * the work is done; a background worker, if any, runs until the last of them stopped.
 *
 * <p>Used from one thread at a time; each call makes its own threads.
 */
final class PhaseRunner {
    private static final long PROGRESS_NANOS = TimeUnit.MILLISECONDS.toNanos(50);
    private static final int SIGNIFICANT_DIGITS = 3;

    private PhaseRunner() {
    }

    /**
     * Runs a phase.
     *
     * @param label what the progress bar says
     * @param workers one per measured thread
     * @param background an unmeasured worker that runs alongside, or {@code null}
     * @param durationNanos how long to run, or 0 to run until {@code ops} or the work is done
     * @param ops operations in all, shared out among the threads, or 0 for no count limit
     * @param progressTotal the progress bar's total, or -1 if unknown
     * @return what the measured threads did
     * @throws IllegalStateException if a thread died of something other than an engine error
     */
    static Measurement run(String label, List<Worker> workers, Worker background, long durationNanos, long ops,
                           long progressTotal) {
        int n = workers.size();
        CountDownLatch ready = new CountDownLatch(n + (background == null ? 0 : 1));
        CountDownLatch go = new CountDownLatch(1);
        long[] start = new long[1];
        AtomicLong progress = new AtomicLong();
        List<Lane> lanes = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            long quota = ops > 0 ? ops / n + (i < ops % n ? 1 : 0) : Long.MAX_VALUE;
            Lane lane = new Lane(workers.get(i), quota, durationNanos, ready, go, start, progress);
            lane.thread = new Thread(lane, "bench-" + label.replace(' ', '-') + "-" + i);
            lanes.add(lane);
        }
        Background bg = background == null ? null : new Background(background, ready, go);
        if (bg != null) {
            bg.thread = new Thread(bg, "bench-" + label.replace(' ', '-') + "-background");
            bg.thread.setDaemon(true);
            bg.thread.start();
        }
        for (Lane lane : lanes) {
            lane.thread.start();
        }
        try (Progress bar = Progress.start(label, progressTotal)) {
            ready.await();
            start[0] = System.nanoTime();
            go.countDown();
            long shown = 0;
            for (Lane lane : lanes) {
                while (true) {
                    lane.thread.join(100);
                    long now = progress.get();
                    bar.advance(now - shown);
                    shown = now;
                    if (!lane.thread.isAlive()) {
                        break;
                    }
                }
            }
            if (bg != null) {
                bg.stop = true;
                bg.thread.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while benchmarking " + label, e);
        }
        Histogram merged = new Histogram(SIGNIFICANT_DIGITS);
        long total = 0;
        long end = start[0];
        long errors = 0;
        long misses = 0;
        String problem = null;
        Map<String, Long> counters = new LinkedHashMap<>();
        List<Worker> all = new ArrayList<>(workers);
        if (bg != null) {
            all.add(background);
        }
        for (Lane lane : lanes) {
            if (lane.fatal != null) {
                throw new IllegalStateException("a benchmark thread of " + label + " died: " + lane.fatal, lane.fatal);
            }
            merged.add(lane.histogram);
            total += lane.ops;
            end = Math.max(end, lane.end);
        }
        if (bg != null && bg.fatal != null) {
            throw new IllegalStateException("the background thread of " + label + " died: " + bg.fatal, bg.fatal);
        }
        for (Worker w : all) {
            w.verify();
            errors += w.errors();
            misses += w.misses();
            if (problem == null) {
                problem = w.firstProblem();
            }
            w.counters().forEach((k, v) -> counters.merge(k, v, Long::sum));
        }
        return new Measurement(total, Math.max(1, end - start[0]), merged, errors, misses, problem, counters,
                bg == null ? 0 : bg.ops);
    }

    static String describe(RuntimeException e) {
        return e.getClass().getSimpleName() + (e.getMessage() == null ? "" : ": " + e.getMessage());
    }

    /** One measured thread. Its fields are read by the coordinator after join. */
    private static final class Lane implements Runnable {
        private final Worker worker;
        private final long quota;
        private final long durationNanos;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        private final long[] start;
        private final AtomicLong progress;
        private final Histogram histogram = new Histogram(SIGNIFICANT_DIGITS);
        Thread thread;
        long ops;
        long end;
        Throwable fatal;

        Lane(Worker worker, long quota, long durationNanos, CountDownLatch ready, CountDownLatch go, long[] start,
             AtomicLong progress) {
            this.worker = worker;
            this.quota = quota;
            this.durationNanos = durationNanos;
            this.ready = ready;
            this.go = go;
            this.start = start;
            this.progress = progress;
        }

        @Override
        public void run() {
            try {
                ready.countDown();
                go.await();
                long begin = start[0];
                boolean timed = durationNanos > 0;
                long deadline = begin + durationNanos;
                long reportedOps = 0;
                long reportedAt = begin;
                try {
                    while (ops < quota) {
                        long t0 = System.nanoTime();
                        if (timed && t0 - deadline >= 0) {
                            break;
                        }
                        int k = worker.step();
                        long t1 = System.nanoTime();
                        if (k == 0) {
                            break;
                        }
                        histogram.recordValueWithCount(Math.max(1, (t1 - t0) / k), k);
                        ops += k;
                        if (t1 - reportedAt > PROGRESS_NANOS) {
                            progress.addAndGet(ops - reportedOps);
                            reportedOps = ops;
                            reportedAt = t1;
                        }
                    }
                } catch (RuntimeException e) {
                    worker.error(describe(e));
                } finally {
                    end = System.nanoTime();
                    progress.addAndGet(ops - reportedOps);
                    try {
                        worker.close();
                    } catch (RuntimeException e) {
                        worker.error(describe(e));
                    }
                }
            } catch (Throwable t) {
                fatal = t;
            }
        }
    }

    /** The unmeasured thread; runs until told to stop. */
    private static final class Background implements Runnable {
        private final Worker worker;
        private final CountDownLatch ready;
        private final CountDownLatch go;
        volatile boolean stop;
        Thread thread;
        long ops;
        Throwable fatal;

        Background(Worker worker, CountDownLatch ready, CountDownLatch go) {
            this.worker = worker;
            this.ready = ready;
            this.go = go;
        }

        @Override
        public void run() {
            try {
                ready.countDown();
                go.await();
                try {
                    while (!stop) {
                        int k = worker.step();
                        if (k == 0) {
                            break;
                        }
                        ops += k;
                    }
                } catch (RuntimeException e) {
                    worker.error(describe(e));
                } finally {
                    try {
                        worker.close();
                    } catch (RuntimeException e) {
                        worker.error(describe(e));
                    }
                }
            } catch (Throwable t) {
                fatal = t;
            }
        }
    }
}
