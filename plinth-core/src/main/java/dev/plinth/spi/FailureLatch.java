package dev.plinth.spi;

import dev.plinth.CorruptionException;
import dev.plinth.PlinthException;
import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Remembers the first error after which an engine can no longer be trusted to write (a failed fsync, an
 * I/O error in the log, detected corruption, a write that failed half-way), and refuses every later write
 * with it. An engine must never retry a failed fsync into a false success: once the latch is tripped it
 * stays tripped until the engine is closed; reopening the store is the way back. Thread-safe; lock-free.
 *
 * <p>{@link #check(String)} throws the same kind of exception as the first failure, so callers can act on
 * it: a {@link CorruptionException} stays one, a {@link StorageFullException} stays one (with the advice
 * given when the latch tripped), any other {@link PlinthException} becomes a {@link StorageIOException},
 * and a failure that is not a {@code PlinthException} (an {@link Error} while applying a batch in memory,
 * say) an {@link IllegalStateException}. The first failure is always the cause.
 */
public final class FailureLatch {
    /** The first failure and what the engine advises about it; {@code null} until tripped. */
    private final AtomicReference<Tripped> tripped = new AtomicReference<>();
    private final String store;

    private record Tripped(Throwable cause, String advice) {
    }

    /**
     * A latch for one engine.
     *
     * @param store the store's URI or path, for messages
     */
    public FailureLatch(String store) {
        this.store = Objects.requireNonNull(store, "store");
    }

    /**
     * Records a failure, unless an earlier one was recorded; the earlier one is kept.
     *
     * @param cause the failure, as already translated for the caller that met it
     * @return {@code true} if this call tripped the latch
     */
    public boolean trip(Throwable cause) {
        return trip(cause, null);
    }

    /**
     * Records a failure with advice for the user, unless an earlier one was recorded.
     *
     * @param cause the failure
     * @param advice a sentence added to every later refusal (what to do about it), or {@code null}
     * @return {@code true} if this call tripped the latch
     */
    public boolean trip(Throwable cause, String advice) {
        return tripped.compareAndSet(null, new Tripped(Objects.requireNonNull(cause, "cause"), advice));
    }

    /**
     * Whether a failure was recorded.
     *
     * @return {@code true} once tripped
     */
    public boolean isTripped() {
        return tripped.get() != null;
    }

    /**
     * The first failure recorded.
     *
     * @return the failure, or {@code null} if none
     */
    public Throwable failure() {
        Tripped t = tripped.get();
        return t == null ? null : t.cause();
    }

    /**
     * Throws if a failure was recorded; for the start of every write (and of every read, for an engine
     * whose reads cannot be trusted after the failure either).
     *
     * @param operation what is being refused, for the message
     * @throws CorruptionException if the first failure was corruption
     * @throws StorageFullException if it was a full file system
     * @throws StorageIOException if it was another {@link PlinthException}
     * @throws IllegalStateException if it was anything else
     */
    public void check(String operation) {
        Tripped t = tripped.get();
        if (t == null) {
            return;
        }
        String message = operation + " on " + store + " was refused: the store accepts no more writes since an"
                + " earlier failure (" + t.cause().getMessage() + "); nothing was applied"
                + (t.advice() == null ? "" : "; " + t.advice());
        if (t.cause() instanceof CorruptionException) {
            throw new CorruptionException(message, t.cause());
        }
        if (t.cause() instanceof StorageFullException) {
            throw new StorageFullException(message, t.cause());
        }
        if (t.cause() instanceof PlinthException) {
            throw new StorageIOException(message, t.cause());
        }
        throw new IllegalStateException(message, t.cause());
    }
}
