package dev.plinth.raftlog.internal;

import java.nio.ByteBuffer;

/**
 * Where a run of entries is read ({@link EntryRuns}): a direct buffer of {@link EntryRuns#RUN_BYTES} kept per thread,
 * or, for a run larger than that (a first entry larger on its own), a heap buffer of its own.
 *
 * <p>Direct, because a positional read into a heap buffer costs the JDK a second copy of every byte, through a
 * temporary direct buffer of its own; into a direct buffer the operating system copies the bytes once. Kept per
 * thread, because making a direct buffer zeroes it and registers a cleaner: one per read would cost more than the
 * copy saved. The buffer is only used inside one call that reads a run and decodes it at once, and decoding copies
 * every payload out of it, so no entry handed out shares it and no two uses on one thread overlap. A thread that
 * ever read keeps {@link EntryRuns#RUN_BYTES} of native memory until it ends. Thread safe (each thread its own).
 */
public final class RunBuffer {
    private static final ThreadLocal<ByteBuffer> KEPT =
            ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect((int) EntryRuns.RUN_BYTES));

    private RunBuffer() {
    }

    /**
     * A buffer of exactly {@code size} bytes to read a run into: position 0, limit {@code size}, contents undefined.
     * Valid until this thread's next call.
     *
     * @param size the bytes wanted
     * @return this thread's direct buffer, or a heap buffer for a size over {@link EntryRuns#RUN_BYTES}
     */
    public static ByteBuffer take(int size) {
        if (size > EntryRuns.RUN_BYTES) {
            return ByteBuffer.allocate(size);
        }
        return KEPT.get().clear().limit(size);
    }
}
