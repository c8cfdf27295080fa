package dev.plinth.io;

import java.nio.ByteBuffer;

/**
 * An open file of a {@link Vfs}. Thread-safe: positional reads and writes may run concurrently (writes to
 * overlapping ranges in an unspecified order); {@link #append} and {@link #preallocate} are serialized
 * with each other on this handle. One writing handle per file at a time is the intended use; several
 * handles writing one file see each other's writes, but appends through different handles may interleave.
 *
 * <p>Whoever opened the handle closes it; {@link #close()} is idempotent. Any other call after close is an
 * {@link IllegalStateException}, as is a write on a handle {@linkplain Vfs#openRead(String) opened for
 * reading}. I/O failures are {@link dev.plinth.StorageIOException}s ({@link dev.plinth.StorageFullException}
 * when there is no room) naming the file and the operation. An interrupted thread's operations work as any
 * other thread's and keep its interrupt status: {@link NioVfs} does its I/O through a channel that interrupts
 * do not close (see {@code docs/io.md}).
 *
 * <p>Durability: written bytes are visible to every reader at once and survive a process crash; they
 * survive a power loss only once {@link #force()} (or, for bytes inside the durable size,
 * {@link #forceData()}) returns. Until then a power loss may drop or tear them.
 */
public interface VfsFile extends AutoCloseable {
    /**
     * The name this file was opened under.
     *
     * @return the name, as given to the {@link Vfs}
     */
    String name();

    /**
     * Whether this handle may write.
     *
     * @return {@code false} for a handle from {@link Vfs#openRead(String)}
     */
    boolean writable();

    /**
     * The file's size now, including bytes not yet forced.
     *
     * @return the size in bytes
     */
    long size();

    /**
     * Reads bytes at a position until {@code dst} is full or the end of the file is reached.
     *
     * @param position where to start, at least 0
     * @param dst where to put the bytes, from its position to its limit
     * @return the number of bytes read: fewer than {@code dst.remaining()} only if the end of the file was
     *     reached, 0 if {@code position} is at or past the end
     */
    int read(long position, ByteBuffer dst);

    /**
     * Maps a range of the file read-only, to read it without a call into the file system per read: a memory
     * mapping where the implementation has one ({@link NioVfs}), otherwise (this default, which the test kit's
     * file systems use) a region that reads the file with {@link #read} at every {@link MappedRegion#bytes}
     * call, so their injected read errors and damaged bytes reach each use of the range, not only this call.
     * Each use of a range goes through {@link MappedRegion#bytes}; see {@link MappedRegion} for when its buffers
     * may be read and how read errors show.
     *
     * <p>Only for a file nobody writes, truncates or deletes while the region is in use, such as an immutable
     * table (a mapping shows later writes; a truncation under it makes its reads fail). The caller closes the
     * region, which unmaps it, before it closes this handle; a region still open keeps a deleted file's space in
     * use.
     *
     * @param position where the region starts, at least 0
     * @param length its length in bytes, at least 0; {@code position + length} at most {@link #size()}
     * @return the region, which the caller closes
     * @throws IllegalArgumentException if the range is negative or runs past the end of the file
     * @throws dev.plinth.StorageIOException if the range cannot be mapped
     */
    default MappedRegion map(long position, int length) {
        MappedRegions.checkMapRange(name(), position, length, size());
        return new ReadRegion(this, position, length);
    }

    /**
     * Writes all of {@code src} at a position. Writing past the end extends the file; a gap between the
     * old end and {@code position} reads as zeros. When the disk fills part way, the bytes that fit may
     * have been written before the {@link dev.plinth.StorageFullException}. The file does not keep
     * {@code src}: once the call returns, normally or by an exception, the caller may overwrite or reuse the
     * buffer without changing what the file holds, now or after {@link #force()} (the lsm log reuses its
     * chunk buffer on this promise).
     *
     * @param position where to write, at least 0
     * @param src the bytes, from its position to its limit; its position is advanced to its limit
     */
    void write(long position, ByteBuffer src);

    /**
     * Writes all of {@code src} at the current end of the file. As with {@link #write}, the file does not
     * keep {@code src} once the call returns.
     *
     * @param src the bytes, from its position to its limit; its position is advanced to its limit
     * @return the position at which the bytes were written (the size before the call)
     */
    long append(ByteBuffer src);

    /**
     * Makes the file at least {@code length} bytes long by writing zeros after its end, so the space is
     * taken now and a full disk shows here rather than at a later write. Existing bytes are not changed;
     * a file already that long is left alone. The new size is durable after {@link #force()}.
     *
     * @param length the size wanted, at least 0
     */
    void preallocate(long length);

    /**
     * Shrinks the file to {@code size} bytes; a size at or past the end changes nothing. The new size is
     * durable after {@link #force()}.
     *
     * @param size the new size, at least 0
     */
    void truncate(long size);

    /**
     * Forces the file's contents and metadata (its size) to stable storage (fsync). When it returns, the
     * file as it is now survives a power loss, provided its name is durable (see
     * {@link Vfs#syncDirectory(String)}). A failure leaves the durable state unknown: the engine must treat
     * the file as failed, never retry into a false success.
     */
    void force();

    /**
     * Forces the file's contents without its metadata (fdatasync): when it returns, the bytes inside the
     * file's durable size (the size at the last {@link #force()}) survive a power loss; bytes past it, and
     * a change of size, may not (on Linux they usually do, but nothing may rely on it). Cheaper than
     * {@link #force()} for a preallocated file written in place. Failure as for {@link #force()}.
     */
    void forceData();

    /** Closes the handle; does not force anything. Safe to call twice. */
    @Override
    void close();
}
