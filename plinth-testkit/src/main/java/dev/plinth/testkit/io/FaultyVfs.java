package dev.plinth.testkit.io;

import dev.plinth.io.MappedRegion;
import dev.plinth.io.StorageErrors;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import dev.plinth.io.VfsNames;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.lang.ref.WeakReference;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Random;

/**
 * A {@link Vfs} over any other (a {@link MemVfs}, or a real {@link dev.plinth.io.NioVfs}) that counts
 * operations, fails them on purpose, limits free space, and tracks open handles. Thread-safe; the
 * counters, faults and free space are guarded by one private lock, and the random choices come from the
 * seed, so a run is deterministic for a given order of calls.
 *
 * <ul>
 *   <li><b>Counters</b>: {@link #count(IoOp)} per kind of operation, every call counted (failed ones too),
 *       so a test can run a workload once, read the counts, and aim a fault at each operation in turn.</li>
 *   <li><b>Faults</b>: {@link #inject(Fault)} fails the N-th matching operation, once or from then on, with
 *       the exception {@link dev.plinth.io.NioVfs} would throw for that {@code errno}. A failed operation
 *       changes nothing.</li>
 *   <li><b>Disk quota</b>: {@link #limitFreeSpace(long)} gives the disk that many free bytes. Writes that
 *       grow files use it up; truncation, deletion and replacing renames give it back. A write that does
 *       not fit writes the bytes that fit (as a real disk does) and throws
 *       {@link dev.plinth.StorageFullException}; nothing lands past the limit.</li>
 *   <li><b>Mapped reads</b>: a {@linkplain VfsFile#map mapped region} is the delegate's, wrapped: mapping it
 *       counts (and can fail) a {@link IoOp#MAP}, and every use of a range of it
 *       ({@link MappedRegion#bytes}) a {@link IoOp#READ}, so read faults reach mapped reads at each use, after
 *       the mapping was made, as they reach positional reads; the bytes are the delegate's as they are now
 *       (damage at rest made later shows). Where the delegate's bytes are copies rather than a real mapping
 *       (a {@link MemVfs}), closing the region overwrites every buffer it handed out that is still in use
 *       with {@link #POISON}, as unmapping takes a real mapping away: a read of a region's bytes after its
 *       close then sees garbage (which a checksum reports) instead of passing unseen.</li>
 *   <li><b>Leaks</b>: every handle, lock and mapped region records where it was opened; {@link #openHandles()}
 *       lists those not closed and {@link #assertNoLeaks()} fails naming each with its stack.</li>
 *   <li><b>Power loss</b>: {@link #powerLoss(PowerLoss)} crashes the {@link MemVfs} underneath and forgets
 *       the crashed process's handles (they are not leaks).</li>
 * </ul>
 * Corrupting files at rest is {@link Corruption}'s job; it goes around this wrapper.
 */
public final class FaultyVfs implements Vfs {
    /**
     * The byte a closed region's buffers are filled with, where they were copies (see the class comment):
     * not zero, so that a read after close does not look like a fresh, empty file.
     */
    public static final byte POISON = (byte) 0xD5;

    private final Vfs delegate;
    private final Object lock = new Object();
    // Guarded by lock.
    private final Random random;
    private final EnumMap<IoOp, Long> counts = new EnumMap<>(IoOp.class);
    private final List<Armed> faults = new ArrayList<>();
    private long failuresInjected;
    /** Written under lock; volatile so the unlimited fast path may read it without the lock. */
    private volatile long freeSpace = Long.MAX_VALUE;
    private final Map<Object, OpenHandle> open = new LinkedHashMap<>();

    /** An injected fault and how many matching operations it has seen. */
    private static final class Armed {
        final Fault fault;
        long seen;
        boolean fired;

        Armed(Fault fault) {
            this.fault = fault;
        }
    }

    /**
     * Wraps a file system.
     *
     * @param delegate the file system that does the work
     * @param seed the seed of probabilistic faults
     */
    public FaultyVfs(Vfs delegate, long seed) {
        this.delegate = Objects.requireNonNull(delegate, "delegate");
        this.random = new Random(seed);
    }

    /**
     * The wrapped file system, to inspect or damage without counting or faults.
     *
     * @return the delegate
     */
    public Vfs delegate() {
        return delegate;
    }

    // ---------------------------------------------------------------- configuration

    /**
     * Arms a fault; it counts matching operations from now on.
     *
     * @param fault the fault
     */
    public void inject(Fault fault) {
        Objects.requireNonNull(fault, "fault");
        synchronized (lock) {
            faults.add(new Armed(fault));
        }
    }

    /** Disarms every fault. */
    public void clearFaults() {
        synchronized (lock) {
            faults.clear();
        }
    }

    /**
     * How many operations faults have failed since this file system was made.
     *
     * @return the count
     */
    public long failuresInjected() {
        synchronized (lock) {
            return failuresInjected;
        }
    }

    /**
     * How many operations of a kind were called since this file system was made or its counters reset.
     *
     * @param op the kind
     * @return the count, failed calls included
     */
    public long count(IoOp op) {
        synchronized (lock) {
            return counts.getOrDefault(op, 0L);
        }
    }

    /**
     * Every counter.
     *
     * @return a copy, kinds never called left out
     */
    public Map<IoOp, Long> counts() {
        synchronized (lock) {
            return Collections.unmodifiableMap(new EnumMap<>(counts));
        }
    }

    /** Sets every counter back to zero. */
    public void resetCounters() {
        synchronized (lock) {
            counts.clear();
        }
    }

    /**
     * Leaves this many bytes free: files may grow by that much in total before writes fail with
     * {@link dev.plinth.StorageFullException}. Only growth through this wrapper is counted.
     *
     * @param bytes the free space, at least 0
     */
    public void limitFreeSpace(long bytes) {
        if (bytes < 0) {
            throw new IllegalArgumentException("free space cannot be negative: " + bytes);
        }
        synchronized (lock) {
            freeSpace = bytes;
        }
    }

    /** Removes the limit of {@link #limitFreeSpace(long)}. */
    public void unlimitedSpace() {
        synchronized (lock) {
            freeSpace = Long.MAX_VALUE;
        }
    }

    /**
     * The free space left.
     *
     * @return bytes, or {@link Long#MAX_VALUE} when unlimited
     */
    public long freeSpace() {
        synchronized (lock) {
            return freeSpace;
        }
    }

    /**
     * Crashes the {@link MemVfs} underneath (see {@link MemVfs#powerLoss(PowerLoss)}) and forgets the
     * handles the crashed process had open. Counters, faults and free space stay.
     *
     * @param loss what survives
     * @throws IllegalStateException if the delegate is not a {@link MemVfs}
     */
    public void powerLoss(PowerLoss loss) {
        if (!(delegate instanceof MemVfs mem)) {
            throw new IllegalStateException("only a MemVfs can lose power; this wraps " + delegate);
        }
        synchronized (lock) {
            mem.powerLoss(loss);
            open.clear();
        }
    }

    // ---------------------------------------------------------------- leaks

    /**
     * The handles and locks opened through this file system and not closed yet.
     *
     * @return them, oldest first
     */
    public List<OpenHandle> openHandles() {
        synchronized (lock) {
            return List.copyOf(open.values());
        }
    }

    /**
     * Describes each open handle with the stack where it was opened.
     *
     * @return one description per handle
     */
    public List<String> describeLeaks() {
        List<String> out = new ArrayList<>();
        for (OpenHandle h : openHandles()) {
            StringWriter w = new StringWriter();
            w.append(h.toString()).append(", opened at:\n");
            h.openedAt().printStackTrace(new PrintWriter(w));
            out.add(w.toString());
        }
        return out;
    }

    /**
     * Fails if a handle or lock is still open.
     *
     * @throws AssertionError naming each open handle and where it was opened
     */
    public void assertNoLeaks() {
        List<String> leaks = describeLeaks();
        if (!leaks.isEmpty()) {
            throw new AssertionError("leaked " + leaks.size() + " file handle(s) or lock(s) of "
                    + delegate.location(VfsNames.ROOT) + ":\n" + String.join("\n", leaks));
        }
    }

    private Object track(OpenHandle.Kind kind, String name, Object handle) {
        synchronized (lock) {
            open.put(handle, new OpenHandle(kind, name, new Throwable(
                    kind.name().toLowerCase(java.util.Locale.ROOT) + " " + name + " opened here")));
        }
        return handle;
    }

    private void untrack(Object handle) {
        synchronized (lock) {
            open.remove(handle);
        }
    }

    // ---------------------------------------------------------------- counting and failing

    /** Counts the operation and throws if a fault fires on it. */
    private void before(IoOp op, String name, String otherName) {
        synchronized (lock) {
            counts.merge(op, 1L, Long::sum);
            for (Armed a : faults) {
                Fault f = a.fault;
                if (f.op() != op || !(f.names().test(name) || (otherName != null && f.names().test(otherName)))) {
                    continue;
                }
                boolean fire;
                if (f.probability() > 0) {
                    fire = (f.staysFailed() && a.fired) || random.nextDouble() < f.probability();
                } else {
                    a.seen++;
                    fire = a.seen == f.nth() || (f.staysFailed() && a.seen > f.nth());
                }
                if (fire) {
                    a.fired = true;
                    failuresInjected++;
                    String where = otherName == null ? delegate.location(name)
                            : delegate.location(name) + " to " + VfsNames.leaf(otherName);
                    throw StorageErrors.translate(op.verb(), where, new IOException(
                            (f.noSpace() ? "No space left on device" : "Input/output error") + " (injected: " + f + ")"));
                }
            }
        }
    }

    private boolean limited() {
        return freeSpace != Long.MAX_VALUE;
    }

    // ---------------------------------------------------------------- Vfs

    @Override
    public String location(String name) {
        return delegate.location(name);
    }

    @Override
    public VfsFile create(String name) {
        VfsNames.check(name);
        before(IoOp.CREATE, name, null);
        return (VfsFile) track(OpenHandle.Kind.FILE, name, new FaultyFile(delegate.create(name)));
    }

    @Override
    public VfsFile openRead(String name) {
        VfsNames.check(name);
        before(IoOp.OPEN, name, null);
        return (VfsFile) track(OpenHandle.Kind.FILE, name, new FaultyFile(delegate.openRead(name)));
    }

    @Override
    public VfsFile openWrite(String name) {
        VfsNames.check(name);
        before(IoOp.OPEN, name, null);
        return (VfsFile) track(OpenHandle.Kind.FILE, name, new FaultyFile(delegate.openWrite(name)));
    }

    @Override
    public boolean exists(String name) {
        VfsNames.checkDirectory(name);
        before(IoOp.EXISTS, name, null);
        return delegate.exists(name);
    }

    @Override
    public boolean isDirectory(String name) {
        VfsNames.checkDirectory(name);
        before(IoOp.EXISTS, name, null);
        return delegate.isDirectory(name);
    }

    @Override
    public long size(String name) {
        VfsNames.check(name);
        before(IoOp.SIZE, name, null);
        return delegate.size(name);
    }

    @Override
    public List<String> list(String directory) {
        VfsNames.checkDirectory(directory);
        before(IoOp.LIST, directory, null);
        return delegate.list(directory);
    }

    @Override
    public void mkdirs(String directory) {
        VfsNames.checkDirectory(directory);
        before(IoOp.MKDIRS, directory, null);
        delegate.mkdirs(directory);
    }

    @Override
    public void rename(String from, String to) {
        VfsNames.check(from);
        VfsNames.check(to);
        before(IoOp.RENAME, from, to);
        synchronized (lock) {
            long freed = limited() && !from.equals(to) && delegate.exists(to) && !delegate.isDirectory(to)
                    && delegate.exists(from) ? delegate.size(to) : 0;
            delegate.rename(from, to);
            if (limited()) {
                freeSpace += freed;
            }
        }
    }

    @Override
    public boolean delete(String name) {
        VfsNames.check(name);
        before(IoOp.DELETE, name, null);
        synchronized (lock) {
            long freed = limited() && delegate.exists(name) && !delegate.isDirectory(name) ? delegate.size(name) : 0;
            boolean deleted = delegate.delete(name);
            if (limited()) {
                freeSpace += freed;
            }
            return deleted;
        }
    }

    @Override
    public VfsLock lock(String name) {
        VfsNames.check(name);
        before(IoOp.LOCK, name, null);
        return (VfsLock) track(OpenHandle.Kind.LOCK, name, new FaultyLock(delegate.lock(name)));
    }

    @Override
    public void syncDirectory(String directory) {
        VfsNames.checkDirectory(directory);
        before(IoOp.SYNC_DIRECTORY, directory, null);
        delegate.syncDirectory(directory);
    }

    @Override
    public String toString() {
        return "FaultyVfs[" + delegate + "]";
    }

    // ---------------------------------------------------------------- handles

    /** A counted, failable, tracked file handle. */
    private final class FaultyFile implements VfsFile {
        private final VfsFile file;
        private final java.util.concurrent.atomic.AtomicBoolean closed = new java.util.concurrent.atomic.AtomicBoolean();

        FaultyFile(VfsFile file) {
            this.file = file;
        }

        private void checkOpen() {
            if (closed.get()) {
                throw new IllegalStateException("file " + delegate.location(file.name()) + " is closed");
            }
        }

        private void checkWritable(String operation) {
            checkOpen();
            if (!file.writable()) {
                throw new IllegalStateException("cannot " + operation + " " + delegate.location(file.name())
                        + ": it was opened for reading only");
            }
        }

        @Override
        public String name() {
            return file.name();
        }

        @Override
        public boolean writable() {
            return file.writable();
        }

        @Override
        public long size() {
            checkOpen();
            before(IoOp.SIZE, file.name(), null);
            return file.size();
        }

        @Override
        public int read(long position, ByteBuffer dst) {
            checkOpen();
            before(IoOp.READ, file.name(), null);
            return file.read(position, dst);
        }

        @Override
        public MappedRegion map(long position, int length) {
            checkOpen();
            before(IoOp.MAP, file.name(), null);
            return (MappedRegion) track(OpenHandle.Kind.MAPPING, file.name(), new FaultyRegion(file.map(position, length)));
        }

        @Override
        public void write(long position, ByteBuffer src) {
            checkWritable("write");
            if (position < 0) {
                throw new IllegalArgumentException("negative position " + position + " writing " + location(name()));
            }
            before(IoOp.WRITE, file.name(), null);
            if (!limited()) {
                file.write(position, src);
                return;
            }
            synchronized (lock) {
                writeWithinQuotaLocked(position, src);
            }
        }

        /** Writes what fits in the free space; throws a full disk if not everything did. */
        private void writeWithinQuotaLocked(long position, ByteBuffer src) {
            long size = file.size();
            long end = position + src.remaining();
            long allowedEnd = size + freeSpace;
            if (end <= allowedEnd) {
                file.write(position, src);
                freeSpace -= Math.max(0, end - size);
                return;
            }
            if (position < allowedEnd) {
                ByteBuffer fits = src.slice();
                fits.limit((int) (allowedEnd - position));
                file.write(position, fits);
                src.position(src.position() + fits.limit());
                freeSpace -= Math.max(0, allowedEnd - size);
            }
            throw StorageErrors.translate(IoOp.WRITE.verb(), delegate.location(file.name()),
                    new IOException("No space left on device (free space of the FaultyVfs used up)"));
        }

        @Override
        public long append(ByteBuffer src) {
            checkWritable("append to");
            before(IoOp.WRITE, file.name(), null);
            if (!limited()) {
                return file.append(src);
            }
            synchronized (lock) {
                long at = file.size();
                writeWithinQuotaLocked(at, src);
                return at;
            }
        }

        @Override
        public void preallocate(long length) {
            checkWritable("preallocate");
            if (length < 0) {
                throw new IllegalArgumentException("negative length " + length + " preallocating " + location(name()));
            }
            before(IoOp.WRITE, file.name(), null);
            if (!limited()) {
                file.preallocate(length);
                return;
            }
            synchronized (lock) {
                long size = file.size();
                long allowed = Math.min(length, size + freeSpace);
                file.preallocate(allowed);
                freeSpace -= Math.max(0, allowed - size);
                if (allowed < length) {
                    throw StorageErrors.translate(IoOp.WRITE.verb(), delegate.location(file.name()),
                            new IOException("No space left on device (free space of the FaultyVfs used up)"));
                }
            }
        }

        @Override
        public void truncate(long size) {
            checkWritable("truncate");
            before(IoOp.TRUNCATE, file.name(), null);
            if (!limited()) {
                file.truncate(size);
                return;
            }
            synchronized (lock) {
                long before = file.size();
                file.truncate(size);
                freeSpace += Math.max(0, before - size);
            }
        }

        @Override
        public void force() {
            checkOpen();
            before(IoOp.FORCE, file.name(), null);
            file.force();
        }

        @Override
        public void forceData() {
            checkOpen();
            before(IoOp.FORCE, file.name(), null);
            file.forceData();
        }

        @Override
        public void close() {
            if (closed.compareAndSet(false, true)) {
                untrack(this);
                file.close();
            }
        }

        @Override
        public String toString() {
            return file.toString();
        }
    }

    /**
     * A tracked mapped region whose every use of a range is a counted, failable read. Where the delegate hands
     * out copies (heap buffers), each use gets an array of this region's own, and {@link #close()} poisons those
     * still reachable, so a use after close is seen; a real mapping's (direct) buffers pass through, since
     * unmapping takes them away by itself.
     */
    private final class FaultyRegion implements MappedRegion {
        private final MappedRegion region;
        private final Object handedOutLock = new Object();
        // Guarded by handedOutLock: whether close() ran, and the arrays handed out (weakly: those no caller holds
        // any more need no poison), cleared references dropped whenever the list doubles.
        private boolean closed;
        private final List<WeakReference<byte[]>> handedOut = new ArrayList<>();
        private int purgeAt = 64;

        FaultyRegion(MappedRegion region) {
            this.region = region;
        }

        @Override
        public String name() {
            return region.name();
        }

        @Override
        public int length() {
            return region.length();
        }

        @Override
        public ByteBuffer bytes(int offset, int length) {
            synchronized (handedOutLock) {
                checkOpenLocked();
            }
            before(IoOp.READ, region.name(), null);
            ByteBuffer bytes = region.bytes(offset, length);
            if (bytes.isDirect()) {
                return bytes;
            }
            byte[] own = new byte[bytes.remaining()];
            bytes.get(own);
            synchronized (handedOutLock) {
                checkOpenLocked();
                if (handedOut.size() >= purgeAt) {
                    handedOut.removeIf(handed -> handed.get() == null);
                    purgeAt = Math.max(64, handedOut.size() * 2);
                }
                handedOut.add(new WeakReference<>(own));
            }
            return ByteBuffer.wrap(own).asReadOnlyBuffer();
        }

        private void checkOpenLocked() {
            if (closed) {
                throw new IllegalStateException("the mapped region of " + delegate.location(region.name()) + " is closed");
            }
        }

        @Override
        public boolean unmapsOnClose() {
            return region.unmapsOnClose();
        }

        @Override
        public void close() {
            synchronized (handedOutLock) {
                if (closed) {
                    return;
                }
                closed = true;
                for (WeakReference<byte[]> handed : handedOut) {
                    byte[] bytes = handed.get();
                    if (bytes != null) {
                        Arrays.fill(bytes, POISON);
                    }
                }
                handedOut.clear();
            }
            untrack(this);
            region.close();
        }

        @Override
        public String toString() {
            return region.toString();
        }
    }

    /** A tracked lock. */
    private final class FaultyLock implements VfsLock {
        private final VfsLock held;

        FaultyLock(VfsLock held) {
            this.held = held;
        }

        @Override
        public String name() {
            return held.name();
        }

        @Override
        public boolean isHeld() {
            return held.isHeld();
        }

        @Override
        public void close() {
            untrack(this);
            held.close();
        }

        @Override
        public String toString() {
            return held.toString();
        }
    }
}
