package dev.plinth.lsm.internal.sstable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.MemVfs;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;

/** Table files: round trip of entries and range deletes, lookups, both iteration directions, damage. */
class LsmTableTest {
    /** Entries over three keyspaces, several versions per key, deletes among them, in {@link Entry#ORDER}. */
    private static List<Entry> entries(long seed, int keys) {
        Random rnd = new Random(seed);
        TreeSet<Entry> set = new TreeSet<>(Entry.ORDER);
        long seq = 1;
        for (int i = 0; i < keys; i++) {
            int ks = rnd.nextInt(3);
            byte[] key = String.format("key-%05d", rnd.nextInt(keys * 2)).getBytes();
            int versions = 1 + rnd.nextInt(3);
            for (int v = 0; v < versions; v++) {
                boolean delete = rnd.nextInt(5) == 0;
                byte[] value = new byte[rnd.nextInt(200)];
                rnd.nextBytes(value);
                set.add(new Entry(ks, key, seq++, delete ? Kind.DELETE : Kind.PUT, delete ? null : value));
            }
        }
        return new ArrayList<>(set);
    }

    private static final List<RangeTombstone> TOMBSTONES = List.of(
            new RangeTombstone(1, "key-00010".getBytes(), "key-00020".getBytes(), 7, false),
            new RangeTombstone(2, null, null, 9, true));

    @Test
    void entriesRangeDeletesAndLookupsRoundTrip() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(1), 1);
        List<Entry> all = entries(1, 2000);
        TableWriter.TableMeta meta = TableWriter.write(fs, 7, all.iterator(), TOMBSTONES);
        assertThat(meta.entries()).isEqualTo(all.size());
        TableReader t = TableReader.open(fs, 7);
        try {
            List<Entry> back = new ArrayList<>();
            t.all().forEachRemaining(back::add);
            assertThat(back).hasSameSizeAs(all);
            for (int i = 0; i < all.size(); i++) {
                Entry a = all.get(i);
                Entry b = back.get(i);
                assertThat(Entry.ORDER.compare(a, b)).isZero();
                assertThat(b.kind()).isEqualTo(a.kind());
                assertThat(b.value()).isEqualTo(a.value());
            }
            assertThat(t.tombstones()).hasSize(2);
            assertThat(t.tombstones().get(0).covers(1, "key-00015".getBytes())).isTrue();
            assertThat(t.tombstones().get(1).reclaim()).isTrue();
            for (Entry e : all) {
                Entry got = t.newest(e.keyspace(), e.key(), e.seq());
                assertThat(got).isNotNull();
                assertThat(got.seq()).isEqualTo(e.seq());
            }
            assertThat(t.newest(0, "absent".getBytes(), Long.MAX_VALUE)).isNull();
            assertThat(t.verify()).isEmpty();
        } finally {
            t.release();
        }
        fs.assertNoLeaks();
    }

    @Test
    void iteratorsWalkOneKeyspaceInBothDirectionsFromAnyKey() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(2), 2);
        List<Entry> all = entries(2, 1500);
        TableWriter.write(fs, 3, all.iterator(), List.of());
        TableReader t = TableReader.open(fs, 3);
        try {
            Random rnd = new Random(2);
            for (int round = 0; round < 50; round++) {
                int ks = rnd.nextInt(3);
                byte[] from = round % 5 == 0 ? null : String.format("key-%05d", rnd.nextInt(3000)).getBytes();
                for (boolean reverse : new boolean[] {false, true}) {
                    List<Entry> expected = new ArrayList<>();
                    for (Entry e : all) {
                        int c = from == null ? 0 : java.util.Arrays.compareUnsigned(e.key(), from);
                        if (e.keyspace() == ks && (reverse ? c <= 0 : c >= 0)) {
                            expected.add(e);
                        }
                    }
                    if (reverse) {
                        java.util.Collections.reverse(expected);
                    }
                    List<Entry> got = new ArrayList<>();
                    try (EntryIterator it = t.iterator(ks, from, reverse)) {
                        for (; it.current() != null; it.next()) {
                            got.add(it.current());
                        }
                    }
                    assertThat(got).as("ks %d from %s reverse %s", ks, from == null ? null : new String(from), reverse)
                            .hasSameSizeAs(expected);
                    for (int i = 0; i < got.size(); i++) {
                        assertThat(Entry.ORDER.compare(got.get(i), expected.get(i))).isZero();
                    }
                }
            }
        } finally {
            t.release();
        }
    }

    @Test
    void damageInEveryPartIsDetectedAtOpenReadOrVerify() {
        // Footer, index, filter and range-delete blocks are checked at open; data blocks when read or verified.
        for (long seed = 0; seed < 60; seed++) {
            FaultyVfs fs = new FaultyVfs(new MemVfs(seed), seed);
            List<Entry> all = entries(seed, 400);
            TableWriter.write(fs, 1, all.iterator(), TOMBSTONES);
            String name = TableFormat.tableName(1);
            Corruption.flipRandomBit(fs, name, seed);
            List<String> problems = new ArrayList<>();
            try {
                TableReader t = TableReader.open(fs, 1);
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
        }
    }

    @Test
    void aFooterWithoutTheMagicNumberIsRefused() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(3), 3);
        TableWriter.write(fs, 1, entries(3, 10).iterator(), List.of());
        long size = fs.size(TableFormat.tableName(1));
        try (var f = fs.openWrite(TableFormat.tableName(1))) {
            f.write(size - 12, ByteBuffer.wrap(new byte[8]));
        }
        assertThatThrownBy(() -> TableReader.open(fs, 1)).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("footer");
    }
}
