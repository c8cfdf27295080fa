package dev.plinth.io;

import java.nio.ByteBuffer;

/**
 * A read-only range of a file, from {@link VfsFile#map}, to read without a call into the file system per
 * read: a memory mapping with {@link NioVfs}, positional reads of the file otherwise (the default of
 * {@link VfsFile#map}, which the test kit's file systems build on). Whoever mapped it closes it; closing unmaps.
 *
 * <p>Bytes are handed out through {@link #bytes}, once per use of a range (a table reads a data block's bytes
 * through one call each time it uses the block): that call is where a file system reports a read error or
 * hands out bytes as they are in the file now, so its failures and the test kit's injected faults and damage
 * reach the caller at every use, not only when the range was mapped.
 *
 * <p>Thread-safe: any number of threads may call {@link #bytes} at once. The caller must make sure no thread
 * still reads a buffer from {@link #bytes} when it calls {@link #close()}: with {@link NioVfs} such a read
 * reads memory that is no longer mapped, which may crash the JVM. A reference count of the region's users,
 * released by the last, is the intended way. Use the region only while the {@link VfsFile} it came from is
 * open, and close it before the file.
 *
 * <p>A mapping shows later writes to its file. Reading mapped bytes whose page the disk cannot deliver, or
 * that a truncation removed, is no {@link dev.plinth.StorageIOException} when it happens in the caller's
 * reads of a buffer: the JVM raises an {@link InternalError} there (or, for a fault inside an intrinsic such as
 * {@code CRC32C}, the process may die). {@link #bytes} therefore reads one byte of every page of the range
 * before it hands the range out, and reports such a page as a {@code StorageIOException} naming the file and
 * offset. (HotSpot raises that {@code InternalError} not at the faulting read of compiled code but at the
 * thread's next call into the VM; {@link NioVfs}'s check ends with such a call, so the error arises inside
 * it.) A caller catches {@code InternalError} in its own reads of the buffer only for a page that was evicted
 * and then failed to be read back between that check and its read, and even then the error may arise after
 * the read.
 */
public interface MappedRegion extends AutoCloseable {
    /**
     * The name of the file this region maps.
     *
     * @return the name, as given to the {@link Vfs}
     */
    String name();

    /**
     * The region's length.
     *
     * @return bytes, as asked of {@link VfsFile#map}
     */
    int length();

    /**
     * The bytes of a range of the region, for one use. With {@link NioVfs} a view of the mapping (no copy)
     * whose every page was read once by this call; otherwise a copy read from the file now.
     *
     * @param offset where the range starts, from the region's start, at least 0
     * @param length its length, at least 0; {@code offset + length} at most {@link #length()}
     * @return a read-only buffer of {@code length} bytes, position 0, big-endian (the {@code ByteBuffer}
     *     default); valid until this region is closed
     * @throws IllegalArgumentException if the range is negative or runs past the region's end
     * @throws IllegalStateException if the region (or the file, for a region of positional reads) is closed
     * @throws dev.plinth.StorageIOException if the bytes cannot be read (a page the disk could not deliver, a
     *     file cut short under the mapping), naming the file and offset
     */
    ByteBuffer bytes(int offset, int length);

    /**
     * Whether {@link #close()} gives the memory and a deleted file's disk space back at once. {@code true}
     * for a region of positional reads and for {@link NioVfs} where the JVM allows unmapping
     * ({@code sun.misc.Unsafe.invokeCleaner} from module {@code jdk.unsupported}); where it does not,
     * closing only drops the region's reference and the mapping stays until the garbage collector frees it.
     *
     * @return whether closing unmaps at once
     */
    boolean unmapsOnClose();

    /**
     * Unmaps the region: buffers from {@link #bytes} must no longer be read (see the class comment).
     * Safe to call twice.
     */
    @Override
    void close();
}
