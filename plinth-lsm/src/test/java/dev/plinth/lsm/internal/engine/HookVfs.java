package dev.plinth.lsm.internal.engine;

import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/** Passes every call through; runs a hook before each opening for reading, and counts them by name. */
final class HookVfs implements Vfs {
    private final Vfs in;
    private final Consumer<String> beforeOpenRead;
    private final Map<String, AtomicInteger> opens = new ConcurrentHashMap<>();

    HookVfs(Vfs in, Consumer<String> beforeOpenRead) {
        this.in = in;
        this.beforeOpenRead = beforeOpenRead;
    }

    int opens(String name) {
        AtomicInteger n = opens.get(name);
        return n == null ? 0 : n.get();
    }

    @Override public VfsFile openRead(String name) {
        opens.computeIfAbsent(name, k -> new AtomicInteger()).incrementAndGet();
        beforeOpenRead.accept(name);
        return in.openRead(name);
    }

    @Override public String location(String name) { return in.location(name); }
    @Override public VfsFile create(String name) { return in.create(name); }
    @Override public VfsFile openWrite(String name) { return in.openWrite(name); }
    @Override public boolean exists(String name) { return in.exists(name); }
    @Override public boolean isDirectory(String name) { return in.isDirectory(name); }
    @Override public long size(String name) { return in.size(name); }
    @Override public List<String> list(String directory) { return in.list(directory); }
    @Override public void mkdirs(String directory) { in.mkdirs(directory); }
    @Override public void rename(String from, String to) { in.rename(from, to); }
    @Override public boolean delete(String name) { return in.delete(name); }
    @Override public VfsLock lock(String name) { return in.lock(name); }
    @Override public void syncDirectory(String directory) { in.syncDirectory(directory); }
}
