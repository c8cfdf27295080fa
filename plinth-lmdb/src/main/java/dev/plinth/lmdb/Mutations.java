package dev.plinth.lmdb;

import dev.plinth.spi.EngineBatch;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.GetOp;
import org.lmdbjava.Txn;

/**
 * Applies a batch's mutations inside its write transaction. Stateless; the caller holds the engine's write
 * lock and a permit of its gate, and has checked every key against the limits.
 */
final class Mutations {
    private Mutations() {
    }

    /**
     * Applies one mutation. A later mutation of the same batch sees this one: they share the transaction.
     *
     * @param txn the batch's write transaction
     * @param dbi the mutation's database
     * @param m the mutation
     * @param maxKeySize the environment's key limit, for range bounds
     */
    static void apply(Txn<ByteBuffer> txn, Dbi<ByteBuffer> dbi, EngineBatch.Mutation m, int maxKeySize) {
        switch (m.kind()) {
            case PUT -> {
                // MDB_RESERVE: LMDB makes room and the value is copied straight into it.
                byte[] value = m.value();
                ByteBuffer room = dbi.reserve(txn, Buffers.key(m.key()), value.length);
                room.put(0, value);
            }
            case DELETE -> dbi.delete(txn, Buffers.key(m.key()));
            case DELETE_RANGE -> deleteRange(txn, dbi, m.key(), m.end(), maxKeySize);
            default -> throw new IllegalArgumentException("unknown mutation kind " + m.kind());
        }
    }

    /**
     * Deletes every key of {@code [start, end)}: one seek to the start, then delete and seek past the deleted
     * key, so the cost is the keys deleted, never a walk from the first key.
     */
    private static void deleteRange(Txn<ByteBuffer> txn, Dbi<ByteBuffer> dbi, byte[] start, byte[] end, int maxKeySize) {
        if (end != null && end.length == 0) {
            return;
        }
        try (Cursor<ByteBuffer> c = dbi.openCursor(txn)) {
            boolean found = Buffers.seekCeiling(c, start, maxKeySize);
            while (found) {
                byte[] k = Buffers.copy(c.key());
                if (end != null && Arrays.compareUnsigned(k, end) >= 0) {
                    break;
                }
                c.delete();
                found = c.get(Buffers.key(k), GetOp.MDB_SET_RANGE);
            }
        }
    }
}
