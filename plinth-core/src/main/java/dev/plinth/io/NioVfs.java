package dev.plinth.io;

import dev.plinth.StorageIOException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.AsynchronousFileChannel;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * The default {@link Vfs}: real files under a root directory, read and written through channels that
 * interrupts do not close (see {@link VfsFile}). Thread-safe and stateless apart from the root (and a
 * JVM-wide table of held locks). Forcing is {@code fsync} /
 * {@code fdatasync}; {@link #syncDirectory(String)} opens the directory for reading and forces it (on
 * Windows, where a directory cannot be opened so, it does nothing: NTFS makes names durable with its
 * journal). A rename is {@link StandardCopyOption#ATOMIC_MOVE}, which on POSIX systems is
 * {@code rename(2)} and replaces the target.
 *
 * <p>Locks are {@link FileChannel#tryLock()} (POSIX {@code fcntl} locks on Linux), which exclude other
 * processes; within this JVM a table of held lock files refuses a second lock before a second channel is
 * even opened, because closing any channel on a locked file would release the process's lock on some
 * systems. A lock file reached through two different paths (a symbolic link) is not recognised within
 * one JVM.
 */
public final class NioVfs implements Vfs {
    /** Lock files held in this JVM, by absolute normalised path. */
    private static final Set<Path> HELD_LOCKS = ConcurrentHashMap.newKeySet();

    private static final boolean WINDOWS =
            System.getProperty("os.name", "").toLowerCase(Locale.ROOT).startsWith("windows");

    private final Path root;

    private NioVfs(Path root) {
        this.root = root.toAbsolutePath().normalize();
    }

    /**
     * A file system rooted at a directory. Nothing is touched on disk; the root need not exist yet
     * ({@code mkdirs("")} makes it).
     *
     * @param root the root directory
     * @return the file system
     */
    public static NioVfs at(Path root) {
        return new NioVfs(Objects.requireNonNull(root, "root"));
    }

    /**
     * Whether closing a {@link MappedRegion} of this file system unmaps it at once. This needs
     * {@code sun.misc.Unsafe.invokeCleaner} (module {@code jdk.unsupported}, in every standard JDK 17 image);
     * without it a closed region's mapping, and a deleted file's disk space, stay until the garbage collector
     * frees the mapping.
     *
     * @return {@code true} where regions are unmapped when closed
     */
    public static boolean canUnmap() {
        return MappedRegions.canUnmap();
    }

    /**
     * The root directory.
     *
     * @return its absolute, normalised path
     */
    public Path root() {
        return root;
    }

    /**
     * The path of a name in this file system.
     *
     * @param name a name within the root, or empty for the root itself
     * @return the path
     */
    Path resolve(String name) {
        return name.isEmpty() ? root : root.resolve(name);
    }

    @Override
    public String location(String name) {
        return resolve(VfsNames.checkDirectory(name)).toString();
    }

    @Override
    public VfsFile create(String name) {
        return open(VfsNames.check(name), "create", true, true);
    }

    @Override
    public VfsFile openRead(String name) {
        return open(VfsNames.check(name), "open for reading", false, false);
    }

    @Override
    public VfsFile openWrite(String name) {
        return open(VfsNames.check(name), "open for writing", true, false);
    }

    private VfsFile open(String name, String operation, boolean writable, boolean createNew) {
        Path p = resolve(name);
        if (Files.isDirectory(p)) {
            throw new StorageIOException("cannot " + operation + " " + p + ": it is a directory");
        }
        try {
            return NioVfsFile.open(name, p, writable, createNew);
        } catch (IOException e) {
            throw StorageErrors.translate(operation, p.toString(), e);
        }
    }

    @Override
    public boolean exists(String name) {
        return Files.exists(resolve(VfsNames.checkDirectory(name)), LinkOption.NOFOLLOW_LINKS);
    }

    @Override
    public boolean isDirectory(String name) {
        return Files.isDirectory(resolve(VfsNames.checkDirectory(name)));
    }

    @Override
    public long size(String name) {
        Path p = resolve(VfsNames.check(name));
        if (Files.isDirectory(p)) {
            throw new StorageIOException("cannot read the size of " + p + ": it is a directory");
        }
        try {
            return Files.size(p);
        } catch (IOException e) {
            throw StorageErrors.translate("read the size of", p.toString(), e);
        }
    }

    @Override
    public List<String> list(String directory) {
        Path p = resolve(VfsNames.checkDirectory(directory));
        try (Stream<Path> s = Files.list(p)) {
            return s.map(c -> c.getFileName().toString()).sorted().collect(Collectors.toList());
        } catch (IOException e) {
            throw StorageErrors.translate("list", p.toString(), e);
        } catch (UncheckedIOException e) {
            throw StorageErrors.translate("list", p.toString(), e.getCause());
        }
    }

    @Override
    public void mkdirs(String directory) {
        Path p = resolve(VfsNames.checkDirectory(directory));
        try {
            Files.createDirectories(p);
        } catch (IOException e) {
            throw StorageErrors.translate("make the directory", p.toString(), e);
        }
    }

    @Override
    public void rename(String from, String to) {
        VfsNames.check(from);
        VfsNames.check(to);
        if (!VfsNames.parent(from).equals(VfsNames.parent(to))) {
            throw new IllegalArgumentException("cannot rename " + from + " to " + to
                    + ": a rename must stay within one directory");
        }
        Path source = resolve(from);
        Path target = resolve(to);
        if (!Files.exists(source, LinkOption.NOFOLLOW_LINKS)) {
            throw StorageErrors.translate("rename", source + " to " + target.getFileName(),
                    new NoSuchFileException(source.toString()));
        }
        try {
            Files.move(source, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw StorageErrors.translate("rename", source + " to " + target.getFileName(), e);
        }
    }

    @Override
    public boolean delete(String name) {
        Path p = resolve(VfsNames.check(name));
        try {
            return Files.deleteIfExists(p);
        } catch (IOException e) {
            throw StorageErrors.translate("delete", p.toString(), e);
        }
    }

    @Override
    public VfsLock lock(String name) {
        Path p = resolve(VfsNames.check(name));
        if (!HELD_LOCKS.add(p)) {
            throw new StorageIOException("cannot lock " + p + ": it is locked already by this JVM"
                    + " (the store is open in this process; close it first)");
        }
        FileChannel channel = null;
        boolean interrupted = Thread.interrupted(); // an interrupt must not make the lock fail
        try {
            channel = FileChannel.open(p, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
            FileLock lock = channel.tryLock();
            if (lock == null) {
                throw new StorageIOException("cannot lock " + p + ": it is locked by another process"
                        + " (the store is open there; close it first)");
            }
            return new NioVfsLock(name, p, channel, lock);
        } catch (IOException | RuntimeException e) {
            HELD_LOCKS.remove(p);
            closeQuietly(channel, e);
            if (e instanceof IOException io) {
                throw StorageErrors.translate("lock", p.toString(), io);
            }
            if (e instanceof OverlappingFileLockException) {
                throw new StorageIOException("cannot lock " + p + ": it is locked already by this JVM", e);
            }
            throw (RuntimeException) e;
        } finally {
            if (interrupted) {
                Thread.currentThread().interrupt();
            }
        }
    }

    private static void closeQuietly(FileChannel channel, Exception primary) {
        if (channel != null) {
            try {
                channel.close();
            } catch (IOException suppressed) {
                primary.addSuppressed(suppressed);
            }
        }
    }

    @Override
    public void syncDirectory(String directory) {
        Path p = resolve(VfsNames.checkDirectory(directory));
        if (WINDOWS) {
            return;
        }
        // An AsynchronousFileChannel, whose force an interrupt does not break off (see NioVfsFile).
        try (AsynchronousFileChannel dir = AsynchronousFileChannel.open(p, StandardOpenOption.READ)) {
            dir.force(true);
        } catch (IOException e) {
            throw StorageErrors.translate("sync the directory", p.toString(), e);
        }
    }

    @Override
    public String toString() {
        return "NioVfs[" + root + "]";
    }

    /** A held lock; releasing it closes its channel and frees the JVM-wide entry. */
    private static final class NioVfsLock implements VfsLock {
        private final String name;
        private final Path path;
        private final FileChannel channel;
        private final FileLock lock;
        private final AtomicBoolean closed = new AtomicBoolean();

        NioVfsLock(String name, Path path, FileChannel channel, FileLock lock) {
            this.name = name;
            this.path = path;
            this.channel = channel;
            this.lock = lock;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isHeld() {
            return !closed.get() && lock.isValid();
        }

        @Override
        public void close() {
            if (!closed.compareAndSet(false, true)) {
                return;
            }
            try {
                // Closing the channel releases the lock.
                channel.close();
            } catch (IOException e) {
                throw StorageErrors.translate("unlock", path.toString(), e);
            } finally {
                // Removed only after the channel is closed, so a new lock in this JVM cannot race the release.
                HELD_LOCKS.remove(path);
            }
        }

        @Override
        public String toString() {
            return "lock " + path;
        }
    }
}
