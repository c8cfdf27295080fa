package dev.plinth.etcd;

import dev.plinth.OutcomeUnknownException;
import dev.plinth.StorageIOException;
import io.etcd.jetcd.common.exception.EtcdException;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Supplier;

/**
 * Waits for jetcd calls with a deadline and translates their failures at the edge: reads that fail are
 * {@link StorageIOException}s (or {@link CompactedRevisionException}); writes whose request may have reached
 * the cluster are {@link OutcomeUnknownException}s and are never retried. Thread-safe.
 */
final class Remote {
    private final String store;
    private final long timeoutMillis;

    Remote(String store, long timeoutMillis) {
        this.store = store;
        this.timeoutMillis = timeoutMillis;
    }

    String store() {
        return store;
    }

    /**
     * Waits for a read, or any call that changes nothing.
     *
     * @param what the operation and key, for the message
     */
    <T> T read(CompletableFuture<T> call, String what) {
        try {
            return call.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new StorageIOException(what + " on " + store + " got no answer within " + timeoutMillis
                    + " ms; the cluster may have lost its quorum or be unreachable", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new StorageIOException(what + " on " + store + " was interrupted", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isCompacted(cause)) {
                throw new CompactedRevisionException(what + " on " + store + " needs a revision that etcd has compacted"
                        + " away; the view it reads no longer exists (" + cause.getMessage() + ")", cause);
            }
            throw new StorageIOException(what + " on " + store + " failed: " + describe(cause), cause);
        }
    }

    /**
     * Waits for a write. Only an answer from etcd, success or a definite refusal, is a known outcome;
     * a timeout, a lost connection or an interrupt after sending is an unknown one.
     *
     * @param what the operation and keys, for the message
     */
    <T> T write(CompletableFuture<T> call, String what) {
        return write(call, () -> what);
    }

    /**
     * As {@link #write(CompletableFuture, String)}, with the description made only if the write fails, so
     * that a write that succeeds spends nothing on its message.
     */
    <T> T write(CompletableFuture<T> call, Supplier<String> what) {
        try {
            return call.get(timeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            call.cancel(true);
            throw new OutcomeUnknownException(what.get() + " on " + store + " got no answer within " + timeoutMillis
                    + " ms: it may or may not have been applied, and was not retried", e);
        } catch (InterruptedException e) {
            call.cancel(true);
            Thread.currentThread().interrupt();
            throw new OutcomeUnknownException(what.get() + " on " + store + " was interrupted while waiting for etcd:"
                    + " it may or may not have been applied", e);
        } catch (ExecutionException e) {
            Throwable cause = e.getCause();
            if (isDefiniteRefusal(cause)) {
                throw new StorageIOException(what.get() + " on " + store + " was refused by etcd and not applied: "
                        + describe(cause), cause);
            }
            throw new OutcomeUnknownException(what.get() + " on " + store + " failed with " + describe(cause)
                    + ": it may or may not have been applied, and was not retried", cause);
        }
    }

    private static Status.Code code(Throwable t) {
        if (t instanceof StatusRuntimeException s) {
            return s.getStatus().getCode();
        }
        if (t instanceof EtcdException e) {
            try {
                return Status.Code.valueOf(e.getErrorCode().name());
            } catch (IllegalArgumentException ignored) {
                return Status.Code.UNKNOWN;
            }
        }
        if (t != null && t.getCause() != null && t.getCause() != t) {
            return code(t.getCause());
        }
        return Status.Code.UNKNOWN;
    }

    static boolean isCompacted(Throwable t) {
        for (Throwable c = t; c != null; c = c.getCause() == c ? null : c.getCause()) {
            String m = c.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("compacted")) {
                return true;
            }
        }
        return false;
    }

    /** Refusals etcd sends before it proposes anything: the request was invalid or not permitted. */
    private static boolean isDefiniteRefusal(Throwable t) {
        Status.Code c = code(t);
        return c == Status.Code.INVALID_ARGUMENT || c == Status.Code.PERMISSION_DENIED
                || c == Status.Code.UNAUTHENTICATED || c == Status.Code.FAILED_PRECONDITION
                || c == Status.Code.OUT_OF_RANGE || c == Status.Code.RESOURCE_EXHAUSTED
                || c == Status.Code.NOT_FOUND; // a lease named by the request no longer exists
    }

    private static String describe(Throwable t) {
        return t == null ? "an unknown error" : t.getClass().getSimpleName() + ": " + t.getMessage();
    }
}
