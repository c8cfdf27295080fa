package dev.plinth.lsm.internal.engine;

import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Counts of bytes since the engine opened, for the write and space amplification its stats report: bytes
 * the user wrote (keys and values of puts, keys of deletes, bounds of range deletes), and table bytes written
 * by flushes and by compactions; plus the key and value bytes a full compaction kept, the size of the data
 * without the tables' overhead or any obsolete version. Thread-safe.
 */
final class Amplification {
    private final AtomicLong userBytes = new AtomicLong();
    private final AtomicLong flushBytes = new AtomicLong();
    private final AtomicLong compactionBytes = new AtomicLong();
    /** Key and value bytes the last full compaction kept; -1 before the first since open. */
    private volatile long keptBytes = -1;

    void userWrote(long bytes) {
        userBytes.addAndGet(bytes);
    }

    void flushed(long tableBytes) {
        flushBytes.addAndGet(tableBytes);
    }

    /** A background compaction wrote tables. */
    void compacted(long tableBytes) {
        compactionBytes.addAndGet(tableBytes);
    }

    /** A full compaction wrote tables holding {@code kept} key and value bytes. */
    void compacted(long tableBytes, long kept) {
        compactionBytes.addAndGet(tableBytes);
        keptBytes = kept;
    }

    /**
     * Adds the counters to a stats map: {@code lsm.userBytesWritten}, {@code lsm.logBytesWritten},
     * {@code lsm.flushBytesWritten}, {@code lsm.compactionBytesWritten}, {@code lsm.writeAmplificationPercent}
     * (100 times log, flush and compaction bytes over user bytes; 0 before any write), and, once a full
     * compaction ran since open, {@code lsm.liveBytes} (the key and value bytes it kept) and
     * {@code lsm.spaceAmplificationPercent} (100 times the table bytes now over those).
     *
     * @param stats where the counters go
     * @param logBytes bytes written to the log since open
     * @param tableBytes bytes of the tables now
     */
    void report(Map<String, Long> stats, long logBytes, long tableBytes) {
        long user = userBytes.get();
        long tables = flushBytes.get() + compactionBytes.get();
        stats.put("lsm.userBytesWritten", user);
        stats.put("lsm.logBytesWritten", logBytes);
        stats.put("lsm.flushBytesWritten", flushBytes.get());
        stats.put("lsm.compactionBytesWritten", compactionBytes.get());
        stats.put("lsm.writeAmplificationPercent", user == 0 ? 0 : Math.round(100.0 * (logBytes + tables) / user));
        long kept = keptBytes;
        if (kept >= 0) {
            stats.put("lsm.liveBytes", kept);
            stats.put("lsm.spaceAmplificationPercent", kept == 0 ? 0 : Math.round(100.0 * tableBytes / kept));
        }
    }
}
