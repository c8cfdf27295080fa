package dev.plinth.raftlog.internal.shared;

import dev.plinth.CorruptionException;
import dev.plinth.Durability;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.internal.EntryPositions;
import dev.plinth.raftlog.internal.EntryRuns;
import dev.plinth.raftlog.internal.RunBuffer;
import dev.plinth.raftlog.internal.LogChecks;
import dev.plinth.raftlog.internal.segment.EntryCodec;
import dev.plinth.raftlog.internal.segment.SegmentFormat;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One group of the shared log: the position of every entry in the shared segments, the purge boundary, the hard
 * state and the key-value area, all in memory; every change is one record of the {@link SharedLog}.
 *
 * <p>Thread safe: every method is {@code synchronized} on this object, which guards all fields. The monitor is
 * held while the group's record waits for its commit (so a group's records reach the log in the order of its
 * calls); other groups are not blocked by it.
 *
 * <p>Invariants: {@code locs.get(i)} is the entry at {@code boundaryIndex + 1 + i}. {@code boundarySeq},
 * {@code hardStateSeq} and {@code metaSeq} name the segment holding the newest record of that part of the
 * state (0: never written, the default holds); a segment may be deleted only when no entry and none of these
 * points into it, which {@link SharedRaftStorage#collect()} arranges by writing a {@link SharedRecords#CHECKPOINT}.
 */
final class SharedGroup {

    private final long group;
    private final SharedLog log;

    // All guarded by this.
    private long boundaryIndex;
    private long boundaryTerm;
    /** Where each entry is: segment, header offset, length field (see {@link EntryCodec}), term. */
    private final EntryPositions locs = new EntryPositions();
    private HardState hardState = HardState.INITIAL;
    private Map<String, byte[]> meta = new TreeMap<>();
    private long boundarySeq;
    private long hardStateSeq;
    private long metaSeq;
    /** Changed (under this monitor) whenever an entry held may change or go; read by readers without it. */
    private volatile long version;

    SharedGroup(long group, SharedLog log) {
        this.group = group;
        this.log = log;
    }

    // ---- recovery -------------------------------------------------------------------------------------------

    /**
     * Applies one record found on disk, its type and group already read from {@code b}.
     *
     * <p>Recovery replays a suffix of the log's history: the segments before it were deleted because nothing
     * live was in them. A record may therefore refer to entries written by records that are gone (an append
     * after a gap, a purge past the entries replayed, a checkpoint naming more entries); those entries are
     * placeholders ({@link #UNKNOWN}), and they must all be purged, reset or truncated away by the end of the
     * replay, or {@link #finishRecovery()} reports the entries as missing.
     */
    synchronized void replay(byte type, SharedLog.Found r, ByteBuffer b) {
        switch (type) {
            case SharedRecords.ENTRIES, SharedRecords.REPLACE, SharedRecords.ENTRIES_AND_HARD_STATE -> {
                if (type == SharedRecords.ENTRIES_AND_HARD_STATE) {
                    hardState = SharedRecords.getHardState(b);
                    hardStateSeq = r.seq();
                }
                long from = b.getLong();
                int count = b.getInt();
                if (from < 1 || count < 0) {
                    throw new IllegalArgumentException("an entries record from " + from + " with " + count + " entries");
                }
                padTo(from - 1);
                truncateLocs(Math.max(from, boundaryIndex + 1));
                long base = r.offset() + SegmentFormat.FRAME_BYTES;
                for (int i = 0; i < count; i++) {
                    int at = b.position();
                    long term = b.getLong(at);
                    int field = EntryCodec.skip(b);
                    if (from + i > boundaryIndex) {
                        locs.add(r.seq(), base + at, field, term);
                    }
                }
            }
            case SharedRecords.PURGE -> {
                long index = b.getLong();
                long term = b.getLong();
                padTo(index);
                dropThrough(index, term);
                boundaryTerm = term;
                boundarySeq = r.seq();
            }
            case SharedRecords.RESET -> {
                locs.clear();
        version++;
                boundaryIndex = b.getLong();
                boundaryTerm = b.getLong();
                boundarySeq = r.seq();
            }
            case SharedRecords.HARD_STATE -> {
                hardState = SharedRecords.getHardState(b);
                hardStateSeq = r.seq();
            }
            case SharedRecords.META -> {
                Map<String, byte[]> m = new TreeMap<>();
                SharedRecords.getMeta(b, m);
                meta = m;
                metaSeq = r.seq();
            }
            case SharedRecords.CHECKPOINT -> {
                long index = b.getLong();
                long term = b.getLong();
                long last = b.getLong();
                if (index < 0 || last < index) {
                    throw new IllegalArgumentException("a checkpoint with boundary " + index + " and last index " + last);
                }
                if (index < boundaryIndex) {
                    locs.clear();
        version++;
                    boundaryIndex = index;
                }
                padTo(last);
                truncateLocs(last + 1);
                dropThrough(index, term);
                boundaryTerm = term;
                hardState = SharedRecords.getHardState(b);
                Map<String, byte[]> m = new TreeMap<>();
                SharedRecords.getMeta(b, m);
                meta = m;
                boundarySeq = r.seq();
                hardStateSeq = r.seq();
                metaSeq = r.seq();
            }
            default -> throw new IllegalArgumentException("an unknown record type " + type);
        }
    }

    /** The segment of a placeholder entry, known to exist but written by a record that is gone. */
    private static final long UNKNOWN = -1;

    /** Adds placeholders up to {@code index} (inclusive) if the log ends before it. */
    private void padTo(long index) {
        for (long i = lastIndex() + 1; i <= index; i++) {
            locs.add(UNKNOWN, 0, 0, 0);
        }
    }

    /** After recovery: a placeholder left is an entry whose record is gone. */
    synchronized void finishRecovery() {
        for (int i = 0; i < locs.size(); i++) {
            if (locs.seq(i) == UNKNOWN) {
                throw new CorruptionException("Group " + group + " of the shared Raft log should hold an entry at "
                        + "index " + (boundaryIndex + 1 + i) + ", but the segment that held it is gone: entries are "
                        + "missing.");
            }
        }
    }

    // ---- state ----------------------------------------------------------------------------------------------

    synchronized long firstIndex() {
        return boundaryIndex + 1;
    }

    synchronized long lastIndex() {
        return boundaryIndex + locs.size();
    }

    synchronized long termAt(long index) {
        LogChecks.requireTermIndex(group, index, boundaryIndex + 1, lastIndex());
        return index == boundaryIndex ? boundaryTerm : locs.term((int) (index - boundaryIndex - 1));
    }

    private void truncateLocs(long fromInclusive) {
        int keep = (int) (fromInclusive - boundaryIndex - 1);
        if (keep < locs.size()) {
            locs.truncate(keep);
            version++;
        }
    }

    private void dropThrough(long index, long term) {
        if (index <= boundaryIndex) {
            return;
        }
        locs.dropFirst((int) Math.min(locs.size(), index - boundaryIndex));
        version++;
        boundaryIndex = index;
        boundaryTerm = term;
    }

    /** The oldest segment an entry of this group is in, or {@link Long#MAX_VALUE} if it holds none. */
    synchronized long oldestEntrySeq() {
        // A later index is never in an older segment: rewriting an entry drops every entry after it.
        return locs.isEmpty() ? Long.MAX_VALUE : locs.seq(0);
    }

    // ---- reads ----------------------------------------------------------------------------------------------

    synchronized LogEntry entry(long index) {
        return run(index, index + 1, Long.MAX_VALUE).entries()[0];
    }

    /**
     * Reads a run of consecutive entries from {@code fromInclusive} with one file read (see {@link EntryRuns}):
     * at least that entry, at most up to {@code toExclusive - 1} or the last entry held. Entries of other groups
     * between them in the segment are read over, never interpreted.
     *
     * @param fromInclusive the first index, which must be held
     * @param toExclusive   one past the last index wanted
     * @param maxStored     the most stored bytes wanted (the first entry is read whatever its size)
     * @return the entries, checked, and this group's version
     */
    synchronized EntryRuns.Run run(long fromInclusive, long toExclusive, long maxStored) {
        LogChecks.requireHeld(group, fromInclusive, boundaryIndex + 1, lastIndex());
        int i = (int) (fromInclusive - boundaryIndex - 1);
        int max = (int) Math.min(toExclusive - fromInclusive, locs.size() - i);
        int n = locs.run(i, max, EntryRuns.RUN_BYTES, EntryRuns.MAX_GAP, maxStored);
        long seq = locs.seq(i);
        ByteBuffer b = RunBuffer.take(EntryRuns.span(locs, i, n));
        log.read(seq, locs.pos(i), b);
        b.flip();
        return new EntryRuns.Run(EntryRuns.decode(locs, i, n, fromInclusive, b, group,
                () -> log.segmentLocation(seq)), version);
    }

    /** The version: changed whenever an entry held may change or go (see {@code PointLogReader}). */
    long version() {
        return version;
    }

    synchronized HardState hardState() {
        return hardState;
    }

    synchronized byte[] metaValue(String key) {
        byte[] v = meta.get(key);
        return v == null ? null : v.clone();
    }

    // ---- changes --------------------------------------------------------------------------------------------

    synchronized void append(List<LogEntry> entries, HardState hs, Durability durability) {
        LogChecks.requireContinues(group, lastIndex() + 1, termAt(lastIndex()), entries);
        LogChecks.requireEntriesFit(group, entries, "append", log::describe);
        if (entries.isEmpty() && hs == null) {
            nothingToWrite(durability);
            return;
        }
        byte type = hs == null ? SharedRecords.ENTRIES : SharedRecords.ENTRIES_AND_HARD_STATE;
        write(type, lastIndex() + 1, entries, hs, durability);
    }

    synchronized void replaceFrom(long fromInclusive, List<LogEntry> entries, Durability durability, String op) {
        LogChecks.requireSuffixStart(group, fromInclusive, boundaryIndex + 1, lastIndex(), op);
        LogChecks.requireContinues(group, fromInclusive, termAt(fromInclusive - 1), entries);
        LogChecks.requireEntriesFit(group, entries, op, log::describe);
        if (entries.isEmpty() && fromInclusive == lastIndex() + 1) {
            nothingToWrite(durability);
            return;
        }
        write(SharedRecords.REPLACE, fromInclusive, entries, null, durability);
    }

    /**
     * A call that changes nothing still keeps the promise of its durability: at {@code SYNC}, every change made
     * before it is durable when it returns.
     */
    private void nothingToWrite(Durability durability) {
        if (durability == Durability.SYNC) {
            log.submit(null, true);
        }
    }

    private void write(byte type, long from, List<LogEntry> entries, HardState hs, Durability durability) {
        SharedRecords.Encoded e = SharedRecords.entries(type, group, hs, from, entries, log.compresses());
        SharedLog.Position p = log.submitFramed(e.framed(), e.length(), durability == Durability.SYNC);
        place(p, e, from, entries, hs);
    }

    /**
     * Appends as {@link #append} at {@code PROCESS} does, then hands the record to the log's force pipeline: the
     * future completes once a force covers it. The monitor is held until the record is written (so the group's
     * records stay in call order), not during the force.
     */
    synchronized java.util.concurrent.CompletableFuture<Long> appendAsync(List<LogEntry> entries) {
        LogChecks.requireContinues(group, lastIndex() + 1, termAt(lastIndex()), entries);
        LogChecks.requireEntriesFit(group, entries, "append", log::describe);
        if (entries.isEmpty()) {
            log.reserveUnforced(0);
            return log.unforced(0, lastIndex());
        }
        long from = lastIndex() + 1;
        SharedRecords.Encoded e = SharedRecords.entries(SharedRecords.ENTRIES, group, null, from, entries,
                log.compresses());
        log.reserveUnforced(e.length());
        SharedLog.Position p;
        try {
            p = log.submitFramed(e.framed(), e.length(), false);
        } catch (RuntimeException x) {
            log.releaseUnforced(e.length());
            throw x;
        }
        place(p, e, from, entries, null);
        return log.unforced(e.length(), lastIndex());
    }

    /** After a record of entries (and perhaps a hard state) was written at {@code p}: where its entries are. */
    private void place(SharedLog.Position p, SharedRecords.Encoded e, long from, List<LogEntry> entries,
            HardState hs) {
        truncateLocs(from);
        long base = p.offset() + SegmentFormat.FRAME_BYTES;
        for (int i = 0; i < entries.size(); i++) {
            locs.add(p.seq(), base + e.entryAt()[i], e.lengthFields()[i], entries.get(i).term());
        }
        if (hs != null) {
            hardState = hs;
            hardStateSeq = p.seq();
        }
    }

    synchronized long purge(long upToInclusive, Durability durability) {
        long target = Math.min(upToInclusive, lastIndex());
        if (target <= boundaryIndex) {
            nothingToWrite(durability);
            return boundaryIndex;
        }
        long term = termAt(target);
        SharedLog.Position p = log.submit(SharedRecords.boundary(SharedRecords.PURGE, group, target, term),
                durability == Durability.SYNC);
        dropThrough(target, term);
        boundarySeq = p.seq();
        return target;
    }

    synchronized void reset(long index, long term, Durability durability) {
        SharedLog.Position p = log.submit(SharedRecords.boundary(SharedRecords.RESET, group, index, term),
                durability == Durability.SYNC);
        locs.clear();
        version++;
        boundaryIndex = index;
        boundaryTerm = term;
        boundarySeq = p.seq();
    }

    synchronized void saveHardState(HardState hs, Durability durability) {
        SharedLog.Position p = log.submit(SharedRecords.hardState(group, hs), durability == Durability.SYNC);
        hardState = hs;
        hardStateSeq = p.seq();
    }

    /** Replaces the key-value area with a changed copy of it. */
    synchronized void saveMeta(Map<String, byte[]> changed, Durability durability) {
        SharedLog.Position p = log.submit(SharedRecords.meta(group, changed), durability == Durability.SYNC);
        meta = changed;
        metaSeq = p.seq();
    }

    synchronized Map<String, byte[]> metaCopy() {
        return new TreeMap<>(meta);
    }

    /**
     * Writes a checkpoint if any part of this group's state is only in a segment below {@code seq}, so those
     * segments may go. The checkpoint is not synced here: the caller forces the log before deleting anything.
     */
    synchronized void checkpointIfBelow(long seq) {
        boolean needed = (boundarySeq != 0 && boundarySeq < seq) || (hardStateSeq != 0 && hardStateSeq < seq)
                || (metaSeq != 0 && metaSeq < seq);
        if (!needed) {
            return;
        }
        SharedLog.Position p = log.submit(SharedRecords.checkpoint(group, boundaryIndex, boundaryTerm, lastIndex(),
                hardState, meta), false);
        boundarySeq = p.seq();
        hardStateSeq = p.seq();
        metaSeq = p.seq();
    }
}
