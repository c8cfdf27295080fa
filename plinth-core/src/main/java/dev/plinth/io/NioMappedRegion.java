package dev.plinth.io;

import dev.plinth.StorageIOException;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link MappedRegion} of {@link NioVfs}: a read-only memory mapping, unmapped by {@link #close()} where the
 * JVM allows it ({@link MappedRegions#canUnmap()}). {@link #bytes} hands out views of the mapping after reading
 * one byte of each of their pages, so that a page the disk cannot deliver or a truncation removed is reported
 * here as a {@link StorageIOException} rather than met later, as an {@link InternalError}, by the caller's
 * reads. Thread-safe.
 */
final class NioMappedRegion implements MappedRegion {
    /** The smallest page size of the platforms Java runs on: probing once per this many bytes touches every page. */
    private static final int PAGE = 4096;

    private final String name;
    private final String location;
    private final long position;
    /** The buffer {@code FileChannel.map} returned: only it can be unmapped, never a view of it. */
    private final MappedByteBuffer mapping;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A region of a mapping just made.
     *
     * @param name the file's name in its file system
     * @param location where it is, for messages
     * @param position where the mapping starts in the file
     * @param mapping what {@code FileChannel.map} returned, which this region unmaps
     */
    NioMappedRegion(String name, String location, long position, MappedByteBuffer mapping) {
        this.name = name;
        this.location = location;
        this.position = position;
        this.mapping = mapping;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public int length() {
        return mapping.capacity();
    }

    @Override
    public ByteBuffer bytes(int offset, int length) {
        if (closed.get()) {
            throw new IllegalStateException("the mapping of " + location + " is closed");
        }
        MappedRegions.checkRange(this, offset, length);
        if (length > 0) {
            try {
                touch(offset, length);
            } catch (InternalError e) {
                throw new StorageIOException("cannot read bytes " + (position + offset) + " to "
                        + (position + offset + length) + " of " + location + " through its memory mapping: a page"
                        + " could not be read (the file was cut short under the mapping, or the disk failed): "
                        + e.getMessage(), e);
            }
        }
        return mapping.slice(offset, length);
    }

    /**
     * Reads one byte of each page of the range (and its last byte), so that a page that cannot be read faults
     * here, then makes the JVM raise the {@link InternalError} it owes for such a fault before returning.
     */
    private int touch(int offset, int length) {
        int sum = 0;
        int end = offset + length - 1;
        for (int p = offset; p < end; p += PAGE) {
            sum += mapping.get(p);
        }
        return sum + mapping.get(end) + deliverPendingFault();
    }

    /**
     * Rows of the array {@link #deliverPendingFault} makes: 1, in a field that is not final so that no compiler
     * can take it for a constant.
     */
    private static int pendingFaultRows = 1;

    /**
     * Makes the JVM raise now an {@link InternalError} it owes this thread for a fault in an earlier read of a
     * mapping. HotSpot does not raise it at the faulting read of compiled code but at the thread's next call into
     * the VM ("a fault occurred in a recent unsafe memory access operation"), which could be anywhere later, in
     * the caller's code. Making a two-dimensional array whose size the compiler cannot see is always such a call,
     * interpreted and compiled alike, and a cheap one (tens of nanoseconds).
     *
     * @return 1
     */
    private static int deliverPendingFault() {
        return new byte[pendingFaultRows][0].length;
    }

    @Override
    public boolean unmapsOnClose() {
        return MappedRegions.canUnmap();
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            MappedRegions.unmap(mapping);
        }
    }

    @Override
    public String toString() {
        return "mapping of bytes " + position + " to " + (position + length()) + " of " + location;
    }
}
