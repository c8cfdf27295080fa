package dev.plinth.lsm.internal.wal;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import java.util.ArrayList;
import java.util.List;

/**
 * Decides what the write-ahead log holds after a crash, from the scans of its segments in order:
 * every record up to the last valid one. A problem with nothing valid after it, in its segment or any
 * later one, is a torn tail: its records are dropped and writing resumes where the valid ones end, after
 * the torn bytes are overwritten with zeros. A problem with valid data after it is damage in the middle:
 * a {@link CorruptionException} naming the file and offset, and nothing is changed. Stateless.
 */
public final class WalRecovery {
    private WalRecovery() {
    }

    /**
     * What recovery found and where writing resumes.
     *
     * @param records every valid record, in log order
     * @param segment the segment writing resumes in (or, when {@code offset} is 0, the new one to create)
     * @param offset where the next record goes in it, or 0 to create it
     * @param zeroFrom where torn bytes start that must be zeroed before writing, or -1
     * @param removable segments that hold nothing valid after a torn tail or an interrupted creation, which
     *     the caller deletes
     * @param tornAt a sentence saying where a torn tail was cut, or {@code null}
     */
    public record Recovered(List<byte[]> records, long segment, long offset, long zeroFrom, List<String> removable,
                            String tornAt) {
    }

    /**
     * Scans the segments at the root of {@code vfs} numbered {@code firstLive} or more.
     *
     * @param vfs the store's file system
     * @param store the store, for messages
     * @param firstLive the lowest segment number still needed; lower ones are ignored
     * @return what the log holds
     * @throws CorruptionException if a segment is damaged before its last valid record
     */
    public static Recovered recover(Vfs vfs, String store, long firstLive) {
        List<Long> numbers = new ArrayList<>();
        for (String n : vfs.list("")) {
            long number = WalFormat.segmentNumber(n);
            if (number >= firstLive && number >= 1) {
                numbers.add(number);
            }
        }
        List<WalReader.Scan> scans = new ArrayList<>();
        for (long n : numbers) {
            scans.add(WalReader.scan(vfs, WalFormat.segmentName(n), n));
        }
        List<byte[]> records = new ArrayList<>();
        for (int i = 0; i < scans.size(); i++) {
            WalReader.Scan s = scans.get(i);
            boolean laterData = false;
            for (int j = i + 1; j < scans.size(); j++) {
                laterData |= scans.get(j).holdsData();
            }
            if (s.ending() == WalReader.Ending.CLEAN) {
                records.addAll(s.records());
                continue;
            }
            if (s.validAfter() || laterData) {
                throw new CorruptionException("write-ahead log segment " + vfs.location(s.name()) + " of " + store
                        + " is damaged at offset " + s.problemAt() + ": " + s.problem() + "; valid records follow"
                        + " it, so it is no torn write; nothing was changed");
            }
            List<String> removable = new ArrayList<>();
            for (int j = i + 1; j < scans.size(); j++) {
                removable.add(scans.get(j).name());
            }
            if (s.ending() == WalReader.Ending.BAD_HEADER) {
                // A segment whose creation was interrupted: nothing was ever written to it.
                removable.add(0, s.name());
                if (i == 0) {
                    return new Recovered(records, numbers.get(numbers.size() - 1) + 1, 0, -1, removable,
                            null);
                }
                WalReader.Scan prev = scans.get(i - 1);
                return new Recovered(records, numbers.get(i - 1), prev.end(), -1, removable, null);
            }
            records.addAll(s.records());
            String torn = "a torn write in " + vfs.location(s.name()) + " at offset " + s.problemAt() + " ("
                    + s.problem() + ") was cut off";
            return new Recovered(records, numbers.get(i), s.end(), s.end(), removable, torn);
        }
        if (scans.isEmpty()) {
            return new Recovered(records, Math.max(1, firstLive), 0, -1, List.of(), null);
        }
        WalReader.Scan last = scans.get(scans.size() - 1);
        return new Recovered(records, numbers.get(numbers.size() - 1), last.end(), -1, List.of(), null);
    }
}
