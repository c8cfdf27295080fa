package dev.plinth.raftlog.internal;

import java.nio.ByteBuffer;

/**
 * The read buffer of one streaming read ({@link PointLogReader}), reused for every run it reads so that a run does
 * not allocate and zero a new array: grown when a run needs more, dropped on {@link #release()}. Safe to reuse
 * because decoding a run copies every payload out of it ({@link EntryRuns#decode}): no entry handed out shares its
 * array. Not thread safe: owned by one reader, used under the group's monitor.
 */
public final class RunBuffer {
    private ByteBuffer buffer;

    /**
     * A buffer of exactly {@code size} bytes to read into: position 0, limit {@code size}. Its contents are the
     * previous run's until read over; it is valid until the next call.
     *
     * @param size the bytes wanted
     * @return the buffer, heap backed
     */
    public ByteBuffer take(int size) {
        if (buffer == null || buffer.capacity() < size) {
            buffer = ByteBuffer.allocate(size);
        }
        return buffer.clear().limit(size);
    }

    /** Drops the buffer; a later {@link #take} allocates again. */
    public void release() {
        buffer = null;
    }
}
