package dev.plinth.lsm.internal.engine;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.sstable.BlockCache;
import dev.plinth.lsm.internal.sstable.TableReader;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The tables of the engine by level, at one moment. Level 0 holds flushed tables, oldest first, whose
 * ranges may overlap; each of the levels 1 to {@link CompactionOptions#LEVELS}{@code - 1} holds tables whose
 * {@link KeyRange}s do not overlap, sorted by range, so that a key is in at most one table of each. For any
 * key, the versions in a level are newer than those in the levels below it (level 0 being the top): a
 * compaction merges a level's tables with every table of the next level that overlaps them. Immutable and
 * thread-safe; it holds no references on its tables (the engine holds one per table while a set is current).
 */
final class LevelSet {
    /**
     * A table with its range.
     *
     * @param table the table
     * @param range what it may hold
     */
    record LeveledTable(TableReader table, KeyRange range) {
        /** Pairs a table with the range it speaks for (an empty range if it holds nothing). */
        static LeveledTable of(TableReader t) {
            KeyRange r = KeyRange.of(t);
            return new LeveledTable(t, r == null ? new KeyRange(0, new byte[0], 0, new byte[0]) : r);
        }
    }

    private static final Comparator<LeveledTable> BY_RANGE = (a, b) ->
            KeyRange.compare(a.range().loKs(), a.range().lo(), b.range().loKs(), b.range().lo());

    private final List<List<LeveledTable>> levels;
    private final List<TableReader> all;
    /** Each level's table bytes, summed once: every write asks for them (the write throttle). */
    private final long[] levelBytes;

    private LevelSet(List<List<LeveledTable>> levels) {
        List<List<LeveledTable>> copy = new ArrayList<>(levels.size());
        List<TableReader> flat = new ArrayList<>();
        long[] sizes = new long[levels.size()];
        for (int n = 0; n < levels.size(); n++) {
            List<LeveledTable> l = levels.get(n);
            copy.add(List.copyOf(l));
            for (LeveledTable t : l) {
                flat.add(t.table());
                sizes[n] += t.table().size();
            }
        }
        this.levels = List.copyOf(copy);
        this.all = List.copyOf(flat);
        this.levelBytes = sizes;
    }

    /** No tables. */
    static LevelSet empty() {
        List<List<LeveledTable>> l = new ArrayList<>();
        for (int i = 0; i < CompactionOptions.LEVELS; i++) {
            l.add(List.of());
        }
        return new LevelSet(l);
    }

    /**
     * The tables a manifest names, at the levels it gives.
     *
     * @param tables the open tables, in the manifest's order
     * @param levelOf each table's level
     * @param where the manifest, for messages
     * @return the set
     * @throws CorruptionException if a level is out of range or two tables of a level 1 or deeper overlap
     */
    static LevelSet of(List<TableReader> tables, List<Integer> levelOf, String where) {
        List<List<LeveledTable>> l = new ArrayList<>();
        for (int i = 0; i < CompactionOptions.LEVELS; i++) {
            l.add(new ArrayList<>());
        }
        for (int i = 0; i < tables.size(); i++) {
            int level = levelOf.get(i);
            if (level < 0 || level >= CompactionOptions.LEVELS) {
                throw new CorruptionException(where + " puts " + tables.get(i) + " at level " + level + "; levels are 0"
                        + " to " + (CompactionOptions.LEVELS - 1));
            }
            l.get(level).add(LeveledTable.of(tables.get(i)));
        }
        for (int i = 1; i < l.size(); i++) {
            l.get(i).sort(BY_RANGE);
        }
        LevelSet s = new LevelSet(l);
        List<String> problems = s.problems();
        if (!problems.isEmpty()) {
            throw new CorruptionException(where + " names tables that break the levels' rules: "
                    + String.join("; ", problems));
        }
        return s;
    }

    /**
     * Opens every table a manifest's state names and places it at its level; on failure, releases those
     * already open and throws what failed.
     *
     * @param vfs the file system
     * @param uri the store, for messages
     * @param state the manifest's state
     * @param cache the engine's block cache
     * @return the set; each table holds one reference for the caller
     * @throws dev.plinth.StorageIOException if a table cannot be opened (a missing one among others)
     * @throws CorruptionException if a table is damaged or the levels break their rules
     */
    static LevelSet open(Vfs vfs, String uri, VersionState state, BlockCache cache) {
        List<TableReader> opened = new ArrayList<>();
        try {
            for (long n : state.tables()) {
                opened.add(TableReader.open(vfs, n, cache));
            }
            return of(opened, state.levels(), "the manifest of " + uri);
        } catch (RuntimeException | Error e) {
            try {
                TableReader.releaseAll(opened);
            } catch (RuntimeException r) {
                e.addSuppressed(r);
            }
            throw e;
        }
    }

    /** The tables of a level: level 0 oldest first, the others in key order. */
    List<LeveledTable> level(int n) {
        return levels.get(n);
    }

    /** Every table, level 0 first. */
    List<TableReader> tables() {
        return all;
    }

    /** The bytes of a level's tables. */
    long bytes(int n) {
        return levelBytes[n];
    }

    /** This set with a flushed table added to level 0. */
    LevelSet withFlushed(LeveledTable t) {
        List<List<LeveledTable>> l = new ArrayList<>(levels);
        List<LeveledTable> l0 = new ArrayList<>(l.get(0));
        l0.add(t);
        l.set(0, l0);
        return new LevelSet(l);
    }

    /**
     * This set with tables removed from whichever level holds them and others added to a level (in key order
     * unless it is level 0).
     */
    LevelSet replace(Collection<TableReader> removed, int level, List<LeveledTable> added) {
        Set<TableReader> gone = new HashSet<>(removed);
        List<List<LeveledTable>> l = new ArrayList<>();
        for (int i = 0; i < levels.size(); i++) {
            List<LeveledTable> next = new ArrayList<>();
            for (LeveledTable t : levels.get(i)) {
                if (!gone.contains(t.table())) {
                    next.add(t);
                }
            }
            if (i == level) {
                next.addAll(added);
                if (i > 0) {
                    next.sort(BY_RANGE);
                }
            }
            l.add(next);
        }
        return new LevelSet(l);
    }

    /** The tables of a level whose ranges overlap a range, in the level's order. */
    List<LeveledTable> overlapping(int level, KeyRange r) {
        List<LeveledTable> out = new ArrayList<>();
        for (LeveledTable t : levels.get(level)) {
            if (t.range().overlaps(r)) {
                out.add(t);
            }
        }
        return out;
    }

    /** Whether a table of a level below {@code level} overlaps a range: whether older versions may be there. */
    boolean overlapsBelow(int level, KeyRange r) {
        for (int i = level + 1; i < levels.size(); i++) {
            for (LeveledTable t : levels.get(i)) {
                if (t.range().overlaps(r)) {
                    return true;
                }
            }
        }
        return false;
    }

    /**
     * The table of a level 1 or deeper whose range holds a key, by binary search, or {@code null}.
     *
     * @param level 1 or deeper
     */
    TableReader find(int level, int ks, byte[] key) {
        List<LeveledTable> l = levels.get(level);
        int lo = 0;
        int hi = l.size();
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            KeyRange r = l.get(mid).range();
            if (KeyRange.compare(r.loKs(), r.lo(), ks, key) <= 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        if (lo == 0) {
            return null;
        }
        LeveledTable t = l.get(lo - 1);
        return t.range().contains(ks, key) ? t.table() : null;
    }

    /**
     * How many bytes compaction is behind by: level 0's bytes once it reached its trigger, plus each level's
     * bytes above its target.
     */
    long pendingCompactionBytes(CompactionOptions o) {
        PendingBytes memo = pendingMemo;
        if (memo != null && memo.options() == o) {
            return memo.bytes();
        }
        long pending = levels.get(0).size() >= o.l0CompactionTrigger() ? bytes(0) : 0;
        for (int i = 1; i < levels.size() - 1; i++) {
            pending += Math.max(0, bytes(i) - o.targetBytes(i));
        }
        pendingMemo = new PendingBytes(o, pending);
        return pending;
    }

    /** {@link #pendingCompactionBytes} for one set of options. */
    private record PendingBytes(CompactionOptions options, long bytes) {
    }

    /**
     * The last {@link #pendingCompactionBytes} answer: every write asks (the write throttle), and each level's
     * target is a {@code Math.pow}, a visible share of a put's CPU in the fill's profile (docs/performance.md,
     * "The lsm fill's writer: a memtable of its own"). The set never changes, so the answer for the same
     * options never does; a race only computes it twice.
     */
    private volatile PendingBytes pendingMemo;

    /**
     * What breaks the levels' rules: two tables of a level 1 or deeper that overlap or are out of order, or a
     * table in two places.
     *
     * @return each problem, as a sentence; empty if none
     */
    List<String> problems() {
        List<String> problems = new ArrayList<>();
        Set<TableReader> seen = new HashSet<>();
        for (int i = 0; i < levels.size(); i++) {
            List<LeveledTable> l = levels.get(i);
            for (int j = 0; j < l.size(); j++) {
                LeveledTable t = l.get(j);
                if (!seen.add(t.table())) {
                    problems.add(t.table() + " is named twice in the levels");
                }
                if (i > 0 && j > 0) {
                    KeyRange a = l.get(j - 1).range();
                    KeyRange b = t.range();
                    if (KeyRange.compare(a.hiKs(), a.hi(), b.loKs(), b.lo()) > 0) {
                        problems.add("level " + i + " holds " + l.get(j - 1).table() + " " + a + " and " + t.table()
                                + " " + b + ", which overlap or are out of order");
                    }
                }
            }
        }
        return problems;
    }

    /** The level of each table of {@link #tables()}, in that order; for the manifest. */
    List<Integer> levelNumbers() {
        List<Integer> out = new ArrayList<>(all.size());
        for (int i = 0; i < levels.size(); i++) {
            for (int j = 0; j < levels.get(i).size(); j++) {
                out.add(i);
            }
        }
        return out;
    }

    /** The file numbers of {@link #tables()}, in that order; for the manifest. */
    List<Long> numbers() {
        List<Long> out = new ArrayList<>(all.size());
        for (TableReader t : all) {
            out.add(t.number());
        }
        return out;
    }

    @Override
    public String toString() {
        StringBuilder b = new StringBuilder("levels");
        for (int i = 0; i < levels.size(); i++) {
            b.append(i == 0 ? " [" : ", [");
            for (int j = 0; j < levels.get(i).size(); j++) {
                b.append(j == 0 ? "" : " ").append(levels.get(i).get(j).table().number());
            }
            b.append(']');
        }
        return b.toString();
    }
}
