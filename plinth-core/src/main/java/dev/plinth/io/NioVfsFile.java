package dev.plinth.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.util.concurrent.atomic.AtomicBoolean;

/** A {@link VfsFile} on a {@link FileChannel}; see {@link VfsFile} for the contract. */
final class NioVfsFile implements VfsFile {
    /** Zeros written by {@link #preallocate}, in chunks of this many bytes. */
    private static final int ZERO_CHUNK = 64 * 1024;

    private final String name;
    private final String location;
    private final FileChannel channel;
    private final boolean writable;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Serializes appends and preallocation, which both read the size and then write at it. */
    private final Object appendLock = new Object();

    /**
     * Wraps an open channel.
     *
     * @param name the file's name in its file system
     * @param location where it is, for messages
     * @param channel the open channel, which this file closes
     * @param writable whether it was opened for writing
     */
    NioVfsFile(String name, String location, FileChannel channel, boolean writable) {
        this.name = name;
        this.location = location;
        this.channel = channel;
        this.writable = writable;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean writable() {
        return writable;
    }

    private void checkOpen() {
        if (closed.get()) {
            throw new IllegalStateException("file " + location + " is closed");
        }
    }

    private void checkWritable(String operation) {
        checkOpen();
        if (!writable) {
            throw new IllegalStateException("cannot " + operation + " " + location + ": it was opened for reading only");
        }
    }

    private RuntimeException fail(String operation, IOException e) {
        if (e instanceof ClosedChannelException && !(e instanceof ClosedByInterruptException) && closed.get()) {
            return new IllegalStateException("file " + location + " was closed during " + operation, e);
        }
        return StorageErrors.translate(operation, location, e);
    }

    @Override
    public long size() {
        checkOpen();
        try {
            return channel.size();
        } catch (IOException e) {
            throw fail("read the size of", e);
        }
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        checkOpen();
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position + " reading " + location);
        }
        int total = 0;
        try {
            while (dst.hasRemaining()) {
                int n = channel.read(dst, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            throw fail("read", e);
        }
        return total;
    }

    /**
     * Maps the range read-only with {@link FileChannel#map}; see {@link VfsFile#map} and {@link MappedRegion} for
     * what that implies. The region's {@link MappedRegion#close()} unmaps it.
     */
    @Override
    public MappedRegion map(long position, int length) {
        checkOpen();
        MappedRegions.checkMapRange(location, position, length, size());
        try {
            return new NioMappedRegion(name, location, position, channel.map(FileChannel.MapMode.READ_ONLY, position,
                    length));
        } catch (IOException e) {
            throw fail("map", e);
        }
    }

    @Override
    public void write(long position, ByteBuffer src) {
        checkWritable("write");
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position + " writing " + location);
        }
        writeFully(position, src);
    }

    private void writeFully(long position, ByteBuffer src) {
        long at = position;
        try {
            while (src.hasRemaining()) {
                at += channel.write(src, at);
            }
        } catch (IOException e) {
            throw fail("write", e);
        }
    }

    @Override
    public long append(ByteBuffer src) {
        checkWritable("append to");
        synchronized (appendLock) {
            long at = size();
            writeFully(at, src);
            return at;
        }
    }

    @Override
    public void preallocate(long length) {
        checkWritable("preallocate");
        if (length < 0) {
            throw new IllegalArgumentException("negative length " + length + " preallocating " + location);
        }
        synchronized (appendLock) {
            long at = size();
            ByteBuffer zeros = ByteBuffer.allocate((int) Math.min(ZERO_CHUNK, Math.max(0, length - at)));
            while (at < length) {
                zeros.clear().limit((int) Math.min(zeros.capacity(), length - at));
                int n = zeros.remaining();
                writeFully(at, zeros);
                at += n;
            }
        }
    }

    @Override
    public void truncate(long size) {
        checkWritable("truncate");
        if (size < 0) {
            throw new IllegalArgumentException("negative size " + size + " truncating " + location);
        }
        try {
            channel.truncate(size);
        } catch (IOException e) {
            throw fail("truncate", e);
        }
    }

    @Override
    public void force() {
        checkOpen();
        try {
            channel.force(true);
        } catch (IOException e) {
            throw fail("force", e);
        }
    }

    @Override
    public void forceData() {
        checkOpen();
        try {
            channel.force(false);
        } catch (IOException e) {
            throw fail("force the data of", e);
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            try {
                channel.close();
            } catch (IOException e) {
                throw StorageErrors.translate("close", location, e);
            }
        }
    }

    @Override
    public String toString() {
        return (writable ? "writable " : "read-only ") + "file " + location;
    }
}
