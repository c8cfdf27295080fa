package dev.plinth.lsm.internal.engine;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.sstable.TableFormat;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.lsm.internal.wal.WalReader;
import java.util.ArrayList;
import java.util.List;

/**
 * What {@link LsmEngine#verify()} checks in the files: the identity file; {@code CURRENT} and the manifest;
 * every live write-ahead log segment (every fragment's CRC32C up to the last valid record, no damage before
 * valid records, every record decodes); every table (every block, key order inside and across blocks, the
 * index, the entry count); and that the tables the manifest names are exactly the table files present.
 * Stateless.
 */
final class StoreVerifier {
    private StoreVerifier() {
    }

    /**
     * Checks the files; the caller holds the engine's maintenance lock, so no file comes or goes meanwhile.
     *
     * @param vfs the file system
     * @param uri the store, for messages
     * @param state the manifest's state
     * @param tables the open tables
     * @param pending the numbers of tables the manifest rightly does not name: being written by a compaction,
     *     or replaced by one but still read (left out of the comparison)
     * @return every problem found, each a sentence naming the file
     */
    static List<String> verify(Vfs vfs, String uri, VersionState state, List<TableReader> tables,
                               java.util.Set<Long> pending) {
        List<String> problems = new ArrayList<>();
        try {
            StoreFiles.checkIdentity(vfs, uri);
        } catch (CorruptionException e) {
            problems.add(e.getMessage());
        }
        problems.addAll(Manifest.check(vfs, uri));
        List<WalReader.Scan> scans = new ArrayList<>();
        java.util.Set<Long> tableFiles = new java.util.TreeSet<>();
        for (String n : vfs.list("")) {
            long number = WalFormat.segmentNumber(n);
            if (number >= state.logNumber()) {
                scans.add(WalReader.scan(vfs, n, number));
            }
            long t = TableFormat.tableNumber(n);
            if (t >= 0 && !pending.contains(t)) {
                tableFiles.add(t);
            }
        }
        for (int i = 0; i < scans.size(); i++) {
            WalReader.Scan s = scans.get(i);
            boolean last = i == scans.size() - 1;
            if (s.ending() != WalReader.Ending.CLEAN && (s.validAfter() || !last)) {
                problems.add("write-ahead log segment " + vfs.location(s.name()) + " of " + uri + " is damaged at"
                        + " offset " + s.problemAt() + ": " + s.problem());
            }
            for (byte[] payload : s.records()) {
                try {
                    LogRecords.decode(payload, vfs.location(s.name()));
                } catch (CorruptionException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        java.util.Set<Long> named = new java.util.TreeSet<>(state.tables());
        if (!named.equals(tableFiles)) {
            problems.add("the manifest of " + uri + " names tables " + named + " but the directory holds "
                    + tableFiles);
        }
        for (TableReader t : tables) {
            problems.addAll(t.verify());
        }
        return problems;
    }
}
