package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.sstable.TableWriter;
import dev.plinth.testkit.io.MemVfs;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

/**
 * The compaction merge, filter and split, which copy entries from input blocks to output blocks as bytes:
 * what they keep matches the rules stated on {@link CompactionFilter} (checked against a plain model over
 * {@link Entry} lists), tables end only where the key changes, and the merge makes no object per entry.
 */
class LsmCompactionWriterTest {
    private static final Set<Integer> LIVE = Set.of(0, 1);

    /** Tables of random versions over keyspaces 0 to 2 (2 dropped), with deletes and reclaims, and range deletes. */
    private static List<List<Entry>> inputs(long seed, int tables, int keysPerTable, int valueSize) {
        Random rnd = new Random(seed);
        long seq = 1;
        List<List<Entry>> out = new ArrayList<>();
        for (int t = 0; t < tables; t++) {
            TreeSet<Entry> set = new TreeSet<>(Entry.ORDER);
            for (int i = 0; i < keysPerTable; i++) {
                int ks = rnd.nextInt(10) == 0 ? 2 : rnd.nextInt(2);
                byte[] key = String.format("key-%06d", rnd.nextInt(keysPerTable * 2)).getBytes();
                int versions = 1 + rnd.nextInt(2);
                for (int v = 0; v < versions; v++) {
                    int r = rnd.nextInt(8);
                    byte kind = r == 0 ? Kind.DELETE : r == 1 ? Kind.RECLAIM : Kind.PUT;
                    byte[] value = null;
                    if (kind == Kind.PUT) {
                        value = new byte[valueSize < 0 ? rnd.nextInt(150) : valueSize];
                        rnd.nextBytes(value);
                    }
                    set.add(new Entry(ks, key, seq++, kind, value));
                }
            }
            out.add(new ArrayList<>(set));
        }
        return out;
    }

    private static List<RangeTombstone> tombstonesOf(int table, long maxSeq) {
        return switch (table) {
            case 0 -> List.of(new RangeTombstone(0, "key-000100".getBytes(), "key-000300".getBytes(), maxSeq / 2, false));
            case 1 -> List.of(new RangeTombstone(1, null, "key-000050".getBytes(), maxSeq, true),
                    new RangeTombstone(0, "key-001000".getBytes(), null, 3, false));
            default -> List.of();
        };
    }

    /** The rules of {@link CompactionFilter}, applied to whole entries. */
    private static List<Entry> model(List<List<Entry>> tables, List<RangeTombstone> tombstones, long horizon,
                                     boolean bottommost) {
        TreeSet<Entry> merged = new TreeSet<>(Entry.ORDER);
        tables.forEach(merged::addAll);
        List<Entry> kept = new ArrayList<>();
        Entry decided = null;
        for (Entry e : merged) {
            if (!LIVE.contains(e.keyspace())) {
                continue;
            }
            if (e.seq() > horizon) {
                kept.add(e);
                continue;
            }
            if (decided != null && decided.sameKey(e)) {
                continue;
            }
            decided = e;
            boolean hidden = tombstones.stream().anyMatch(t -> t.seq() > e.seq() && t.seq() <= horizon
                    && t.covers(e.keyspace(), e.key()));
            if ((e.kind() == Kind.PUT || !bottommost) && !hidden) {
                kept.add(e);
            }
        }
        return kept;
    }

    private record Run(List<List<Entry>> outputs, List<List<RangeTombstone>> outputTombstones, long allocated,
                       long inputEntries) {
    }

    private static Run compact(List<List<Entry>> tables, long horizon, boolean bottommost, long tableSize) {
        MemVfs fs = new MemVfs(1);
        long maxSeq = tables.stream().flatMap(List::stream).mapToLong(Entry::seq).max().orElse(0);
        List<TableReader> readers = new ArrayList<>();
        long inputEntries = 0;
        for (int i = 0; i < tables.size(); i++) {
            TableWriter.write(fs, i + 1, tables.get(i).iterator(), tombstonesOf(i, maxSeq), true);
            readers.add(TableReader.open(fs, i + 1));
            inputEntries += tables.get(i).size();
        }
        AtomicLong numbers = new AtomicLong(100);
        com.sun.management.ThreadMXBean mx = (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
        long before = mx.getCurrentThreadAllocatedBytes();
        CompactionWriter.Output o = CompactionWriter.write(fs, "lsm:test", numbers::incrementAndGet, readers, LIVE,
                horizon, bottommost, tableSize, true, () -> false);
        long allocated = mx.getCurrentThreadAllocatedBytes() - before;
        List<List<Entry>> outputs = new ArrayList<>();
        List<List<RangeTombstone>> outputTombstones = new ArrayList<>();
        for (TableWriter.TableMeta m : o.tables()) {
            TableReader t = TableReader.open(fs, m.number());
            try {
                List<Entry> es = new ArrayList<>();
                t.all().forEachRemaining(es::add);
                assertThat(t.verify()).isEmpty();
                outputs.add(es);
                outputTombstones.add(t.tombstones());
            } finally {
                t.release();
            }
        }
        readers.forEach(TableReader::release);
        return new Run(outputs, outputTombstones, allocated, inputEntries);
    }

    private static List<RangeTombstone> allTombstones(List<List<Entry>> tables) {
        long maxSeq = tables.stream().flatMap(List::stream).mapToLong(Entry::seq).max().orElse(0);
        List<RangeTombstone> all = new ArrayList<>();
        for (int i = 0; i < tables.size(); i++) {
            all.addAll(tombstonesOf(i, maxSeq));
        }
        return all;
    }

    @Test
    void keepsWhatTheRulesSayAtEveryHorizonAboveAndAtTheBottom() {
        List<List<Entry>> tables = inputs(17, 3, 1500, -1);
        long maxSeq = tables.stream().flatMap(List::stream).mapToLong(Entry::seq).max().orElseThrow();
        for (long horizon : new long[] {0, maxSeq / 3, maxSeq / 2, maxSeq}) {
            for (boolean bottommost : new boolean[] {false, true}) {
                Run r = compact(tables, horizon, bottommost, 16 * 1024);
                List<Entry> expected = model(tables, allTombstones(tables), horizon, bottommost);
                List<Entry> got = r.outputs().stream().flatMap(List::stream).toList();
                assertThat(got).as("horizon %d, bottommost %s", horizon, bottommost).hasSameSizeAs(expected);
                for (int i = 0; i < got.size(); i++) {
                    Entry a = expected.get(i);
                    Entry b = got.get(i);
                    assertThat(Entry.ORDER.compare(a, b)).as("entry %d", i).isZero();
                    assertThat(b.kind()).isEqualTo(a.kind());
                    assertThat(b.value()).isEqualTo(a.value());
                }
                assertThat(r.outputs()).as("split into several tables").hasSizeGreaterThan(3);
                for (int i = 1; i < r.outputs().size(); i++) {
                    List<Entry> prev = r.outputs().get(i - 1);
                    assertThat(prev.get(prev.size() - 1).sameKey(r.outputs().get(i).get(0)))
                            .as("a key's versions stay in one table").isFalse();
                }
                long expectedRangeDeletes = allTombstones(tables).stream()
                        .filter(t -> (!bottommost || t.seq() > horizon) && LIVE.contains(t.keyspace())).count();
                assertThat(r.outputTombstones().stream().mapToLong(List::size).sum())
                        .as("each kept range delete is in at least one table").isGreaterThanOrEqualTo(expectedRangeDeletes);
                if (expectedRangeDeletes == 0) {
                    assertThat(r.outputTombstones()).allMatch(List::isEmpty);
                }
            }
        }
    }

    @Test
    void theMergeMakesNoObjectPerEntry() {
        // About 67,000 versions with 100-byte values. What must be allocated: the input blocks read (4 KiB
        // and their entry offsets per 30 entries or so) and the output files, which MemVfs keeps in growing
        // arrays: about 320 bytes per entry in all. The merge as it was (an Entry per version read, its key
        // and value copied out of the block; a stream and new arrays per output block; lz4-java's 16 KiB
        // table per block compressed) allocated about 1,000.
        List<List<Entry>> tables = inputs(5, 3, 15_000, 100);
        compact(tables, Long.MAX_VALUE, true, 4L << 20); // warms the code paths up
        Run r = compact(tables, Long.MAX_VALUE, true, 4L << 20);
        long perEntry = r.allocated() / r.inputEntries();
        assertThat(perEntry).as("bytes allocated per input entry (%d in all)", r.allocated()).isLessThan(450);
    }
}
