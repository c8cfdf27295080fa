package dev.plinth.raftlog.internal.segment;

/**
 * An array per thread to encode an entries record in before it is written, so that appending a batch neither
 * allocates nor zeroes a buffer the size of the batch. A caller takes it, encodes one record from its start, hands
 * it to {@link SegmentWriter#appendFramed(byte[], int)} (directly, or through the shared log, whose call returns only
 * once the record was written) and does not use it after that call returns; the writer keeps no reference. Arrays
 * above {@link #MAX_KEPT} bytes are not kept, so a thread holds at most that much.
 *
 * <p>Bytes past the length a caller encodes are whatever an earlier record left there; they are never written.
 */
public final class RecordScratch {
    /** The largest array kept for a thread; larger records get an array of their own. */
    public static final int MAX_KEPT = 1 << 20;
    private static final int SMALLEST = 4 << 10;
    private static final ThreadLocal<byte[]> KEPT = new ThreadLocal<>();

    private RecordScratch() {
    }

    /**
     * This thread's array, at least {@code length} bytes long.
     *
     * @param length the bytes needed
     * @return an array of at least that length, its contents undefined
     */
    public static byte[] take(int length) {
        byte[] b = KEPT.get();
        if (b != null && b.length >= length) {
            return b;
        }
        if (length > MAX_KEPT) {
            return new byte[length];
        }
        int size = Math.max(SMALLEST, b == null ? 0 : Math.min(MAX_KEPT, b.length * 2));
        byte[] n = new byte[Math.max(size, length)];
        KEPT.set(n);
        return n;
    }
}
