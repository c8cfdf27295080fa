package dev.plinth.lsm.internal.engine;

import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.memtable.Memtable;
import dev.plinth.lsm.internal.wal.WalRecovery;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Rebuilds, at open, what the write-ahead log holds beyond the manifest's state: the memtable, the
 * keyspaces created and dropped since, and the newest sequence number. Not thread-safe; used once.
 */
final class LogReplay {
    /** The memtable rebuilt from the log. */
    final Memtable mem = new Memtable();
    /** Every keyspace ever named by the manifest or the log, by id. */
    final TreeMap<Integer, String> keyspaces = new TreeMap<>();
    /** The ids of keyspaces the log dropped. */
    final Set<Integer> dropped = new TreeSet<>();
    int nextKeyspaceId;
    long lastSeq;
    /** Where writing resumes. */
    WalRecovery.Recovered log;

    private LogReplay(VersionState state) {
        keyspaces.putAll(state.keyspaces());
        nextKeyspaceId = Math.max(1, state.nextKeyspaceId());
        lastSeq = state.lastSeq();
    }

    /**
     * Recovers the log from the manifest's {@code logNumber}, replays it, and (unless read-only) deletes the
     * segments recovery found empty after a torn tail or an interrupted creation.
     *
     * @throws dev.plinth.CorruptionException if the log is damaged before its last valid record
     */
    static LogReplay run(Vfs vfs, String uri, VersionState state, boolean readOnly) {
        LogReplay r = new LogReplay(state);
        r.log = WalRecovery.recover(vfs, uri, state.logNumber());
        for (byte[] payload : r.log.records()) {
            r.apply(LogRecords.decode(payload, uri), state.lastSeq());
        }
        if (readOnly) {
            return r; // a torn tail is left for the writer's next open to cut
        }
        for (String name : r.log.removable()) {
            vfs.delete(name);
        }
        if (!r.log.removable().isEmpty()) {
            vfs.syncDirectory("");
        }
        return r;
    }

    private void apply(LogRecords.Record record, long inTables) {
        if (record instanceof LogRecords.Batch b) {
            for (Object op : b.ops()) {
                long seq = op instanceof Entry e ? e.seq() : ((RangeTombstone) op).seq();
                if (seq <= inTables) {
                    continue; // already in a table
                }
                if (op instanceof Entry e) {
                    mem.add(e);
                } else {
                    mem.add((RangeTombstone) op);
                }
                lastSeq = Math.max(lastSeq, seq);
            }
        } else if (record instanceof LogRecords.CreateKeyspace c) {
            keyspaces.putIfAbsent(c.id(), c.name());
            nextKeyspaceId = Math.max(nextKeyspaceId, c.id() + 1);
        } else if (record instanceof LogRecords.DropKeyspace d) {
            dropped.add(d.id());
        }
    }
}
