package dev.plinth.lsm.internal.engine;

import dev.plinth.io.MappedRegion;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * A file system that passes every call through after a random pause, so that the engine's threads
 * (the caller's and the background flush) interleave differently from run to run. For tests that look for
 * interleavings a plain run almost never meets.
 */
final class JitterVfs implements Vfs {
    private final Vfs in;
    private final int percent;
    /** Called with the file's name before each force of a file (a test holds a force there); none by default. */
    volatile java.util.function.Consumer<String> beforeForce = name -> { };

    JitterVfs(Vfs in, int percent) {
        this.in = in;
        this.percent = percent;
    }

    void pause() {
        ThreadLocalRandom r = ThreadLocalRandom.current();
        if (r.nextInt(100) < percent) {
            if (r.nextInt(20) == 0) {
                java.util.concurrent.locks.LockSupport.parkNanos(r.nextInt(1, 300_000));
            } else {
                Thread.yield();
            }
        }
    }

    @Override public String location(String name) { return in.location(name); }
    @Override public VfsFile create(String name) { pause(); return new JitterFile(in.create(name)); }
    @Override public VfsFile openRead(String name) { pause(); return new JitterFile(in.openRead(name)); }
    @Override public VfsFile openWrite(String name) { pause(); return new JitterFile(in.openWrite(name)); }
    @Override public boolean exists(String name) { pause(); return in.exists(name); }
    @Override public boolean isDirectory(String name) { return in.isDirectory(name); }
    @Override public long size(String name) { return in.size(name); }
    @Override public List<String> list(String directory) { pause(); return in.list(directory); }
    @Override public void mkdirs(String directory) { in.mkdirs(directory); }
    @Override public void rename(String from, String to) { pause(); in.rename(from, to); }
    @Override public boolean delete(String name) { pause(); return in.delete(name); }
    @Override public VfsLock lock(String name) { return in.lock(name); }
    @Override public void syncDirectory(String directory) { pause(); in.syncDirectory(directory); pause(); }

    private final class JitterFile implements VfsFile {
        private final VfsFile f;

        JitterFile(VfsFile f) {
            this.f = f;
        }

        @Override public String name() { return f.name(); }
        @Override public boolean writable() { return f.writable(); }
        @Override public long size() { return f.size(); }
        @Override public int read(long position, ByteBuffer dst) { return f.read(position, dst); }
        @Override public MappedRegion map(long position, int length) { return f.map(position, length); }
        @Override public void write(long position, ByteBuffer src) { pause(); f.write(position, src); pause(); }
        @Override public long append(ByteBuffer src) { pause(); return f.append(src); }
        @Override public void preallocate(long length) { f.preallocate(length); }
        @Override public void truncate(long size) { f.truncate(size); }
        @Override public void force() { beforeForce.accept(f.name()); pause(); f.force(); pause(); }
        @Override public void forceData() { beforeForce.accept(f.name()); pause(); f.forceData(); pause(); }
        @Override public void close() { f.close(); }
    }
}
