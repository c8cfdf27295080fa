package dev.plinth.lsm.internal.sstable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.StorageIOException;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Tables read through a mapping of their file ({@code tableReads=mmap}): the same entries and lookups as
 * with positional reads, on a real mapping and on the test kit's copies; damage is found by the same
 * checks, and an injected read error reaches the caller.
 */
class LsmTableMappingTest {
    private static final long SEED = Long.getLong("plinth.seed", 20261206L);

    @TempDir
    Path dir;

    private static List<Entry> entries(Random rnd, int n) {
        TreeSet<Entry> set = new TreeSet<>(Entry.ORDER);
        long seq = 1;
        while (set.size() < n) {
            byte[] key = String.format("key-%06d", rnd.nextInt(4 * n)).getBytes();
            boolean delete = rnd.nextInt(7) == 0;
            byte[] value = new byte[rnd.nextInt(120)];
            for (int i = 0; i < value.length; i++) {
                value[i] = (byte) (rnd.nextBoolean() ? 'a' : rnd.nextInt(256)); // compressible in part
            }
            set.add(new Entry(rnd.nextInt(2), key, seq++, delete ? Kind.DELETE : Kind.PUT, delete ? null : value));
        }
        return new ArrayList<>(set);
    }

    private static void assertSameTable(TableReader mapped, TableReader pread, List<Entry> all, Random rnd) {
        List<Entry> back = new ArrayList<>();
        mapped.all().forEachRemaining(back::add);
        assertThat(back).hasSameSizeAs(all);
        for (int i = 0; i < all.size(); i++) {
            assertThat(Entry.ORDER.compare(back.get(i), all.get(i))).isZero();
            assertThat(back.get(i).value()).isEqualTo(all.get(i).value());
        }
        for (int probe = 0; probe < 500; probe++) {
            byte[] key = String.format("key-%06d", rnd.nextInt(4 * all.size())).getBytes();
            int ks = rnd.nextInt(2);
            Entry a = mapped.newest(ks, key, Long.MAX_VALUE);
            Entry b = pread.newest(ks, key, Long.MAX_VALUE);
            if (b == null) {
                assertThat(a).isNull();
            } else {
                assertThat(Entry.ORDER.compare(a, b)).isZero();
                assertThat(a.value()).isEqualTo(b.value());
            }
        }
        assertThat(mapped.verify()).isEmpty();
    }

    private void roundTrip(Vfs vfs, long seed) {
        Random rnd = new Random(seed);
        for (boolean compress : new boolean[] {false, true}) {
            long number = compress ? 2 : 1;
            List<Entry> all = entries(rnd, 3000);
            TableWriter.write(vfs, number, all.iterator(), List.of(), compress);
            for (long cacheBytes : new long[] {0, 1 << 20}) {
                TableReader mapped = TableReader.open(vfs, number, new BlockCache(cacheBytes, true));
                TableReader pread = TableReader.open(vfs, number, new BlockCache(cacheBytes, false));
                try {
                    assertSameTable(mapped, pread, all, rnd);
                } finally {
                    mapped.release();
                    pread.release();
                }
            }
        }
    }

    @Test
    void aMappedTableReadsAsAPositionallyReadOneOnARealMapping() {
        roundTrip(NioVfs.at(dir), SEED);
    }

    @Test
    void aMappedTableReadsAsAPositionallyReadOneOnTheTestKitsCopies() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(SEED), SEED);
        roundTrip(fs, SEED + 1);
        fs.assertNoLeaks();
    }

    @Test
    void damageIsFoundThroughTheMappingAsThroughReads() {
        int found = 0;
        for (long seed = 0; seed < 40; seed++) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(seed), seed);
            TableWriter.write(fs, 1, entries(new Random(seed), 400).iterator(), List.of(), seed % 2 == 0);
            String name = TableFormat.tableName(1);
            Corruption.flipRandomBit(fs, name, seed);
            List<String> problems = new ArrayList<>();
            try {
                TableReader t = TableReader.open(fs, 1, new BlockCache(1 << 20, true));
                try {
                    problems.addAll(t.verify());
                } finally {
                    t.release();
                }
            } catch (CorruptionException e) {
                problems.add(e.getMessage());
            }
            assertThat(problems).as("seed %d", seed).isNotEmpty();
            assertThat(problems.get(0)).contains(name);
            found++;
        }
        assertThat(found).isEqualTo(40);
    }

    @Test
    void aBlockDamagedInTheFileAfterItWasReadInPlaceIsFoundAtItsNextUse() throws Exception {
        Vfs vfs = NioVfs.at(dir);
        List<Entry> all = entries(new Random(SEED + 2), 2000);
        TableWriter.write(vfs, 1, all.iterator(), List.of(), false);
        TableReader t = TableReader.open(vfs, 1, new BlockCache(1 << 20, true));
        try {
            Entry probe = all.stream().filter(e -> e.kind() == Kind.PUT && e.value().length > 20).skip(500)
                    .findFirst().orElseThrow();
            Entry got = t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE);
            assertThat(got.value()).isEqualTo(probe.value()); // the block is checked and used in place now
            // Change one byte of that value in the file: the mapping shows it, as a page read back from a
            // damaged disk would. A check remembered from the first use would hand out the changed value.
            long at = offsetOfValue(vfs, t, probe);
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(
                    dir.resolve(TableFormat.tableName(1)), java.nio.file.StandardOpenOption.WRITE,
                    java.nio.file.StandardOpenOption.READ)) {
                java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(1);
                ch.read(one, at);
                one.put(0, (byte) (one.get(0) ^ 0x10)).position(0);
                ch.write(one, at);
            }
            assertThatThrownBy(() -> t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE))
                    .isInstanceOf(CorruptionException.class).hasMessageContaining(TableFormat.tableName(1))
                    .hasMessageContaining("fails its CRC32C");
            assertThatThrownBy(() -> {
                var it = t.iterator(probe.keyspace(), probe.key(), false);
                while (it.current() != null) {
                    it.next();
                }
            }).isInstanceOf(CorruptionException.class).hasMessageContaining("fails its CRC32C");
        } finally {
            t.release();
        }
    }

    /** Where the probe's value lies in the table file: found by searching the file for its bytes. */
    private static long offsetOfValue(Vfs vfs, TableReader t, Entry probe) {
        byte[] file = new byte[(int) t.size()];
        try (var f = vfs.openRead(TableFormat.tableName(1))) {
            f.read(0, java.nio.ByteBuffer.wrap(file));
        }
        byte[] v = probe.value();
        outer:
        for (int i = 0; i + v.length <= file.length; i++) {
            for (int j = 0; j < v.length; j++) {
                if (file[i + j] != v[j]) {
                    continue outer;
                }
            }
            return i + v.length / 2;
        }
        throw new AssertionError("the value is not in the file");
    }

    @Test
    void damageAnywhereNeverComesBackAsADifferentEntryFromAMappedTable() {
        int detected = 0;
        for (long seed = 0; seed < 40; seed++) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(seed), seed);
            List<Entry> all = entries(new Random(seed), 400);
            TableWriter.write(fs, 1, all.iterator(), List.of(), seed % 2 == 0);
            Corruption.flipRandomBit(fs, TableFormat.tableName(1), seed);
            TableReader t;
            try {
                t = TableReader.open(fs, 1, new BlockCache(seed % 4 == 1 ? 0 : 1 << 20, true));
            } catch (CorruptionException e) {
                detected++;
                continue;
            }
            try {
                boolean found = false;
                for (int i = 0; i < all.size(); i++) {
                    Entry want = all.get(i);
                    Entry before = i == 0 ? null : all.get(i - 1);
                    if (before != null && before.keyspace() == want.keyspace()
                            && java.util.Arrays.equals(before.key(), want.key())) {
                        continue; // an older version: a lookup finds the newest, listed first
                    }
                    try {
                        Entry got = t.newest(want.keyspace(), want.key(), Long.MAX_VALUE);
                        assertThat(got).as("seed %d", seed).isNotNull();
                        assertThat(Entry.ORDER.compare(got, want)).as("seed %d", seed).isZero();
                        assertThat(got.kind()).as("seed %d", seed).isEqualTo(want.kind());
                        assertThat(got.value()).as("seed %d", seed).isEqualTo(want.value());
                    } catch (CorruptionException e) {
                        assertThat(e.getMessage()).contains(TableFormat.tableName(1));
                        found = true;
                    }
                }
                List<Entry> walked = new ArrayList<>();
                try {
                    for (int ks = 0; ks < 2; ks++) {
                        var it = t.iterator(ks, null, false);
                        for (Entry e = it.current(); e != null; it.next(), e = it.current()) {
                            walked.add(e);
                        }
                    }
                    for (int i = 0; i < all.size(); i++) {
                        assertThat(Entry.ORDER.compare(walked.get(i), all.get(i))).as("seed %d", seed).isZero();
                        assertThat(walked.get(i).value()).as("seed %d", seed).isEqualTo(all.get(i).value());
                    }
                    assertThat(walked).hasSameSizeAs(all);
                } catch (CorruptionException e) {
                    found = true;
                }
                if (found) {
                    detected++;
                }
            } finally {
                t.release();
            }
        }
        assertThat(detected).as("tables whose damage was reported").isEqualTo(40);
    }

    @Test
    void anInjectedReadErrorReachesTheCallerOfAMappedTable() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(SEED), SEED);
        TableWriter.write(fs, 1, entries(new Random(SEED), 400).iterator(), List.of());
        fs.inject(Fault.on(IoOp.READ).onFile(TableFormat.tableName(1)).once());
        assertThatThrownBy(() -> TableReader.open(fs, 1, new BlockCache(0, true)))
                .isInstanceOf(StorageIOException.class).hasMessageContaining(TableFormat.tableName(1));
        fs.assertNoLeaks();
    }

    /** Every entry of a keyspace walked by an iterator, from its edge. */
    private static List<Entry> walk(TableReader t, int ks, boolean reverse) {
        List<Entry> out = new ArrayList<>();
        var it = t.iterator(ks, null, reverse);
        for (Entry e = it.current(); e != null; it.next(), e = it.current()) {
            out.add(e);
        }
        return out;
    }

    private static void assertSameEntries(List<Entry> got, List<Entry> want) {
        assertThat(got).hasSameSizeAs(want);
        for (int i = 0; i < want.size(); i++) {
            assertThat(Entry.ORDER.compare(got.get(i), want.get(i))).isZero();
            assertThat(got.get(i).value()).isEqualTo(want.get(i).value());
        }
    }

    @Test
    void aReverseCursorReadsAMappedTableInPlaceAsPositionalReadsDoAndNeverFillsTheCache() {
        Vfs vfs = NioVfs.at(dir);
        Random rnd = new Random(SEED + 3);
        List<Entry> all = entries(rnd, 3000);
        TableWriter.write(vfs, 1, all.iterator(), List.of(), false);
        BlockCache mappedCache = new BlockCache(1 << 20, true);
        TableReader mapped = TableReader.open(vfs, 1, mappedCache);
        TableReader pread = TableReader.open(vfs, 1, new BlockCache(1 << 20, false));
        try {
            for (int ks = 0; ks < 2; ks++) {
                List<Entry> want = walk(pread, ks, true);
                assertThat(want).isNotEmpty();
                assertSameEntries(walk(mapped, ks, true), want);
            }
            for (int probe = 0; probe < 300; probe++) {
                int ks = rnd.nextInt(2);
                byte[] from = String.format("key-%06d", rnd.nextInt(4 * all.size())).getBytes();
                var a = mapped.iterator(ks, from, true);
                var b = pread.iterator(ks, from, true);
                for (int step = 0; step < 40; step++) {
                    if (b.current() == null) {
                        assertThat(a.current()).isNull();
                        break;
                    }
                    assertThat(Entry.ORDER.compare(a.current(), b.current())).isZero();
                    assertThat(a.current().value()).isEqualTo(b.current().value());
                    if (step == 20) {
                        byte[] again = String.format("key-%06d", rnd.nextInt(4 * all.size())).getBytes();
                        a.seek(again);
                        b.seek(again);
                    } else {
                        a.next();
                        b.next();
                    }
                }
            }
            // Gets, forward and reverse cursors read every block of this uncompressed table in place.
            assertThat(mappedCache.weightedSize()).as("bytes of the mapped table's blocks in the cache").isZero();
        } finally {
            mapped.release();
            pread.release();
        }
    }

    @Test
    void aTableCutShortUnderItsMappingIsAStorageIOExceptionNamingTheTableNotACrash() throws Exception {
        Vfs vfs = NioVfs.at(dir);
        List<Entry> all = entries(new Random(SEED + 4), 3000);
        TableWriter.write(vfs, 1, all.iterator(), List.of(), false);
        String name = TableFormat.tableName(1);
        TableReader t = TableReader.open(vfs, 1, new BlockCache(1 << 20, true));
        try {
            Entry probe = all.stream().filter(e -> e.kind() == Kind.PUT).skip(1500).findFirst().orElseThrow();
            for (int i = 0; i < 20_000; i++) { // compiled, as in a running store
                assertThat(t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE).value()).isEqualTo(probe.value());
            }
            try (java.nio.channels.FileChannel ch = java.nio.channels.FileChannel.open(dir.resolve(name),
                    java.nio.file.StandardOpenOption.WRITE)) {
                ch.truncate(0);
            }
            for (int i = 0; i < 1000; i++) {
                assertThatThrownBy(() -> t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE))
                        .isInstanceOf(StorageIOException.class).hasMessageContaining(vfs.location(name))
                        .hasMessageContaining("memory mapping");
            }
            for (boolean reverse : new boolean[] {false, true}) {
                assertThatThrownBy(() -> walk(t, probe.keyspace(), reverse)).as("reverse %s", reverse)
                        .isInstanceOf(StorageIOException.class).hasMessageContaining(vfs.location(name));
            }
        } finally {
            t.release();
        }
    }

    @Test
    void aReadErrorInjectedAfterOpenReachesTheNextUseOfAMappedBlock() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(SEED), SEED);
        List<Entry> all = entries(new Random(SEED + 5), 2000);
        TableWriter.write(fs, 1, all.iterator(), List.of(), false);
        String name = TableFormat.tableName(1);
        TableReader t = TableReader.open(fs, 1, new BlockCache(1 << 20, true));
        try {
            Entry probe = all.stream().filter(e -> e.kind() == Kind.PUT).skip(700).findFirst().orElseThrow();
            assertThat(t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE).value()).isEqualTo(probe.value());
            for (boolean reverse : new boolean[] {false, true}) {
                fs.inject(Fault.on(IoOp.READ).onFile(name).once());
                assertThatThrownBy(() -> t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE))
                        .isInstanceOf(StorageIOException.class).hasMessageContaining(name);
                assertThat(t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE).value()).isEqualTo(probe.value());
                fs.inject(Fault.on(IoOp.READ).onFile(name).at(3).once());
                assertThatThrownBy(() -> walk(t, probe.keyspace(), reverse)).as("reverse %s", reverse)
                        .isInstanceOf(StorageIOException.class).hasMessageContaining(name);
            }
            assertThat(walk(t, probe.keyspace(), false)).isNotEmpty();
        } finally {
            t.release();
        }
        fs.assertNoLeaks();
    }

    @Test
    void damageMadeAtRestAfterOpenReachesTheNextUseOfAMappedBlockOnTheTestKit() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(SEED), SEED);
        List<Entry> all = entries(new Random(SEED + 6), 2000);
        TableWriter.write(fs, 1, all.iterator(), List.of(), false);
        TableReader t = TableReader.open(fs, 1, new BlockCache(1 << 20, true));
        try {
            Entry probe = all.stream().filter(e -> e.kind() == Kind.PUT && e.value().length > 20).skip(500)
                    .findFirst().orElseThrow();
            assertThat(t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE).value()).isEqualTo(probe.value());
            Corruption.flipBits(fs, TableFormat.tableName(1), offsetOfValue(fs, t, probe), 0x10);
            assertThatThrownBy(() -> t.newest(probe.keyspace(), probe.key(), Long.MAX_VALUE))
                    .isInstanceOf(CorruptionException.class).hasMessageContaining(TableFormat.tableName(1))
                    .hasMessageContaining("fails its CRC32C");
            for (boolean reverse : new boolean[] {false, true}) {
                assertThatThrownBy(() -> walk(t, probe.keyspace(), reverse)).as("reverse %s", reverse)
                        .isInstanceOf(CorruptionException.class).hasMessageContaining("fails its CRC32C");
            }
        } finally {
            t.release();
        }
        fs.assertNoLeaks();
    }

    @Test
    void theLastReleaseUnmapsATableAndNotBefore() {
        FaultyVfs fs = new FaultyVfs(NioVfs.at(dir), SEED);
        TableWriter.write(fs, 1, entries(new Random(SEED + 7), 500).iterator(), List.of(), false);
        TableReader t = TableReader.open(fs, 1, new BlockCache(1 << 20, true));
        assertThat(t.retain()).isTrue(); // a reader
        t.markObsolete();
        t.release(); // the owner lets go
        assertThat(fs.openHandles()).extracting(h -> h.kind().name()).contains("MAPPING", "FILE");
        assertThat(t.first()).isNotNull(); // still readable in place
        t.release(); // the reader lets go: unmapped, closed, deleted
        assertThat(fs.openHandles()).isEmpty();
        assertThat(java.nio.file.Files.exists(dir.resolve(TableFormat.tableName(1)))).isFalse();
        assertThat(t.retain()).isFalse();
    }

    @Test
    void aTableReleasedOnceMoreThanItWasRetainedSaysSoAndStaysClosed() {
        Vfs vfs = NioVfs.at(dir);
        TableWriter.write(vfs, 1, entries(new Random(SEED + 6), 100).iterator(), List.of(), false);
        TableReader t = TableReader.open(vfs, 1, new BlockCache(1 << 20, true));
        assertThat(t.retain()).isTrue();
        t.release();
        t.release(); // the last reference: unmapped and closed
        assertThatThrownBy(t::release).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("released once more than it was retained");
        assertThat(t.retain()).as("a closed table is never taken again").isFalse();
    }

    @Test
    void onlyTheJvmsReportOfAFaultUnderAMappingIsTakenForOne() {
        assertThat(MappedTable.isMappingFault(
                new InternalError("a fault occurred in a recent unsafe memory access operation in compiled Java code")))
                .isTrue();
        assertThat(MappedTable.isMappingFault(new InternalError("something else went wrong in the VM"))).isFalse();
        assertThat(MappedTable.isMappingFault(new InternalError((String) null))).isFalse();
        assertThat(MappedTable.isMappingFault(new IndexOutOfBoundsException("unsafe memory access"))).isFalse();
    }
}
