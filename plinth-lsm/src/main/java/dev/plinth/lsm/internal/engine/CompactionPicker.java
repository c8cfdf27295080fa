package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.engine.LevelSet.LeveledTable;
import java.util.ArrayList;
import java.util.List;

/**
 * Chooses the next compaction, in the manner of LevelDB: each level gets a score, level 0 its table count
 * over {@link CompactionOptions#l0CompactionTrigger()}, a deeper level its bytes over its
 * {@link CompactionOptions#targetBytes target}; the level with the highest score of at least 1 is compacted
 * into the next. From level 0 every table is taken (its tables may overlap, and an older version must never
 * stay above a newer one); from a deeper level one table, the first after where the level's last compaction
 * ended (round-robin over the key space). Every table of the next level that overlaps what was taken joins.
 * A single table that nothing in the next level overlaps is moved rather than rewritten. Not thread-safe: the
 * compaction pointers belong to the one compaction running at a time.
 */
final class CompactionPicker {
    /**
     * A compaction to run.
     *
     * @param level the level compacted; the output goes to {@code level + 1}
     * @param upper the tables taken from {@code level}
     * @param lower the tables of {@code level + 1} that overlap them
     * @param bottommost whether no level below {@code level + 1} overlaps the range of all of them, so that
     *     deletes may go
     * @param range the range of all of them
     */
    record Pick(int level, List<LeveledTable> upper, List<LeveledTable> lower, boolean bottommost, KeyRange range) {
        /** Whether the table is moved to the next level as it is. */
        boolean isMove() {
            return upper.size() == 1 && lower.isEmpty();
        }

        /** Every input table. */
        List<dev.plinth.lsm.internal.sstable.TableReader> inputs() {
            List<dev.plinth.lsm.internal.sstable.TableReader> all = new ArrayList<>();
            for (LeveledTable t : upper) {
                all.add(t.table());
            }
            for (LeveledTable t : lower) {
                all.add(t.table());
            }
            return all;
        }
    }

    private final CompactionOptions options;
    /** Where each level's last compaction ended (exclusive), or {@code null}; guarded by the compaction lock. */
    private final KeyRange[] pointers = new KeyRange[CompactionOptions.LEVELS];

    CompactionPicker(CompactionOptions options) {
        this.options = options;
    }

    /** The score of each level but the last: 1 or more means the level needs compacting. */
    double score(LevelSet s, int level) {
        if (level == 0) {
            return (double) s.level(0).size() / options.l0CompactionTrigger();
        }
        return (double) s.bytes(level) / options.targetBytes(level);
    }

    /**
     * The compaction the levels need most, or {@code null} if none needs one.
     *
     * @param s the current levels
     * @return the compaction
     */
    Pick pick(LevelSet s) {
        int best = -1;
        double bestScore = 1;
        for (int level = 0; level < CompactionOptions.LEVELS - 1; level++) {
            double score = score(s, level);
            if (score >= bestScore && !s.level(level).isEmpty()) {
                best = level;
                bestScore = score;
            }
        }
        if (best < 0) {
            return null;
        }
        List<LeveledTable> upper;
        if (best == 0) {
            upper = s.level(0);
        } else {
            upper = List.of(next(s.level(best), pointers[best]));
        }
        KeyRange range = upper.get(0).range();
        for (LeveledTable t : upper) {
            range = range.union(t.range());
        }
        List<LeveledTable> lower = s.overlapping(best + 1, range);
        for (LeveledTable t : lower) {
            range = range.union(t.range());
        }
        return new Pick(best, upper, lower, !s.overlapsBelow(best + 1, range), range);
    }

    /** Records that a compaction of a level ran, so that the level's next one starts after it. */
    void done(Pick p) {
        if (p.level() > 0) {
            pointers[p.level()] = p.upper().get(p.upper().size() - 1).range();
        }
    }

    /** The first table that starts at or after the end of the pointer's range, or the level's first. */
    private static LeveledTable next(List<LeveledTable> level, KeyRange pointer) {
        if (pointer != null) {
            for (LeveledTable t : level) {
                KeyRange r = t.range();
                if (KeyRange.compare(r.loKs(), r.lo(), pointer.hiKs(), pointer.hi()) >= 0) {
                    return t;
                }
            }
        }
        return level.get(0);
    }
}
