package dev.plinth.raftlog.internal.shared;

import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A file system that counts forces and, once armed, holds the first force that follows until it is opened: a
 * test can then line up other writers behind a leader that is inside its force.
 */
public final class GateVfs implements Vfs {
    private final Vfs delegate;
    final AtomicLong forces = new AtomicLong();
    private volatile CountDownLatch gate;
    /** Counted down when a force is held by the gate. */
    public final CountDownLatch entered = new CountDownLatch(1);

    /**
     * Wraps a file system.
     *
     * @param delegate the file system that does the work
     */
    public GateVfs(Vfs delegate) {
        this.delegate = delegate;
    }

    /** The next force waits until {@link #open()}. */
    public void arm() {
        gate = new CountDownLatch(1);
    }

    /** Lets the held force (and every later one) go. */
    public void open() {
        gate.countDown();
    }

    private void forced() {
        forces.incrementAndGet();
        CountDownLatch g = gate;
        if (g != null && g.getCount() > 0) {
            entered.countDown();
            try {
                g.await();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
        }
    }

    private VfsFile wrap(VfsFile f) {
        return new VfsFile() {
            @Override
            public String name() {
                return f.name();
            }

            @Override
            public boolean writable() {
                return f.writable();
            }

            @Override
            public long size() {
                return f.size();
            }

            @Override
            public int read(long position, ByteBuffer dst) {
                return f.read(position, dst);
            }

            @Override
            public void write(long position, ByteBuffer src) {
                f.write(position, src);
            }

            @Override
            public long append(ByteBuffer src) {
                return f.append(src);
            }

            @Override
            public void preallocate(long length) {
                f.preallocate(length);
            }

            @Override
            public void truncate(long size) {
                f.truncate(size);
            }

            @Override
            public void force() {
                f.force();
                forced();
            }

            @Override
            public void forceData() {
                f.forceData();
                forced();
            }

            @Override
            public void close() {
                f.close();
            }
        };
    }

    @Override
    public String location(String name) {
        return delegate.location(name);
    }

    @Override
    public VfsFile create(String name) {
        return wrap(delegate.create(name));
    }

    @Override
    public VfsFile openRead(String name) {
        return wrap(delegate.openRead(name));
    }

    @Override
    public VfsFile openWrite(String name) {
        return wrap(delegate.openWrite(name));
    }

    @Override
    public boolean exists(String name) {
        return delegate.exists(name);
    }

    @Override
    public boolean isDirectory(String name) {
        return delegate.isDirectory(name);
    }

    @Override
    public long size(String name) {
        return delegate.size(name);
    }

    @Override
    public List<String> list(String directory) {
        return delegate.list(directory);
    }

    @Override
    public void mkdirs(String directory) {
        delegate.mkdirs(directory);
    }

    @Override
    public void rename(String from, String to) {
        delegate.rename(from, to);
    }

    @Override
    public boolean delete(String name) {
        return delegate.delete(name);
    }

    @Override
    public VfsLock lock(String name) {
        return delegate.lock(name);
    }

    @Override
    public void syncDirectory(String directory) {
        delegate.syncDirectory(directory);
    }
}
