package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.io.NioVfs;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.OpenHandle;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Mapped tables (the default) are unmapped when their last user lets go, never before: on the real file
 * system, a table that a compaction retired stays mapped, and its file in place, while a cursor still reads
 * it, and goes when the cursor is closed; and gets, cursors in both directions and snapshots racing background
 * and full compactions that retire tables all the time read only live mappings (a read of an unmapped table
 * would fail on a closed region, or crash the JVM).
 */
class LsmMappedTableReleaseTest {
    private static final LsmOptions OPTIONS = new LsmOptions(32 * 1024, LsmOptions.MIN_MEMTABLE_SIZE, 1 << 20, false,
            LsmCompactionWithoutReadersTest.TINY);

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    private static void put(LsmEngine e, String key, String value) {
        EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
        e.apply(EngineBatch.builder(Durability.NONE).put(ks, b(key), b(value)).build());
    }

    private static Set<String> mappedTables(FaultyVfs fs) {
        return fs.openHandles().stream().filter(h -> h.kind() == OpenHandle.Kind.MAPPING).map(OpenHandle::name)
                .collect(Collectors.toSet());
    }

    @Test
    void aRetiredTableStaysMappedUntilTheLastCursorOnItIsClosed() {
        assertThat(NioVfs.canUnmap()).as("Unsafe.invokeCleaner on this JDK").isTrue();
        FaultyVfs fs = new FaultyVfs(NioVfs.at(dir), 7);
        TreeMap<String, String> first = new TreeMap<>();
        try (LsmEngine e = LsmEngine.open("lsm-unmap", fs, OPTIONS, true)) {
            for (int i = 0; i < 400; i++) {
                String key = String.format("k%04d", i);
                String value = "first-" + i + "x".repeat(60);
                put(e, key, value);
                first.put(key, value);
            }
            e.compact();
            EngineCursor c = e.cursor(e.keyspace(Store.DEFAULT_KEYSPACE), ScanSpec.all());
            Set<String> held = mappedTables(fs);
            assertThat(held).as("tables mapped when the cursor opened").isNotEmpty();
            for (int i = 0; i < 400; i++) {
                put(e, String.format("k%04d", i), "second-" + i + "y".repeat(60));
            }
            e.compact(); // every table the cursor opened on is an input now, retired
            Set<String> after = mappedTables(fs);
            assertThat(after).as("retired tables the open cursor still reads").containsAll(held);
            for (String name : held) {
                assertThat(Files.exists(dir.resolve(name))).as(name).isTrue();
            }
            TreeMap<String, String> seen = new TreeMap<>();
            while (c.next()) {
                seen.put(str(c.key()), str(c.value()));
            }
            assertThat(seen).isEqualTo(first);
            c.close();
            Set<String> left = mappedTables(fs);
            for (String name : held) {
                assertThat(left).as("mapped after the last reader let go").doesNotContain(name);
                assertThat(Files.exists(dir.resolve(name))).as(name + " deleted").isFalse();
            }
        }
        fs.assertNoLeaks();
    }

    @Test
    void readersRacingCompactionsThatRetireTablesReadOnlyLiveMappings() throws Exception {
        FaultyVfs fs = new FaultyVfs(NioVfs.at(dir), 11);
        ConcurrentLinkedQueue<Throwable> failures = new ConcurrentLinkedQueue<>();
        AtomicBoolean stop = new AtomicBoolean();
        long compactions;
        long reads;
        try (LsmEngine e = LsmEngine.open("lsm-unmap-race", fs, OPTIONS, true)) {
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            List<Thread> threads = new ArrayList<>();
            threads.add(new Thread(() -> {
                Random rnd = new Random(1);
                for (long n = 0; !stop.get(); n++) {
                    String key = String.format("k%03d", rnd.nextInt(300));
                    put(e, key, key + ":" + n + "v".repeat(rnd.nextInt(80)));
                }
            }, "writer"));
            threads.add(new Thread(() -> {
                while (!stop.get()) {
                    e.compact();
                    sleep(20);
                }
            }, "full compactions"));
            long[] readCounts = new long[3];
            for (int r = 0; r < readCounts.length; r++) {
                int id = r;
                threads.add(new Thread(() -> {
                    Random rnd = new Random(100 + id);
                    while (!stop.get()) {
                        readCounts[id] += readOnce(e, ks, rnd);
                    }
                }, "reader " + r));
            }
            for (Thread t : threads) {
                t.setUncaughtExceptionHandler((t1, x) -> {
                    failures.add(x);
                    stop.set(true);
                });
                t.start();
            }
            Thread.sleep(2500);
            stop.set(true);
            for (Thread t : threads) {
                t.join(60_000);
            }
            compactions = e.stats().get("lsm.compactions");
            reads = Arrays.stream(readCounts).sum();
        }
        if (!failures.isEmpty()) {
            AssertionError all = new AssertionError(failures.size() + " reader or writer failures");
            failures.forEach(all::addSuppressed);
            throw all;
        }
        System.out.println("lsm mapped tables racing compactions: " + compactions + " compactions, " + reads + " reads");
        assertThat(compactions).as("compactions that retired tables while readers read").isGreaterThan(5);
        assertThat(mappedTables(fs)).isEmpty();
        fs.assertNoLeaks();
    }

    /** One read: a get, a cursor in either direction over a random range, or a snapshot read twice. */
    private static long readOnce(LsmEngine e, EngineKeyspace ks, Random rnd) {
        String from = String.format("k%03d", rnd.nextInt(300));
        switch (rnd.nextInt(4)) {
            case 0 -> {
                String v = str(e.get(ks, b(from)));
                assertThat(v == null || v.startsWith(from + ":")).as("%s = %s", from, v).isTrue();
                return 1;
            }
            case 1, 2 -> {
                boolean reverse = rnd.nextBoolean();
                ScanSpec scan = reverse ? new ScanSpec(null, b(from), true, ScanSpec.FULL_VALUES)
                        : new ScanSpec(b(from), null, false, ScanSpec.FULL_VALUES);
                long n = 0;
                String prev = null;
                try (EngineCursor c = e.cursor(ks, scan)) {
                    while (n < 200 && c.next()) {
                        String key = str(c.key());
                        assertThat(str(c.value())).startsWith(key + ":");
                        if (prev != null) {
                            assertThat(reverse ? key.compareTo(prev) < 0 : key.compareTo(prev) > 0)
                                    .as("%s after %s", key, prev).isTrue();
                        }
                        prev = key;
                        n++;
                        if (n % 50 == 0) {
                            sleep(1); // let compactions retire what this cursor reads
                        }
                    }
                }
                return n;
            }
            default -> {
                try (EngineSnapshot s = e.snapshot()) {
                    String v = str(s.get(ks, b(from)));
                    sleep(2);
                    assertThat(str(s.get(ks, b(from)))).as("repeatable %s", from).isEqualTo(v);
                }
                return 2;
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException x) {
            Thread.currentThread().interrupt();
        }
    }
}
