package dev.plinth.lsm.internal.engine;

import dev.plinth.lsm.internal.memtable.Memtable;
import java.util.Map;

/**
 * A memtable sealed for flushing, with everything its flush records in the manifest, captured together
 * under the engine's write lock and published as one object. A flush reads the engine's reference to it
 * once and uses only what it holds: were these separate fields, a flush running in the middle of a seal
 * could pair the new memtable with the old catalog or log number (and lose a keyspace whose creation lay
 * in the log segments the new log number makes obsolete). Immutable.
 *
 * @param memtable the sealed memtable, which no batch changes any more
 * @param lastSeq the last sequence number in it
 * @param logNumber the first log segment written after the seal; the flush's edit names it, and older
 *     segments are obsolete once the edit is durable
 * @param catalog the live keyspaces at the seal, by id
 * @param nextKeyspaceId the next keyspace id at the seal
 * @param ticket the log ticket of the last record in the memtable; the flush waits until it was written
 */
record SealedMemtable(Memtable memtable, long lastSeq, long logNumber, Map<Integer, String> catalog,
                      int nextKeyspaceId, long ticket) {
    SealedMemtable {
        catalog = Map.copyOf(catalog);
    }
}
