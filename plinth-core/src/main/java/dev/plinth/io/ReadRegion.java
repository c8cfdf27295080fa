package dev.plinth.io;

import dev.plinth.StorageIOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A {@link MappedRegion} that reads its file with a positional read ({@link VfsFile#read}) at every
 * {@link #bytes} call: the default of {@link VfsFile#map}, so a file system without mappings (the test kit's)
 * serves each use of a range as a read of the file as it is now, with that read's errors. Thread-safe.
 */
final class ReadRegion implements MappedRegion {
    private final VfsFile file;
    private final long position;
    private final int length;
    private final AtomicBoolean closed = new AtomicBoolean();

    /**
     * A region of a file's range, checked by the caller.
     *
     * @param file the open file it reads
     * @param position where the range starts
     * @param length its length
     */
    ReadRegion(VfsFile file, long position, int length) {
        this.file = file;
        this.position = position;
        this.length = length;
    }

    @Override
    public String name() {
        return file.name();
    }

    @Override
    public int length() {
        return length;
    }

    @Override
    public ByteBuffer bytes(int offset, int len) {
        if (closed.get()) {
            throw new IllegalStateException("the mapped region of " + file + " is closed");
        }
        MappedRegions.checkRange(this, offset, len);
        ByteBuffer b = ByteBuffer.allocate(len);
        long at = position + offset;
        int n = file.read(at, b);
        if (n != len) {
            throw new StorageIOException("cannot read bytes " + at + " to " + (at + len) + " of " + file
                    + " through its mapped region: the file ends at " + (at + n) + ", it was cut short under the region");
        }
        return b.flip().asReadOnlyBuffer();
    }

    @Override
    public boolean unmapsOnClose() {
        return true;
    }

    @Override
    public void close() {
        closed.set(true);
    }

    @Override
    public String toString() {
        return "region of bytes " + position + " to " + (position + length) + " of " + file;
    }
}
