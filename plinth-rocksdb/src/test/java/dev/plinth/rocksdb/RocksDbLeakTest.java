package dev.plinth.rocksdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Opens and closes the engine many times, each time creating and dropping column families, writing, and
 * opening iterators and snapshots (some left for the store or the engine to close), now and then failing
 * to open a locked directory, and checks that
 * nothing native leaks: open file descriptors return to their baseline exactly, and the process's
 * resident memory stays within a generous bound of where it stood after warm-up. RocksDB's native
 * memory cannot be measured directly; RSS is what would grow if column family handles, iterators,
 * snapshots, options, caches or databases were left unfreed (each database holds a 64 MiB cache).
 */
class RocksDbLeakTest {
    static final int WARMUP_CYCLES = 20;
    static final int CYCLES = 220;
    /** How far RSS may grow over the measured cycles: generous, as the JVM heap and malloc arenas move too. */
    static final long RSS_GROWTH_BOUND = 256L << 20;

    @TempDir
    Path dir;

    @Test
    void openAndCloseManyTimesLeaksNoFileDescriptorsOrMemory() throws IOException {
        for (int i = 0; i < WARMUP_CYCLES; i++) {
            cycle(i);
        }
        System.gc();
        long fdsBefore = openFileDescriptors();
        long rssBefore = rssBytes();
        for (int i = WARMUP_CYCLES; i < WARMUP_CYCLES + CYCLES; i++) {
            cycle(i);
        }
        System.gc();
        long fdsAfter = openFileDescriptors();
        long rssAfter = rssBytes();
        System.out.printf("rocksdb leak check: %d cycles, fds %d -> %d, RSS %d MiB -> %d MiB%n", CYCLES, fdsBefore,
                fdsAfter, rssBefore >> 20, rssAfter >> 20);
        assertThat(fdsAfter).as("open file descriptors after %d open/close cycles", CYCLES).isLessThanOrEqualTo(fdsBefore);
        assertThat(rssAfter - rssBefore).as("RSS growth over %d open/close cycles", CYCLES)
                .isLessThan(RSS_GROWTH_BOUND);
    }

    /** One open/use/close cycle, alternating the public API with the engine SPI. */
    private void cycle(int i) {
        Path storeDir = dir.resolve("store-" + (i % 4));
        if (i % 2 == 0) {
            storeCycle(storeDir, i);
        } else {
            engineCycle(storeDir, i);
        }
    }

    private static void storeCycle(Path storeDir, int i) {
        Store s = Plinth.open("rocksdb:" + storeDir);
        try {
            Keyspace ks = s.createKeyspace("ks-" + (i % 3));
            Keyspace def = s.defaultKeyspace();
            WriteBatch batch = new WriteBatch().durability(Durability.NONE);
            for (int k = 0; k < 50; k++) {
                batch.put(ks, key(k), key(i));
                batch.put(def, key(k), key(i));
            }
            s.write(batch);
            ks.compareAndSet(key(0), key(i), key(i + 1), WriteOptions.durability(Durability.PROCESS));
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
                for (int k = 0; k < 10 && c.next(); k++) {
                    c.value();
                }
            }
            try (Snapshot snap = s.snapshot(); Cursor c = snap.cursor(def, Range.prefix(new byte[] {'k'}), ScanOptions.forward())) {
                c.next();
                snap.get(ks, key(1));
            }
            // Left open: the store closes them before the engine.
            Cursor leftOpen = def.cursor(Range.all(), ScanOptions.forward());
            leftOpen.next();
            s.snapshot();
            if (i % 3 == 2) {
                s.dropKeyspace("ks-" + (i % 3));
            }
            if (i % 10 == 0) {
                s.flush();
                // A failed open (the directory is locked by this store) must free what it made.
                assertThatThrownBy(() -> Plinth.open("rocksdb:" + storeDir)).isInstanceOf(StorageIOException.class);
            }
        } finally {
            s.close();
        }
    }

    private static void engineCycle(Path storeDir, int i) {
        Engine e = RocksDbTestSupport.open(storeDir);
        try {
            EngineKeyspace ks = e.createKeyspace("engine-" + (i % 2));
            for (int k = 0; k < 20; k++) {
                RocksDbTestSupport.put(e, ks, "k" + k, "v" + i);
            }
            EngineSnapshot snap = e.snapshot();
            EngineCursor c1 = e.cursor(ks, null, null, false, false);
            c1.next();
            EngineCursor c2 = snap.cursor(ks, null, key(5), true, false);
            c2.next();
            if (i % 4 == 1) {
                // Closed properly, in the order the core uses.
                c2.close();
                c1.close();
                snap.close();
                e.dropKeyspace("engine-" + (i % 2));
            }
            // Otherwise left open for the engine's close to free.
        } finally {
            e.close();
        }
    }

    private static byte[] key(int k) {
        return ("k" + k).getBytes(StandardCharsets.UTF_8);
    }

    private static long openFileDescriptors() throws IOException {
        try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
            return fds.count();
        }
    }

    private static long rssBytes() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
            if (line.startsWith("VmRSS:")) {
                String kb = line.substring("VmRSS:".length()).trim().split("\\s+")[0];
                return Long.parseLong(kb) * 1024;
            }
        }
        throw new IllegalStateException("no VmRSS in /proc/self/status");
    }
}
