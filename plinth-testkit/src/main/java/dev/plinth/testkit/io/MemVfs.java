package dev.plinth.testkit.io;

import dev.plinth.StorageIOException;
import dev.plinth.io.StorageErrors;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import dev.plinth.io.VfsNames;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystemException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;

/**
 * A strict in-memory {@link Vfs} that can lose power. It keeps two states of everything: what the running
 * process sees, and what a disk would hold after a power loss. Thread-safe: every call takes one private
 * lock, so the file system is a single sequence of operations (which keeps runs deterministic for a given
 * seed and order of calls).
 *
 * <p>What is durable, exactly as {@code dev.plinth.io} documents it:
 * <ul>
 *   <li>A file's contents and size become durable at {@link VfsFile#force()}.
 *       {@link VfsFile#forceData()} makes durable only the bytes inside the durable size (it never makes
 *       growth or truncation durable): the strictest reading of {@code fdatasync}, so an engine that relies
 *       on it to persist an append is caught.</li>
 *   <li>A directory's entries (create, rename, delete, mkdirs, lock-file creation) become durable at
 *       {@link #syncDirectory(String)} of that directory. Forcing a file does not make its name durable.
 *       The root directory itself always exists.</li>
 * </ul>
 * {@link #powerLoss(PowerLoss)} puts the durable state back in place (see {@link PowerLoss} for the
 * variants: drop, tear the last write, garbage after a torn prefix, or a mere process crash), kills every
 * open handle and lock of the crashed process (their later calls throw {@link StorageIOException}), and
 * goes on as the freshly booted disk, ready for the engine to reopen.
 *
 * <p>Locks exclude each other within one {@code MemVfs} (one simulated machine). Files are limited to
 * {@link #MAX_FILE_SIZE} bytes; beyond that a write fails with {@link dev.plinth.StorageFullException}.
 * Names are shown in messages as {@code mem:/name}.
 */
public final class MemVfs implements Vfs {
    /** The largest file this file system holds. */
    public static final int MAX_FILE_SIZE = 1 << 30;

    private final Object lock = new Object();
    // Guarded by lock: the tree, the seeded random source, the generation of live handles, held locks.
    private final DirNode root = new DirNode();
    private final Random random;
    private long generation;
    private final Map<String, MemLock> locks = new HashMap<>();

    /**
     * An empty file system.
     *
     * @param seed the seed of every random choice made at a power loss
     */
    public MemVfs(long seed) {
        this.random = new Random(seed);
    }

    // ---------------------------------------------------------------- the tree

    private abstract static class Node {
    }

    /** A directory: the entries the process sees, and those a power loss would leave. */
    private static final class DirNode extends Node {
        final TreeMap<String, Node> entries = new TreeMap<>();
        TreeMap<String, Node> durable = new TreeMap<>();
    }

    /** An unsynced change of a file: a write ({@code bytes != null}) or a truncation to {@code size}. */
    private static final class Change {
        long offset;
        byte[] bytes;
        long size;

        static Change write(long offset, byte[] bytes) {
            Change c = new Change();
            c.offset = offset;
            c.bytes = bytes;
            return c;
        }

        static Change truncate(long size) {
            Change c = new Change();
            c.size = size;
            return c;
        }
    }

    /** A file: its current bytes, its durable bytes, and the changes since the last force, in order. */
    private static final class FileNode extends Node {
        byte[] data = new byte[0];
        int length;
        byte[] durable = new byte[0];
        final List<Change> unsynced = new ArrayList<>();

        void ensure(long size) {
            if (size > data.length) {
                data = Arrays.copyOf(data, (int) Math.min(MAX_FILE_SIZE, Math.max(size, 2L * data.length)));
            }
        }

        void writeAt(long offset, byte[] b, int from, int len) {
            if (len == 0) {
                return;
            }
            ensure(offset + len);
            if (offset > length) {
                Arrays.fill(data, length, (int) offset, (byte) 0);
            }
            System.arraycopy(b, from, data, (int) offset, len);
            length = (int) Math.max(length, offset + len);
        }

        void truncateTo(long size) {
            if (size < length) {
                length = (int) size;
            }
        }

        void apply(Change c) {
            if (c.bytes != null) {
                writeAt(c.offset, c.bytes, 0, c.bytes.length);
            } else {
                truncateTo(c.size);
            }
        }

        void resetTo(byte[] contents) {
            data = contents.clone();
            length = contents.length;
        }

        byte[] current() {
            return Arrays.copyOf(data, length);
        }
    }

    private StorageIOException fail(String operation, String name, IOException e) {
        return StorageErrors.translate(operation, location(name), e);
    }

    private Node findLocked(String name) {
        Node n = root;
        if (name.isEmpty()) {
            return n;
        }
        for (String segment : name.split("/")) {
            if (!(n instanceof DirNode d)) {
                return null;
            }
            n = d.entries.get(segment);
            if (n == null) {
                return null;
            }
        }
        return n;
    }

    private DirNode parentLocked(String operation, String name) {
        Node p = findLocked(VfsNames.parent(name));
        if (p == null) {
            throw fail(operation, name, new NoSuchFileException(name));
        }
        if (!(p instanceof DirNode d)) {
            throw fail(operation, name, new NotDirectoryException(VfsNames.parent(name)));
        }
        return d;
    }

    private FileNode fileLocked(String operation, String name) {
        Node n = findLocked(name);
        if (n == null) {
            throw fail(operation, name, new NoSuchFileException(name));
        }
        if (!(n instanceof FileNode f)) {
            throw new StorageIOException("cannot " + operation + " " + location(name) + ": it is a directory");
        }
        return f;
    }

    // ---------------------------------------------------------------- Vfs

    @Override
    public String location(String name) {
        return "mem:/" + VfsNames.checkDirectory(name);
    }

    @Override
    public VfsFile create(String name) {
        VfsNames.check(name);
        synchronized (lock) {
            DirNode parent = parentLocked("create", name);
            if (parent.entries.containsKey(VfsNames.leaf(name))) {
                throw fail("create", name, new FileAlreadyExistsException(name));
            }
            FileNode f = new FileNode();
            parent.entries.put(VfsNames.leaf(name), f);
            return new MemFile(name, f, true, generation);
        }
    }

    @Override
    public VfsFile openRead(String name) {
        VfsNames.check(name);
        synchronized (lock) {
            return new MemFile(name, fileLocked("open for reading", name), false, generation);
        }
    }

    @Override
    public VfsFile openWrite(String name) {
        VfsNames.check(name);
        synchronized (lock) {
            return new MemFile(name, fileLocked("open for writing", name), true, generation);
        }
    }

    @Override
    public boolean exists(String name) {
        VfsNames.checkDirectory(name);
        synchronized (lock) {
            return findLocked(name) != null;
        }
    }

    @Override
    public boolean isDirectory(String name) {
        VfsNames.checkDirectory(name);
        synchronized (lock) {
            return findLocked(name) instanceof DirNode;
        }
    }

    @Override
    public long size(String name) {
        VfsNames.check(name);
        synchronized (lock) {
            return fileLocked("read the size of", name).length;
        }
    }

    @Override
    public List<String> list(String directory) {
        VfsNames.checkDirectory(directory);
        synchronized (lock) {
            Node n = findLocked(directory);
            if (n == null) {
                throw fail("list", directory, new NoSuchFileException(directory));
            }
            if (!(n instanceof DirNode d)) {
                throw fail("list", directory, new NotDirectoryException(directory));
            }
            return Collections.unmodifiableList(new ArrayList<>(d.entries.keySet()));
        }
    }

    @Override
    public void mkdirs(String directory) {
        VfsNames.checkDirectory(directory);
        if (directory.isEmpty()) {
            return;
        }
        synchronized (lock) {
            DirNode d = root;
            for (String segment : directory.split("/")) {
                Node n = d.entries.get(segment);
                if (n == null) {
                    n = new DirNode();
                    d.entries.put(segment, n);
                } else if (!(n instanceof DirNode)) {
                    throw fail("make the directory", directory, new FileAlreadyExistsException(directory));
                }
                d = (DirNode) n;
            }
        }
    }

    @Override
    public void rename(String from, String to) {
        VfsNames.check(from);
        VfsNames.check(to);
        String parentName = VfsNames.parent(from);
        if (!parentName.equals(VfsNames.parent(to))) {
            throw new IllegalArgumentException("cannot rename " + from + " to " + to
                    + ": a rename must stay within one directory");
        }
        String what = location(from) + " to " + VfsNames.leaf(to);
        synchronized (lock) {
            DirNode parent = parentLocked("rename", from);
            Node source = parent.entries.get(VfsNames.leaf(from));
            if (source == null) {
                throw StorageErrors.translate("rename", what, new NoSuchFileException(from));
            }
            if (from.equals(to)) {
                return;
            }
            Node target = parent.entries.get(VfsNames.leaf(to));
            if (target instanceof DirNode td) {
                if (!(source instanceof DirNode)) {
                    throw StorageErrors.translate("rename", what, new FileSystemException(to, null, "Is a directory"));
                }
                if (!td.entries.isEmpty()) {
                    throw StorageErrors.translate("rename", what, new DirectoryNotEmptyException(to));
                }
            } else if (target != null && source instanceof DirNode) {
                throw StorageErrors.translate("rename", what, new NotDirectoryException(to));
            }
            parent.entries.remove(VfsNames.leaf(from));
            parent.entries.put(VfsNames.leaf(to), source);
        }
    }

    @Override
    public boolean delete(String name) {
        VfsNames.check(name);
        synchronized (lock) {
            Node n = findLocked(name);
            if (n == null) {
                return false;
            }
            if (n instanceof DirNode d && !d.entries.isEmpty()) {
                throw fail("delete", name, new DirectoryNotEmptyException(name));
            }
            parentLocked("delete", name).entries.remove(VfsNames.leaf(name));
            return true;
        }
    }

    @Override
    public VfsLock lock(String name) {
        VfsNames.check(name);
        synchronized (lock) {
            if (locks.containsKey(name)) {
                throw new StorageIOException("cannot lock " + location(name) + ": it is locked already by this JVM"
                        + " (the store is open in this process; close it first)");
            }
            DirNode parent = parentLocked("lock", name);
            Node n = parent.entries.get(VfsNames.leaf(name));
            if (n instanceof DirNode) {
                throw new StorageIOException("cannot lock " + location(name) + ": it is a directory");
            }
            if (n == null) {
                parent.entries.put(VfsNames.leaf(name), new FileNode());
            }
            MemLock l = new MemLock(name, generation);
            locks.put(name, l);
            return l;
        }
    }

    @Override
    public void syncDirectory(String directory) {
        VfsNames.checkDirectory(directory);
        synchronized (lock) {
            Node n = findLocked(directory);
            if (n == null) {
                throw fail("sync the directory", directory, new NoSuchFileException(directory));
            }
            if (!(n instanceof DirNode d)) {
                throw fail("sync the directory", directory, new NotDirectoryException(directory));
            }
            d.durable = new TreeMap<>(d.entries);
        }
    }

    // ---------------------------------------------------------------- power loss

    /**
     * Simulates a crash: every open handle and lock dies, and the files and names go back to what a disk
     * would hold, as {@code loss} says. Afterwards the file system is usable again, as after a reboot.
     *
     * @param loss what survives
     */
    public void powerLoss(PowerLoss loss) {
        java.util.Objects.requireNonNull(loss, "loss");
        synchronized (lock) {
            generation++;
            locks.clear();
            if (loss.mode() == PowerLoss.Mode.PROCESS_CRASH) {
                return;
            }
            restoreLocked(root, loss, Collections.newSetFromMap(new IdentityHashMap<>()));
        }
    }

    private void restoreLocked(DirNode dir, PowerLoss loss, Set<Node> seen) {
        dir.entries.clear();
        dir.entries.putAll(dir.durable);
        for (Node child : dir.durable.values()) {
            if (!seen.add(child)) {
                continue;
            }
            if (child instanceof DirNode d) {
                restoreLocked(d, loss, seen);
            } else {
                restoreLocked((FileNode) child, loss);
            }
        }
    }

    private void restoreLocked(FileNode f, PowerLoss loss) {
        int last = -1;
        for (int i = f.unsynced.size() - 1; i >= 0 && last < 0; i--) {
            if (f.unsynced.get(i).bytes != null) {
                last = i;
            }
        }
        f.resetTo(f.durable);
        if (loss.mode() != PowerLoss.Mode.DROP_UNSYNCED && last >= 0) {
            for (int i = 0; i < last; i++) {
                f.apply(f.unsynced.get(i));
            }
            Change w = f.unsynced.get(last);
            int len = w.bytes.length;
            int keep = loss.keepBytes() >= 0 ? Math.min(loss.keepBytes(), len) : random.nextInt(len);
            f.writeAt(w.offset, w.bytes, 0, keep);
            if (loss.mode() == PowerLoss.Mode.GARBAGE_LAST_WRITE && keep < len) {
                byte[] garbage = new byte[len - keep];
                random.nextBytes(garbage);
                f.writeAt(w.offset + keep, garbage, 0, garbage.length);
            }
        }
        f.durable = f.current();
        f.unsynced.clear();
    }

    @Override
    public String toString() {
        synchronized (lock) {
            StringBuilder b = new StringBuilder("MemVfs");
            dumpLocked(root, "", b);
            return b.toString();
        }
    }

    private static void dumpLocked(DirNode dir, String prefix, StringBuilder b) {
        for (Map.Entry<String, Node> e : dir.entries.entrySet()) {
            String name = prefix + e.getKey();
            String synced = dir.durable.get(e.getKey()) == e.getValue() ? "" : " (name not synced)";
            if (e.getValue() instanceof DirNode d) {
                b.append("\n  ").append(name).append('/').append(synced);
                dumpLocked(d, name + "/", b);
            } else {
                FileNode f = (FileNode) e.getValue();
                b.append("\n  ").append(name).append(' ').append(f.length).append(" bytes, ")
                        .append(f.durable.length).append(" durable, ").append(f.unsynced.size())
                        .append(" unsynced changes").append(synced);
            }
        }
    }

    // ---------------------------------------------------------------- handles

    /** An open file; all state is guarded by the file system's lock. */
    private final class MemFile implements VfsFile {
        private final String name;
        private final FileNode node;
        private final boolean writable;
        private final long born;
        private boolean closed;

        MemFile(String name, FileNode node, boolean writable, long born) {
            this.name = name;
            this.node = node;
            this.writable = writable;
            this.born = born;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean writable() {
            return writable;
        }

        private void checkLocked(String operation, boolean write) {
            if (closed) {
                throw new IllegalStateException("file " + location(name) + " is closed");
            }
            if (write && !writable) {
                throw new IllegalStateException("cannot " + operation + " " + location(name)
                        + ": it was opened for reading only");
            }
            if (born != generation) {
                throw new StorageIOException("cannot " + operation + " " + location(name)
                        + ": the file system lost power; this handle belongs to the crashed process");
            }
        }

        private void checkRoom(String operation, long end) {
            if (end > MAX_FILE_SIZE) {
                throw fail(operation, name, new IOException("No space left on device (a MemVfs file holds at most "
                        + MAX_FILE_SIZE + " bytes)"));
            }
        }

        @Override
        public long size() {
            synchronized (lock) {
                checkLocked("read the size of", false);
                return node.length;
            }
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            if (position < 0) {
                throw new IllegalArgumentException("negative position " + position + " reading " + location(name));
            }
            synchronized (lock) {
                checkLocked("read", false);
                if (position >= node.length) {
                    return 0;
                }
                int n = (int) Math.min(dst.remaining(), node.length - position);
                dst.put(node.data, (int) position, n);
                return n;
            }
        }

        @Override
        public void write(long position, ByteBuffer src) {
            if (position < 0) {
                throw new IllegalArgumentException("negative position " + position + " writing " + location(name));
            }
            synchronized (lock) {
                checkLocked("write", true);
                writeLocked("write", position, src);
            }
        }

        private void writeLocked(String operation, long position, ByteBuffer src) {
            checkRoom(operation, position + src.remaining());
            byte[] bytes = new byte[src.remaining()];
            src.get(bytes);
            if (bytes.length > 0) {
                node.writeAt(position, bytes, 0, bytes.length);
                node.unsynced.add(Change.write(position, bytes));
            }
        }

        @Override
        public long append(ByteBuffer src) {
            synchronized (lock) {
                checkLocked("append to", true);
                long at = node.length;
                writeLocked("write", at, src);
                return at;
            }
        }

        @Override
        public void preallocate(long length) {
            if (length < 0) {
                throw new IllegalArgumentException("negative length " + length + " preallocating " + location(name));
            }
            synchronized (lock) {
                checkLocked("preallocate", true);
                checkRoom("write", length);
                if (length > node.length) {
                    writeLocked("write", node.length, ByteBuffer.allocate((int) (length - node.length)));
                }
            }
        }

        @Override
        public void truncate(long size) {
            if (size < 0) {
                throw new IllegalArgumentException("negative size " + size + " truncating " + location(name));
            }
            synchronized (lock) {
                checkLocked("truncate", true);
                if (size < node.length) {
                    node.truncateTo(size);
                    node.unsynced.add(Change.truncate(size));
                }
            }
        }

        @Override
        public void force() {
            synchronized (lock) {
                checkLocked("force", false);
                node.durable = node.current();
                node.unsynced.clear();
            }
        }

        @Override
        public void forceData() {
            synchronized (lock) {
                checkLocked("force the data of", false);
                int durableLength = node.durable.length;
                int inPlace = Math.min(durableLength, node.length);
                byte[] durable = node.durable.clone();
                System.arraycopy(node.data, 0, durable, 0, inPlace);
                node.durable = durable;
                if (node.length <= durableLength) {
                    // Every current byte is durable; what is left unsynced is only a shrink, which a
                    // power loss may undo (the durable size stays).
                    node.unsynced.clear();
                    return;
                }
                // Bytes below the durable size are durable now: trim them off the unsynced writes, and keep
                // a truncation from cutting into them when a torn power loss replays it.
                List<Change> kept = new ArrayList<>();
                for (Change c : node.unsynced) {
                    if (c.bytes == null) {
                        c.size = Math.max(c.size, durableLength);
                        kept.add(c);
                    } else if (c.offset + c.bytes.length > durableLength) {
                        if (c.offset < durableLength) {
                            int skip = (int) (durableLength - c.offset);
                            c.bytes = Arrays.copyOfRange(c.bytes, skip, c.bytes.length);
                            c.offset = durableLength;
                        }
                        kept.add(c);
                    }
                }
                node.unsynced.clear();
                node.unsynced.addAll(kept);
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                closed = true;
            }
        }

        @Override
        public String toString() {
            return (writable ? "writable " : "read-only ") + "file " + location(name);
        }
    }

    /** A held lock; all state is guarded by the file system's lock. */
    private final class MemLock implements VfsLock {
        private final String name;
        private final long born;
        private boolean closed;

        MemLock(String name, long born) {
            this.name = name;
            this.born = born;
        }

        @Override
        public String name() {
            return name;
        }

        @Override
        public boolean isHeld() {
            synchronized (lock) {
                return !closed && born == generation;
            }
        }

        @Override
        public void close() {
            synchronized (lock) {
                if (!closed) {
                    closed = true;
                    if (born == generation) {
                        locks.remove(name, this);
                    }
                }
            }
        }

        @Override
        public String toString() {
            return "lock " + location(name);
        }
    }
}
