package dev.plinth.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * One benchmark trial's target: a fresh temporary directory, the target opened in it, loaded with
 * {@link BenchData}, and a seeded key picker. {@link #close()} closes the target and deletes the directory;
 * it may be called twice. Not thread-safe.
 */
final class TargetFixture implements AutoCloseable {
    private final Path dir;
    private final BenchData data;
    private final KvTarget target;
    private long rng = 0x2545F4914F6CDD1DL;
    private int valueIndex;
    private boolean closed;

    private TargetFixture(Path dir, BenchData data, KvTarget target) {
        this.dir = dir;
        this.data = data;
        this.target = target;
    }

    /** Opens target {@code engine} in a new temporary directory and loads {@code keyCount} keys into it. */
    static TargetFixture open(String engine, int keyCount, int valueSize, KvTarget.Durable durable) {
        return open(engine, keyCount, valueSize, durable, false);
    }

    /**
     * As {@link #open(String, int, int, KvTarget.Durable)}, then, if {@code settle}, lets the target finish
     * its deferred work ({@link KvTarget#settle()}) before anything is measured.
     */
    static TargetFixture open(String engine, int keyCount, int valueSize, KvTarget.Durable durable, boolean settle) {
        Path dir;
        try {
            // A target's name may carry URI parameters (plinth-rocksdb?indexAndFilters=cache): not in a file name.
            dir = Files.createTempDirectory("plinth-bench-" + engine.replaceAll("[^A-Za-z0-9-]", "_") + "-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot make a temporary directory", e);
        }
        KvTarget target = null;
        try {
            BenchData data = new BenchData(keyCount, valueSize);
            target = Targets.open(engine, dir, durable);
            data.load(target);
            if (settle) {
                target.settle();
            }
            return new TargetFixture(dir, data, target);
        } catch (RuntimeException e) {
            if (target != null) {
                target.close();
            }
            Targets.deleteTree(dir);
            throw e;
        }
    }

    KvTarget target() {
        return target;
    }

    BenchData data() {
        return data;
    }

    Path dir() {
        return dir;
    }

    /** The next key index in {@code [0, bound)}, from a xorshift generator seeded the same for every target. */
    int nextIndex(int bound) {
        long x = rng;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        rng = x;
        return (int) Long.remainderUnsigned(x, bound);
    }

    /** A random loaded key. */
    byte[] randomKey() {
        return data.keyAt(nextIndex(data.keyCount()));
    }

    /** The next value to write (they cycle, so consecutive writes differ). */
    byte[] nextValue() {
        return data.value(valueIndex++);
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            target.close();
        } finally {
            Targets.deleteTree(dir);
        }
    }
}
