package dev.plinth.lmdb;

import java.nio.ByteBuffer;
import java.util.Arrays;
import org.lmdbjava.Cursor;
import org.lmdbjava.GetOp;

/**
 * Moving bytes across the native boundary, and the two cursor seeks every walk is built on. Stateless
 * apart from one per-thread scratch buffer; thread-safe.
 *
 * <p>Keys go to LMDB in a per-thread direct buffer, which is filled and consumed within one native call
 * (LMDB copies keys it keeps). Values are written straight into space LMDB reserves. What LMDB returns
 * points into the memory map, valid only until the transaction ends or the map is remapped; it is copied
 * into a new array before the call that read it returns, while the caller holds its transaction and
 * its permit of the {@link TxnGate}.
 */
final class Buffers {
    /** Larger than any LMDB build's key limit (511 by default); keys are checked against the real one. */
    static final int KEY_CAPACITY = 1024;

    private static final ThreadLocal<ByteBuffer> KEY = ThreadLocal.withInitial(() -> ByteBuffer.allocateDirect(KEY_CAPACITY));

    private Buffers() {
    }

    /**
     * The per-thread key buffer holding {@code key}, positioned at 0 (lmdbjava passes the buffer's base
     * address and remaining length). Valid until this thread's next call.
     *
     * @param key 1 to {@link #KEY_CAPACITY} bytes
     * @return the buffer
     */
    static ByteBuffer key(byte[] key) {
        ByteBuffer b = KEY.get();
        b.clear();
        b.put(key).flip();
        return b;
    }

    /**
     * Copies a buffer LMDB returned into a new array.
     *
     * @param b the buffer, pointing into the map
     * @return a new array
     */
    static byte[] copy(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(b.position(), out);
        return out;
    }

    /**
     * The first {@code max} bytes of a buffer's remaining ones, or all of them if fewer.
     *
     * @param b the buffer; its position is not moved
     * @param max the most bytes to copy
     * @return a new array
     */
    static byte[] copyPrefix(ByteBuffer b, int max) {
        byte[] out = new byte[Math.min(b.remaining(), max)];
        b.get(b.position(), out);
        return out;
    }

    /**
     * The first {@code max} bytes of a key.
     *
     * @param key a key longer than {@code max}
     * @param max the length to keep
     * @return a new array
     */
    static byte[] truncate(byte[] key, int max) {
        return Arrays.copyOf(key, max);
    }

    /**
     * Positions a cursor on the first key at or after {@code target}.
     *
     * <p>A target longer than the key limit cannot be handed to LMDB (oversized keys once crashed it). No
     * stored key is that long, so the first key at or after it is the first key after its prefix of
     * {@code maxKeySize} bytes: the prefix itself is the only stored key that could equal it, and it sorts
     * below the target.
     *
     * @param c the cursor
     * @param target the lower bound, or {@code null} or empty for the first key
     * @param maxKeySize the environment's key limit
     * @return {@code true} if positioned on a key
     */
    static boolean seekCeiling(Cursor<ByteBuffer> c, byte[] target, int maxKeySize) {
        if (target == null || target.length == 0) {
            return c.first();
        }
        if (target.length <= maxKeySize) {
            return c.get(key(target), GetOp.MDB_SET_RANGE);
        }
        byte[] prefix = truncate(target, maxKeySize);
        if (!c.get(key(prefix), GetOp.MDB_SET_RANGE)) {
            return false;
        }
        return !c.key().equals(ByteBuffer.wrap(prefix)) || c.next();
    }

    /**
     * Positions a cursor on the last key at or before {@code bound} ({@code inclusive}) or before it.
     *
     * <p>For a bound longer than the key limit, the keys before it are exactly the keys at or before its
     * prefix of {@code maxKeySize} bytes (see {@link #seekCeiling}).
     *
     * @param c the cursor
     * @param bound the upper bound, or {@code null} for the last key
     * @param inclusive whether a key equal to {@code bound} qualifies
     * @param maxKeySize the environment's key limit
     * @return {@code true} if positioned on a key
     */
    static boolean seekFloor(Cursor<ByteBuffer> c, byte[] bound, boolean inclusive, int maxKeySize) {
        if (bound == null) {
            return c.last();
        }
        if (bound.length == 0) {
            return false; // no key sorts at or before the empty key
        }
        byte[] b = bound;
        boolean incl = inclusive;
        if (b.length > maxKeySize) {
            b = truncate(b, maxKeySize);
            incl = true;
        }
        if (!c.get(key(b), GetOp.MDB_SET_RANGE)) {
            return c.last(); // every key is below the bound
        }
        if (incl && c.key().equals(ByteBuffer.wrap(b))) {
            return true;
        }
        return c.prev();
    }
}
