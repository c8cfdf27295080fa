package dev.plinth.rocksdb;

import dev.plinth.spi.EngineBatch;
import java.util.Arrays;

/**
 * Builds a batch's entries in RocksDB's own write-batch representation, in a Java array, so that the whole batch
 * crosses JNI in one call ({@code new WriteBatch(byte[])}) instead of one {@code WriteBatch.put} or {@code delete}
 * call per entry. One encoder per batch; not thread-safe.
 *
 * <p>The representation (RocksDB's {@code db/write_batch.cc}, stable since it is also the WAL's record format): a
 * header of {@link #HEADER_BYTES} bytes, the sequence number (fixed64, little-endian; zero until RocksDB assigns one
 * at write time) and the entry count (fixed32, little-endian), then the entries in order. An entry is one tag byte;
 * for a column family other than the default one (id 0) the tag is the column-family variant and is followed by the
 * family's id as a varint32; then the key, and for a put the value and for a range delete the exclusive end, each as
 * a varint32 length followed by its bytes. Varints are little-endian base 128, as in Protocol Buffers. The tags used:
 * {@link #TYPE_VALUE}, {@link #TYPE_DELETION}, {@link #TYPE_RANGE_DELETION} and their column-family variants. The
 * bytes built are exactly what {@code WriteBatch.data()} returns for the same entries added one call at a time; a
 * test checks that on random batches.
 *
 * <p>Memory: the encoding is a Java array as long as the batch's representation (briefly two when {@link #finish}
 * trims an estimate that came out larger), and handing it over copies it up to three more times in native memory.
 * RocksJava's {@code new WriteBatch(byte[])} copies the array's elements out of the heap
 * ({@code GetByteArrayElements}, a copy on HotSpot) and makes a {@code std::string} of them, and RocksDB's
 * {@code WriteBatch} constructor copies that string as its own representation. The first two native copies are
 * short-lived (at most two native copies are live at once, and only the batch's own survives the constructor, until
 * the engine closes the batch after its write), and the Java array is garbage once the constructor returns; the
 * per-call path makes only the batch's own. So an encoded batch of {@code n} bytes briefly takes {@code n} on the
 * heap and up to {@code 2n} natively, where the per-call path takes {@code n} natively; {@code n} is at most
 * {@link #MAX_ENCODED_BYTES}.
 *
 * <p>A batch whose encoding would exceed {@link #MAX_ENCODED_BYTES} is not encoded ({@link #forBatch} or
 * {@link #finish} returns {@code null}) and goes through the per-call path instead: for a batch that large those
 * copies are not worth the calls they save, and the limit keeps every length well inside an {@code int}.
 */
final class RocksDbBatchEncoder implements RocksDbBatchEntries {
    /** The header: the sequence number (8 bytes) and the entry count (4 bytes). */
    static final int HEADER_BYTES = 12;
    /** The largest encoding built; a larger batch is written one JNI call per entry. */
    static final int MAX_ENCODED_BYTES = 64 << 20;

    /** Tags of RocksDB's {@code ValueType}, as its write batches and WAL records carry them. */
    static final byte TYPE_DELETION = 0x0;
    static final byte TYPE_VALUE = 0x1;
    static final byte TYPE_COLUMN_FAMILY_DELETION = 0x4;
    static final byte TYPE_COLUMN_FAMILY_VALUE = 0x5;
    static final byte TYPE_COLUMN_FAMILY_RANGE_DELETION = 0xE;
    static final byte TYPE_RANGE_DELETION = 0xF;

    private static final byte[] EMPTY = new byte[0];

    private byte[] bytes;
    /** Bytes written so far, the header's included. */
    private int size = HEADER_BYTES;
    private int count;
    /** Set when an entry would take the encoding past {@link #MAX_ENCODED_BYTES}; later entries are dropped. */
    private boolean tooLarge;

    private RocksDbBatchEncoder(int capacity) {
        this.bytes = new byte[capacity];
    }

    /**
     * An encoder sized for the batch: exactly, unless the batch has a range delete of unbounded end (whose end is
     * found only while filling) or a range delete that turns out empty.
     *
     * @return the encoder, or {@code null} if the batch's puts, deletes and bounded range deletes alone exceed
     *         {@link #MAX_ENCODED_BYTES}
     */
    static RocksDbBatchEncoder forBatch(EngineBatch batch) {
        long total = HEADER_BYTES;
        for (EngineBatch.Mutation m : batch.mutations()) {
            int family = ((RocksDbKeyspace) m.keyspace()).columnFamilyId;
            total += switch (m.kind()) {
                case PUT -> entryBytes(family, m.key(), m.value());
                case DELETE -> entryBytes(family, m.key(), null);
                // An unbounded begin is the empty key; an unbounded end is counted once known.
                case DELETE_RANGE -> entryBytes(family, m.key() == null ? EMPTY : m.key(),
                        m.end() == null ? EMPTY : m.end());
            };
            if (total > MAX_ENCODED_BYTES) {
                return null;
            }
        }
        return new RocksDbBatchEncoder((int) total);
    }

    @Override
    public void put(RocksDbKeyspace ks, byte[] key, byte[] value) {
        entry(ks.columnFamilyId == 0 ? TYPE_VALUE : TYPE_COLUMN_FAMILY_VALUE, ks.columnFamilyId, key, value);
    }

    @Override
    public void delete(RocksDbKeyspace ks, byte[] key) {
        entry(ks.columnFamilyId == 0 ? TYPE_DELETION : TYPE_COLUMN_FAMILY_DELETION, ks.columnFamilyId, key, null);
    }

    @Override
    public void deleteRange(RocksDbKeyspace ks, byte[] begin, byte[] end) {
        entry(ks.columnFamilyId == 0 ? TYPE_RANGE_DELETION : TYPE_COLUMN_FAMILY_RANGE_DELETION, ks.columnFamilyId,
                begin, end);
    }

    /**
     * The finished representation, exactly as long as its entries (as {@code new WriteBatch(byte[])} requires: it
     * takes the whole array).
     *
     * @return the bytes, or {@code null} if the entries came to more than {@link #MAX_ENCODED_BYTES}
     */
    byte[] finish() {
        if (tooLarge) {
            return null;
        }
        // Sequence number: bytes 0 to 7 stay zero. Count: fixed32, little-endian.
        bytes[8] = (byte) count;
        bytes[9] = (byte) (count >>> 8);
        bytes[10] = (byte) (count >>> 16);
        bytes[11] = (byte) (count >>> 24);
        return size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
    }

    /** The bytes of one entry: its tag, its family's id unless 0, and one or two length-prefixed byte strings. */
    static long entryBytes(int family, byte[] first, byte[] second) {
        long n = 1L + (family == 0 ? 0 : varint32Bytes(family)) + varint32Bytes(first.length) + first.length;
        return second == null ? n : n + varint32Bytes(second.length) + second.length;
    }

    /** The bytes of {@code v} as an unsigned varint32: 1 to 5. */
    static int varint32Bytes(int v) {
        int n = 1;
        while ((v & ~0x7F) != 0) {
            v >>>= 7;
            n++;
        }
        return n;
    }

    private void entry(byte tag, int family, byte[] first, byte[] second) {
        if (tooLarge) {
            return;
        }
        long needed = size + entryBytes(family, first, second);
        if (needed > MAX_ENCODED_BYTES) {
            tooLarge = true;
            bytes = null; // not needed any more: the batch goes the per-call way
            return;
        }
        if (needed > bytes.length) {
            // Only an unbounded range delete's end grows the estimate; grow by half again, capped at the limit.
            bytes = Arrays.copyOf(bytes, (int) Math.min(MAX_ENCODED_BYTES, Math.max(needed, bytes.length * 3L / 2)));
        }
        bytes[size++] = tag;
        if (family != 0) {
            varint32(family);
        }
        lengthPrefixed(first);
        if (second != null) {
            lengthPrefixed(second);
        }
        count++;
    }

    private void lengthPrefixed(byte[] b) {
        varint32(b.length);
        System.arraycopy(b, 0, bytes, size, b.length);
        size += b.length;
    }

    private void varint32(int v) {
        while ((v & ~0x7F) != 0) {
            bytes[size++] = (byte) ((v & 0x7F) | 0x80);
            v >>>= 7;
        }
        bytes[size++] = (byte) v;
    }
}
