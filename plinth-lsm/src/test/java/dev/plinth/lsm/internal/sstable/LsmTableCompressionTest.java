package dev.plinth.lsm.internal.sstable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.MemVfs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * LZ4 data blocks: compressible tables come out smaller and read back the same, through the block cache
 * and without it; tables of the first format version (nothing compressed) still open; damage inside a
 * compressed block is detected by reads and by verify, never returned as data.
 */
class LsmTableCompressionTest {
    /** Keys in order with values of repeated text: what compresses. */
    private static List<Entry> compressible(int n) {
        List<Entry> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            byte[] value = ("value " + i + " " + "abcdefgh".repeat(12)).getBytes();
            out.add(new Entry(0, String.format("key-%06d", i).getBytes(), i + 1, Kind.PUT, value));
        }
        return out;
    }

    private static List<Entry> readAll(TableReader t) {
        List<Entry> back = new ArrayList<>();
        t.all().forEachRemaining(back::add);
        return back;
    }

    private static void assertSame(List<Entry> expected, List<Entry> got) {
        assertThat(got).hasSameSizeAs(expected);
        for (int i = 0; i < got.size(); i++) {
            assertThat(Entry.ORDER.compare(expected.get(i), got.get(i))).isZero();
            assertThat(got.get(i).value()).isEqualTo(expected.get(i).value());
        }
    }

    @Test
    void compressedTablesAreSmallerAndReadBackTheSameWithAndWithoutTheCache() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(1), 1);
        List<Entry> all = compressible(3000);
        TableWriter.write(fs, 1, all.iterator(), List.of(), true);
        TableWriter.write(fs, 2, all.iterator(), List.of(), false);
        long packed = fs.size(TableFormat.tableName(1));
        long plain = fs.size(TableFormat.tableName(2));
        assertThat(packed).as("LZ4 table %d bytes, plain %d", packed, plain).isLessThan(plain / 2);
        BlockCache cache = new BlockCache(1 << 20);
        for (TableReader t : List.of(TableReader.open(fs, 1), TableReader.open(fs, 1, cache), TableReader.open(fs, 2, cache))) {
            try {
                assertSame(all, readAll(t));
                assertSame(all, readAll(t)); // the second walk from the cache where there is one
                for (Entry e : all) {
                    assertThat(t.newest(0, e.key(), Long.MAX_VALUE).value()).isEqualTo(e.value());
                }
                assertThat(t.verify()).isEmpty();
            } finally {
                t.release();
            }
        }
        TableReader cached = TableReader.open(fs, 1, cache);
        readAll(cached);
        assertThat(cache.weightedSize()).isPositive().isLessThanOrEqualTo(1 << 20);
        cached.release();
        assertThat(cache.weightedSize()).as("a closed table's blocks leave the cache").isZero();
        fs.assertNoLeaks();
    }

    @Test
    void aTableOfTheFirstFormatVersionStillOpens() {
        // compress=false writes exactly what the first version of the writer wrote: version 1, type 0 blocks.
        FaultyVfs fs = new FaultyVfs(new MemVfs(2), 2);
        List<Entry> all = compressible(500);
        TableWriter.write(fs, 4, all.iterator(), List.of(), false);
        byte[] footer = new byte[TableFormat.FOOTER_SIZE];
        long size = fs.size(TableFormat.tableName(4));
        try (var f = fs.openRead(TableFormat.tableName(4))) {
            f.read(size - footer.length, ByteBuffer.wrap(footer));
        }
        assertThat(TableFormat.le(footer).getInt(TableFormat.FOOTER_SIZE - 16)).isEqualTo(TableFormat.VERSION_UNCOMPRESSED);
        TableReader t = TableReader.open(fs, 4, new BlockCache(1 << 20));
        try {
            assertSame(all, readAll(t));
            assertThat(t.verify()).isEmpty();
        } finally {
            t.release();
        }
    }

    @Test
    void damageInsideACompressedBlockIsDetectedByReadsAndVerify() {
        Random rnd = new Random(3);
        for (int round = 0; round < 40; round++) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(round), round);
            List<Entry> all = compressible(400);
            TableWriter.write(fs, 1, all.iterator(), List.of(), true);
            TableReader clean = TableReader.open(fs, 1);
            TableFormat.Handle first;
            try {
                first = clean.blockHandle(0);
            } finally {
                clean.release();
            }
            long at = first.offset() + rnd.nextInt(first.size() + TableFormat.BLOCK_TRAILER);
            String name = TableFormat.tableName(1);
            byte[] one = new byte[1];
            try (var f = fs.openWrite(name)) {
                f.read(at, ByteBuffer.wrap(one));
                one[0] ^= (byte) (1 << rnd.nextInt(8));
                f.write(at, ByteBuffer.wrap(one));
            }
            TableReader t = TableReader.open(fs, 1, new BlockCache(1 << 20));
            try {
                assertThat(t.verify()).as("round %d, byte %d", round, at).isNotEmpty();
                assertThatThrownBy(() -> readAll(t)).as("round %d", round).isInstanceOf(CorruptionException.class)
                        .hasMessageContaining(name);
            } finally {
                t.release();
            }
        }
    }
}
