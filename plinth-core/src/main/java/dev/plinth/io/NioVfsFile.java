package dev.plinth.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A {@link VfsFile} on a {@link FileChannel}; see {@link VfsFile} for the contract.
 *
 * <p><b>Interrupts.</b> The JDK closes a {@code FileChannel} when a thread blocked in it, or entering it, is
 * interrupted, and every later call on it fails. A store must not fail because a caller's thread was
 * cancelled, so this handle keeps its promises across interrupts in three steps:
 * <ol>
 *   <li>Each operation sets the calling thread's interrupt status aside for the call and restores it after,
 *       so an interrupt that arrived before the call closes nothing.</li>
 *   <li>An interrupt that arrives during a read, write, mapping or truncation still closes the channel; the
 *       handle then reopens the file and repeats the operation. Each of them can be repeated with the same
 *       result: reads and writes name their position, a write is repeated whole (the buffer advances only on
 *       success), a truncation to a size is the same twice. A force on a handle opened for reading is not repeated
 *       (see the next step for why); it fails, and the handle stays usable. The reopened channel must be the same file: it is
 *       found by its file key (device and inode), under its name or, after a rename within its directory (the
 *       only rename {@link Vfs} allows), under its new one. A file that was deleted meanwhile cannot be
 *       reopened, and the operation fails as before the fix, naming the interrupt.</li>
 *   <li>Forces, the size and truncation of a writable handle go through a second descriptor of the same
 *       open, an {@link AsynchronousFileChannel}, whose calls the JDK does not break off on an interrupt.
 *       So an {@code fsync} is never abandoned half way and its result never dropped: a write-back error is
 *       reported to the force that waits for it, never swallowed by a discarded call and then missed by a
 *       retry on a new descriptor.</li>
 * </ol>
 * Other threads using the handle when an interrupt closes its channel see an asynchronous close; they reopen
 * and repeat their operation the same way. Only {@link #close()} ends the handle.
 */
final class NioVfsFile implements VfsFile {
    /** Zeros written by {@link #preallocate}, in chunks of this many bytes. */
    private static final int ZERO_CHUNK = 64 * 1024;

    private final String name;
    private final boolean writable;
    /** The file's identity (device and inode), to find it again after an interrupt; null where unknown. */
    private final Object fileKey;
    /** Forces, size and truncation of a writable handle; calls on it are not broken off by interrupts. */
    private final AsynchronousFileChannel syncChannel;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Serializes appends and preallocation, which both read the size and then write at it. */
    private final Object appendLock = new Object();
    /** Guards replacing {@link #channel} after an interrupt closed it, against {@link #close()}. */
    private final Object reopenLock = new Object();
    /** The channel for reads, writes and mappings; replaced when an interrupt closes it. */
    private volatile FileChannel channel;
    /** Where the file is now, for messages and reopening: its name may change by a rename. */
    private volatile Path location;
    /** How many times the channel was reopened, for tests. */
    private volatile int reopens;

    private NioVfsFile(String name, Path path, FileChannel channel, AsynchronousFileChannel syncChannel,
            boolean writable, Object fileKey) {
        this.name = name;
        this.location = path;
        this.channel = channel;
        this.syncChannel = syncChannel;
        this.writable = writable;
        this.fileKey = fileKey;
    }

    /**
     * Opens a file.
     *
     * @param name the file's name in its file system
     * @param path its path
     * @param writable whether to open it for writing
     * @param createNew whether to create it, failing if it exists
     * @return the open file
     * @throws IOException if it cannot be opened
     */
    static NioVfsFile open(String name, Path path, boolean writable, boolean createNew) throws IOException {
        OpenOption[] options = createNew
                ? new OpenOption[] {StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE}
                : reopenOptions(writable);
        FileChannel channel = FileChannel.open(path, options);
        AsynchronousFileChannel sync = null;
        try {
            Object key = Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
            if (writable) {
                sync = AsynchronousFileChannel.open(path, StandardOpenOption.READ, StandardOpenOption.WRITE);
            }
            return new NioVfsFile(name, path, channel, sync, writable, key);
        } catch (IOException | RuntimeException e) {
            closeQuietly(channel, e);
            if (sync != null) {
                closeQuietly(sync, e);
            }
            throw e;
        }
    }

    private static OpenOption[] reopenOptions(boolean writable) {
        return writable
                ? new OpenOption[] {StandardOpenOption.READ, StandardOpenOption.WRITE}
                : new OpenOption[] {StandardOpenOption.READ};
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
        return StorageErrors.translate(operation, location.toString(), e);
    }

    /** One operation on the channel, repeatable with the same result. */
    @FunctionalInterface
    private interface ChannelCall<T> {
        T on(FileChannel channel) throws IOException;
    }

    /** One operation on the uninterruptible channel. */
    @FunctionalInterface
    private interface SyncCall<T> {
        T on(AsynchronousFileChannel channel) throws IOException;
    }

    /**
     * Runs an operation on the channel with the thread's interrupt status set aside, reopening the file and
     * repeating the operation when an interrupt (of this thread or another one using the handle) closed the
     * channel under it. Restores the interrupt status before it returns or throws.
     */
    private <T> T onChannel(String operation, ChannelCall<T> call) {
        return onChannel(operation, true, call);
    }

    /**
     * As {@link #onChannel(String, ChannelCall)}; an operation that is not {@code repeatable} fails when an
     * interrupt closed the channel under it (the handle is still reopened for later operations).
     */
    private <T> T onChannel(String operation, boolean repeatable, ChannelCall<T> call) {
        boolean interrupted = Thread.interrupted();
        try {
            while (true) {
                FileChannel current = channel;
                try {
                    return call.on(current);
                } catch (ClosedChannelException e) {
                    if (closed.get() && !(e instanceof ClosedByInterruptException)) {
                        throw fail(operation, e);
                    }
                    // Closed by an interrupt, of this thread or of another one using the handle.
                    interrupted |= Thread.interrupted();
                    reopen(current, operation, e);
                    if (!repeatable) {
                        throw fail(operation, e);
                    }
                } catch (IOException e) {
                    throw fail(operation, e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Runs an operation on the uninterruptible channel of a writable handle. */
    private <T> T onSyncChannel(String operation, SyncCall<T> call) {
        try {
            return call.on(syncChannel);
        } catch (IOException e) {
            throw fail(operation, e);
        }
    }

    /**
     * Replaces a channel an interrupt closed with a new one on the same file, unless another thread did so
     * already or the handle was closed.
     */
    private void reopen(FileChannel stale, String operation, ClosedChannelException cause) {
        synchronized (reopenLock) {
            if (closed.get()) {
                throw new IllegalStateException("file " + location + " was closed during " + operation, cause);
            }
            if (channel != stale) {
                return;
            }
            FileChannel fresh = openSameFile(operation, cause);
            channel = fresh;
            reopens++;
        }
    }

    /**
     * Closes the current channel as an interrupt would, so tests can reach the reopening deterministically.
     *
     * @throws IOException if closing fails
     */
    void closeChannelAsAnInterruptWould() throws IOException {
        channel.close();
    }

    /**
     * How many times an interrupt made this handle reopen its file.
     *
     * @return the count
     */
    int reopens() {
        return reopens;
    }

    private FileChannel openSameFile(String operation, ClosedChannelException cause) {
        IOException problem = null;
        if (fileKey != null) {
            try {
                FileChannel fresh = openIfSame(location);
                if (fresh == null) {
                    fresh = findRenamed();
                }
                if (fresh != null) {
                    return fresh;
                }
            } catch (IOException e) {
                problem = e;
            }
        }
        RuntimeException failure = StorageErrors.translate(operation, location.toString(), cause);
        failure.addSuppressed(new IOException("the file could not be reopened after the interrupt: "
                + (fileKey == null ? "this file system does not identify files"
                        : problem == null ? "it was deleted or replaced" : problem.toString()),
                problem));
        throw failure;
    }

    /** Opens the file at a path if it is still this handle's file; null if it is not there or another file. */
    private FileChannel openIfSame(Path candidate) throws IOException {
        FileChannel fresh;
        try {
            fresh = FileChannel.open(candidate, reopenOptions(writable));
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            Object key = Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS)
                    .fileKey();
            if (Objects.equals(key, fileKey)) {
                location = candidate;
                return fresh;
            }
        } catch (NoSuchFileException e) {
            // renamed or deleted between the open and the check: not provably this file
        } catch (IOException | RuntimeException e) {
            closeQuietly(fresh, e);
            throw e;
        }
        fresh.close();
        return null;
    }

    /** Looks for this handle's file under another name in its directory (a rename since it was opened). */
    private FileChannel findRenamed() throws IOException {
        Path directory = location.getParent();
        if (directory == null) {
            return null;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            Iterator<Path> it = entries.iterator();
            while (it.hasNext()) {
                Path candidate = it.next();
                BasicFileAttributes attributes;
                try {
                    attributes = Files.readAttributes(candidate, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                } catch (NoSuchFileException e) {
                    continue;
                }
                if (attributes.isRegularFile() && Objects.equals(attributes.fileKey(), fileKey)) {
                    FileChannel fresh = openIfSame(candidate);
                    if (fresh != null) {
                        return fresh;
                    }
                }
            }
        }
        return null;
    }

    @Override
    public long size() {
        checkOpen();
        return writable ? onSyncChannel("read the size of", AsynchronousFileChannel::size)
                : onChannel("read the size of", FileChannel::size);
    }

    @Override
    public int read(long position, ByteBuffer dst) {
        checkOpen();
        if (position < 0) {
            throw new IllegalArgumentException("negative position " + position + " reading " + location);
        }
        return onChannel("read", ch -> {
            int total = 0;
            while (dst.hasRemaining()) {
                int n = ch.read(dst, position + total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
            return total;
        });
    }

    /**
     * Maps the range read-only with {@link FileChannel#map}; see {@link VfsFile#map} and {@link MappedRegion} for
     * what that implies. The region's {@link MappedRegion#close()} unmaps it.
     */
    @Override
    public MappedRegion map(long position, int length) {
        checkOpen();
        MappedRegions.checkMapRange(location.toString(), position, length, size());
        return new NioMappedRegion(name, location.toString(), position,
                onChannel("map", ch -> ch.map(FileChannel.MapMode.READ_ONLY, position, length)));
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
        int start = src.position();
        onChannel("write", ch -> {
            // Positioned by the bytes written so far, so a repeat after an interrupt writes the rest in place.
            long at = position + (src.position() - start);
            while (src.hasRemaining()) {
                at += ch.write(src, at);
            }
            return null;
        });
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
        onSyncChannel("truncate", ch -> ch.truncate(size));
    }

    @Override
    public void force() {
        checkOpen();
        if (writable) {
            onSyncChannel("force", ch -> {
                ch.force(true);
                return null;
            });
        } else {
            // Not repeated after an interrupt: a write-back error the abandoned fsync saw would be lost.
            onChannel("force", false, ch -> {
                ch.force(true);
                return null;
            });
        }
    }

    @Override
    public void forceData() {
        checkOpen();
        if (writable) {
            onSyncChannel("force the data of", ch -> {
                ch.force(false);
                return null;
            });
        } else {
            onChannel("force the data of", false, ch -> {
                ch.force(false);
                return null;
            });
        }
    }

    @Override
    public void close() {
        if (closed.compareAndSet(false, true)) {
            synchronized (reopenLock) {
                IOException failure = null;
                try {
                    channel.close();
                } catch (IOException e) {
                    failure = e;
                }
                if (syncChannel != null) {
                    try {
                        syncChannel.close();
                    } catch (IOException e) {
                        if (failure == null) {
                            failure = e;
                        } else {
                            failure.addSuppressed(e);
                        }
                    }
                }
                if (failure != null) {
                    throw StorageErrors.translate("close", location.toString(), failure);
                }
            }
        }
    }

    private static void closeQuietly(AutoCloseable closeable, Exception primary) {
        try {
            closeable.close();
        } catch (Exception suppressed) {
            primary.addSuppressed(suppressed);
        }
    }

    @Override
    public String toString() {
        return (writable ? "writable " : "read-only ") + "file " + location;
    }
}
