package dev.plinth.decorators.internal;

import dev.plinth.OutcomeUnknownException;
import dev.plinth.PlinthException;
import dev.plinth.decorators.OperationTimeoutException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

/**
 * Bounds every point read, cursor open, snapshot, batch, flush and compaction by a deadline: the call runs on
 * a thread of this decorator while the caller waits up to the deadline. An overrun read, cursor open,
 * snapshot, flush or compaction throws {@link OperationTimeoutException}; an overrun batch throws
 * {@link OutcomeUnknownException}, since it may still apply. The abandoned call goes on in the engine; what it
 * returns later (a cursor, a snapshot) is closed when it arrives. Each step of an open cursor
 * ({@code next}, {@code seek}) is bounded too: an overrun step throws {@link OperationTimeoutException}, and
 * the cursor then refuses every further step (its position is unknown) until it is closed; the engine's
 * cursor is closed once the abandoned step returns, never under it.
 *
 * <p>{@link #close()} waits for abandoned calls to finish before it closes the engine, since an engine must
 * not be closed under a call. Thread-safe: the executor is the only shared state.
 */
public final class TimeLimitedEngine extends ForwardingEngine {
    private final Duration timeout;
    private final long timeoutNanos;
    private final String name;
    private final ExecutorService executor;
    private final LongAdder overruns = new LongAdder();

    /**
     * Wraps an engine.
     *
     * @param delegate the engine
     * @param name the store's name, for messages
     * @param timeout the deadline of every bounded call, positive
     */
    public TimeLimitedEngine(Engine delegate, String name, Duration timeout) {
        super(delegate);
        if (timeout.isZero() || timeout.isNegative()) {
            throw new IllegalArgumentException("the timeout must be positive, got " + timeout);
        }
        this.timeout = timeout;
        this.timeoutNanos = timeout.toNanos();
        this.name = name;
        AtomicInteger n = new AtomicInteger();
        this.executor = Executors.newCachedThreadPool(r -> {
            Thread t = new Thread(r, "plinth-timeout-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    /** Runs a call within the deadline; {@code onLate} closes what an abandoned call returns later. */
    private <T> T bounded(Supplier<String> what, boolean write, Callable<T> call, java.util.function.Consumer<T> onLate) {
        Future<T> f = executor.submit(call);
        try {
            return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
        } catch (TimeoutException e) {
            overruns.increment();
            if (onLate != null) {
                executor.execute(() -> {
                    try {
                        T late = f.get();
                        if (late != null) {
                            onLate.accept(late);
                        }
                    } catch (InterruptedException | ExecutionException | RuntimeException ignored) {
                        // the abandoned call failed or was cancelled: nothing to close
                    }
                });
            }
            String msg = what.get() + " on " + name + " did not finish within " + timeout.toMillis() + " ms ("
                    + timeout + ") and was abandoned";
            throw write ? new OutcomeUnknownException(msg + "; it may still apply: read before retrying")
                    : new OperationTimeoutException(msg + "; it may be retried");
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new PlinthException(what.get() + " on " + name + " was interrupted while waiting for the engine", e);
        } catch (ExecutionException e) {
            Throwable c = e.getCause();
            if (c instanceof RuntimeException r) {
                throw r;
            }
            if (c instanceof Error err) {
                throw err;
            }
            throw new PlinthException(what.get() + " on " + name + " failed", c);
        }
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        return bounded(() -> "a read of key " + Keys.show(key) + " in keyspace " + keyspace.name(), false,
                () -> delegate().get(keyspace, key), null);
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        EngineCursor c = bounded(() -> "opening a cursor over " + scan + " of keyspace " + keyspace.name(), false,
                () -> delegate().cursor(keyspace, scan), EngineCursor::close);
        return new TimedCursor(c, keyspace.name());
    }

    /**
     * A cursor whose steps run on the decorator's threads within the deadline. Not thread-safe, as cursors
     * are not; each step's hand-off orders it with the caller's next call.
     */
    private final class TimedCursor implements EngineCursor {
        private final EngineCursor cursor;
        private final String keyspace;
        /** The step that overran and may still run in the engine; {@code null} while none did. */
        private Future<?> abandoned;
        private boolean closed;

        TimedCursor(EngineCursor cursor, String keyspace) {
            this.cursor = cursor;
            this.keyspace = keyspace;
        }

        private <T> T step(String what, Callable<T> call) {
            if (abandoned != null) {
                throw new OperationTimeoutException("a cursor over keyspace " + keyspace + " of " + name
                        + " had a step abandoned after " + timeout.toMillis() + " ms, so its position is unknown; "
                        + "close it and open a new one");
            }
            Future<T> f = executor.submit(call);
            try {
                return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
            } catch (TimeoutException e) {
                overruns.increment();
                abandoned = f;
                throw new OperationTimeoutException(what + " of a cursor over keyspace " + keyspace + " of " + name
                        + " did not finish within " + timeout.toMillis() + " ms (" + timeout
                        + ") and was abandoned; the cursor refuses further steps");
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new PlinthException(what + " of a cursor over keyspace " + keyspace + " of " + name
                        + " was interrupted while waiting for the engine", e);
            } catch (ExecutionException e) {
                Throwable c = e.getCause();
                if (c instanceof RuntimeException r) {
                    throw r;
                }
                if (c instanceof Error err) {
                    throw err;
                }
                throw new PlinthException(what + " of a cursor over keyspace " + keyspace + " of " + name
                        + " failed", c);
            }
        }

        @Override
        public boolean next() {
            return step("a step", cursor::next);
        }

        @Override
        public byte[] key() {
            return cursor.key();
        }

        @Override
        public byte[] value() {
            return cursor.value();
        }

        @Override
        public void seek(byte[] key) {
            step("a seek to key " + Keys.show(key), () -> {
                cursor.seek(key);
                return null;
            });
        }

        /** Closes the engine's cursor now, or once an abandoned step returns. */
        @Override
        public void close() {
            if (closed) {
                return;
            }
            closed = true;
            Future<?> late = abandoned;
            if (late == null) {
                cursor.close();
                return;
            }
            Runnable closeLate = () -> {
                try {
                    late.get();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                } catch (ExecutionException | RuntimeException ignored) {
                    // the abandoned step failed: the cursor is still closed below
                }
                cursor.close();
            };
            try {
                executor.execute(closeLate);
            } catch (java.util.concurrent.RejectedExecutionException e) {
                closeLate.run(); // the store is closing: wait here, since close waits for abandoned calls anyway
            }
        }
    }

    @Override
    public EngineSnapshot snapshot() {
        return bounded(() -> "taking a snapshot", false, () -> delegate().snapshot(), EngineSnapshot::close);
    }

    @Override
    public boolean apply(EngineBatch batch) {
        return bounded(() -> describe(batch), true, () -> delegate().apply(batch), null);
    }

    private static String describe(EngineBatch batch) {
        EngineBatch.Mutation first = batch.mutations().isEmpty() ? null : batch.mutations().get(0);
        return first == null ? "a batch of checks"
                : "a batch of " + batch.mutations().size() + " writes starting with key " + Keys.show(first.key())
                        + " in keyspace " + first.keyspace().name();
    }

    @Override
    public void flush() {
        bounded(() -> "flush", false, () -> {
            delegate().flush();
            return null;
        }, null);
    }

    @Override
    public void compact() {
        bounded(() -> "compaction", false, () -> {
            delegate().compact();
            return null;
        }, null);
    }

    /** Counter {@code timeout.overruns}, then the delegate's. */
    @Override
    public Map<String, Long> stats() {
        Map<String, Long> out = new HashMap<>(delegate().stats());
        out.put("timeout.overruns", overruns.sum());
        return out;
    }

    /** Waits for abandoned calls (and the closing of what they return), then closes the engine. */
    @Override
    public void close() {
        executor.shutdown();
        boolean interrupted = false;
        while (true) {
            try {
                if (executor.awaitTermination(1, TimeUnit.SECONDS)) {
                    break;
                }
            } catch (InterruptedException e) {
                interrupted = true;
            }
        }
        if (interrupted) {
            Thread.currentThread().interrupt();
        }
        super.close();
    }
}
