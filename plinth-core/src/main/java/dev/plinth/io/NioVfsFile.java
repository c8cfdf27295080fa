package dev.plinth.io;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.Channel;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.FileChannel;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;

/**
 * A {@link VfsFile} on an {@link AsynchronousFileChannel} whose operations run in the calling thread; see
 * {@link VfsFile} for the contract.
 *
 * <p><b>Why not a {@code FileChannel}.</b> The JDK closes a {@code FileChannel} when a thread blocked in it, or
 * entering it, is interrupted, and every later call on it fails: a caller cancelled with
 * {@code Future.cancel(true)} would close a store's log and fail the store. An {@code AsynchronousFileChannel}
 * is not an interruptible channel: its calls are neither broken off nor its descriptor closed by an interrupt.
 * Given an executor that runs each task at once in the submitting thread ({@link CallerRuns}), its positional
 * reads and writes are the same {@code pread}/{@code pwrite} in the caller's thread, and its future is
 * complete when the call returns. Forces, the size and truncation run in the caller's thread anyway. So no
 * interrupt can abandon an {@code fsync} and drop its result, or close the handle under another thread.
 *
 * <p>Mapping needs a {@code FileChannel}: {@link #map} opens one for the call and closes it after (a mapping
 * outlives its channel), with the thread's interrupt status set aside. It opens the file by its name and
 * checks that it is this handle's file by its file key (device and inode, unique while this handle's
 * descriptor keeps the inode alive), under its name or after a rename within its directory.
 */
final class NioVfsFile implements VfsFile {
    /** Zeros written by {@link #preallocate}, in chunks of this many bytes. */
    private static final int ZERO_CHUNK = 64 * 1024;

    private final String name;
    private final boolean writable;
    private final AsynchronousFileChannel channel;
    /** The file's identity (device and inode), to find it again for a mapping; null where unknown. */
    private final Object fileKey;
    private final AtomicBoolean closed = new AtomicBoolean();
    /** Serializes appends and preallocation, which both read the size and then write at it. */
    private final Object appendLock = new Object();
    /** Where the file is now, for messages and mappings: it changes when a mapping finds it renamed. */
    private volatile Path location;

    private NioVfsFile(String name, Path path, AsynchronousFileChannel channel, boolean writable, Object fileKey) {
        this.name = name;
        this.location = path;
        this.channel = channel;
        this.writable = writable;
        this.fileKey = fileKey;
    }

    /**
     * Opens a file. The caller sets the thread's interrupt status aside.
     *
     * @param name the file's name in its file system
     * @param path its path
     * @param writable whether to open it for writing
     * @param createNew whether to create it, failing if it exists
     * @return the open file
     * @throws IOException if it cannot be opened
     */
    static NioVfsFile open(String name, Path path, boolean writable, boolean createNew) throws IOException {
        Set<OpenOption> options = createNew
                ? Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.READ, StandardOpenOption.WRITE)
                : writable ? Set.of(StandardOpenOption.READ, StandardOpenOption.WRITE)
                : Set.of(StandardOpenOption.READ);
        AsynchronousFileChannel channel = AsynchronousFileChannel.open(path, options, CallerRuns.INSTANCE);
        try {
            return new NioVfsFile(name, path, channel, writable, fileKey(path));
        } catch (IOException | RuntimeException e) {
            closeAfter(channel, e);
            throw e;
        }
    }

    /** Closes a channel opened for a call that failed, keeping a failure to close as suppressed. */
    private static void closeAfter(Channel channel, Exception failure) {
        try {
            channel.close();
        } catch (IOException suppressed) {
            failure.addSuppressed(suppressed);
        }
    }

    private static Object fileKey(Path path) throws IOException {
        return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
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
            throw new IllegalStateException("cannot " + operation + " " + location
                    + ": it was opened for reading only");
        }
    }

    private RuntimeException fail(String operation, IOException e) {
        if (e instanceof ClosedChannelException && closed.get()) {
            return new IllegalStateException("file " + location + " was closed during " + operation, e);
        }
        return StorageErrors.translate(operation, location.toString(), e);
    }

    /** The outcome of a read or write, complete when the channel returns it (see {@link CallerRuns}). */
    private int await(String operation, Future<Integer> done) {
        boolean interrupted = false;
        try {
            while (true) {
                try {
                    return done.get();
                } catch (InterruptedException e) {
                    interrupted = true; // not expected: the call ran in this thread and is complete
                } catch (ExecutionException e) {
                    Throwable cause = e.getCause();
                    if (cause instanceof IOException io) {
                        throw fail(operation, io);
                    }
                    if (cause instanceof RuntimeException re) {
                        throw re;
                    }
                    if (cause instanceof Error error) {
                        throw error;
                    }
                    throw new IllegalStateException(operation + " " + location + " failed", cause);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
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
        while (dst.hasRemaining()) {
            int n = await("read", channel.read(dst, position + total));
            if (n < 0) {
                break;
            }
            total += n;
        }
        return total;
    }

    /**
     * Maps the range read-only with {@link FileChannel#map}, through a channel opened for the call; see
     * {@link VfsFile#map} and {@link MappedRegion} for what that implies. The region's {@link MappedRegion#close()}
     * unmaps it. The file must still have a name (its own or one it was renamed to within its directory): a
     * file deleted while this handle is open cannot be mapped.
     */
    @Override
    public MappedRegion map(long position, int length) {
        checkOpen();
        MappedRegions.checkMapRange(location.toString(), position, length, size());
        boolean interrupted = Thread.interrupted(); // an interrupt would close the mapping channel under the map
        try {
            while (true) {
                try (FileChannel mapper = openSameFile()) {
                    return new NioMappedRegion(name, location.toString(), position,
                            mapper.map(FileChannel.MapMode.READ_ONLY, position, length));
                } catch (ClosedByInterruptException e) {
                    // An interrupt landed during the map call itself: map again through a new channel.
                    interrupted = true;
                    Thread.interrupted();
                } catch (IOException e) {
                    throw fail("map", e);
                }
            }
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    /** Opens this handle's file for reading by its name, found by its file key after a rename. */
    private FileChannel openSameFile() throws IOException {
        Path at = location;
        if (fileKey == null) {
            return FileChannel.open(at, StandardOpenOption.READ); // no identity to check on this file system
        }
        FileChannel found = openIfSame(at);
        if (found == null) {
            found = findRenamed(at);
        }
        if (found == null) {
            throw new FileSystemException(at.toString(), null,
                    "the open file has no name any more (it was deleted, or moved out of its directory)");
        }
        return found;
    }

    /** Opens the file at a path if it is this handle's file; null if it is not there or another file. */
    private FileChannel openIfSame(Path candidate) throws IOException {
        FileChannel opened;
        try {
            if (!Objects.equals(fileKey(candidate), fileKey)) {
                return null;
            }
            opened = FileChannel.open(candidate, StandardOpenOption.READ);
        } catch (NoSuchFileException e) {
            return null;
        }
        try {
            // Checked before and after the open: the name cannot have pointed elsewhere in between, since
            // our own descriptor keeps this inode from being reused.
            if (Objects.equals(fileKey(candidate), fileKey)) {
                location = candidate;
                return opened;
            }
        } catch (NoSuchFileException e) {
            // renamed or deleted meanwhile: not provably this file
        } catch (IOException | RuntimeException e) {
            closeAfter(opened, e);
            throw e;
        }
        opened.close();
        return null;
    }

    /** Looks for this handle's file under another name in its directory (a rename since it was opened). */
    private FileChannel findRenamed(Path at) throws IOException {
        Path directory = at.getParent();
        if (directory == null) {
            return null;
        }
        try (Stream<Path> entries = Files.list(directory)) {
            Iterator<Path> it = entries.iterator();
            while (it.hasNext()) {
                FileChannel found = openIfSame(it.next());
                if (found != null) {
                    return found;
                }
            }
        }
        return null;
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
        while (src.hasRemaining()) {
            at += await("write", channel.write(src, at));
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
                throw StorageErrors.translate("close", location.toString(), e);
            }
        }
    }

    @Override
    public String toString() {
        return (writable ? "writable " : "read-only ") + "file " + location;
    }

    /**
     * Runs each task at once in the thread that submits it, so the channel's reads and writes are plain
     * positional calls in the caller's thread. Never shut down: it holds no threads.
     */
    static final class CallerRuns extends AbstractExecutorService {
        /** The one instance. */
        static final CallerRuns INSTANCE = new CallerRuns();

        private CallerRuns() {
        }

        @Override
        public void execute(Runnable task) {
            task.run();
        }

        @Override
        public void shutdown() {
            // holds no threads
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }
}
