package dev.plinth.raftlog.internal.segment;

import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.internal.OwnedEntries;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;
import net.jpountz.lz4.LZ4Compressor;
import net.jpountz.lz4.LZ4Exception;
import net.jpountz.lz4.LZ4Factory;
import net.jpountz.lz4.LZ4SafeDecompressor;

/**
 * How one entry is stored inside a record of either log of our own (docs/format/raftlog.md, "Entries"): its term
 * (8 bytes), a length field (4), a CRC32C of the stored bytes (4), then the stored bytes. The length field is the
 * number of stored bytes, with {@link #LZ4_FLAG} set when they are LZ4-compressed: then they are the payload's
 * length (4 bytes, big-endian) followed by one LZ4 block. The CRC covers the stored bytes, so damage to a
 * compressed payload is found before it is decompressed. Segments of format version 1 never carry the flag.
 *
 * <p>Decompression uses lz4-java's pure Java, bounds-checked decompressor (never its native one), so damaged input
 * fails instead of reading or writing out of bounds. Compression, which only ever sees our own payloads, uses
 * lz4-java's native (JNI) compressor when its library loads, and the pure Java one otherwise: lz4-java's Java
 * compressors allocate and zero a hash table of 16 KiB on every call, which cost about 3 µs per entry of 128 bytes
 * (docs/performance.md), while the native one keeps its table on the C stack. Both write the same block format.
 * A payload is kept compressed only if that saves at least one part in {@link #MIN_SAVING_DIVISOR}. Stateless
 * and thread safe.
 */
public final class EntryCodec {
    /** Bytes of an entry before its stored bytes: term, length field, CRC32C. */
    public static final int ENTRY_HEADER = 8 + 4 + 4;
    /** The bit of the length field that marks LZ4-compressed stored bytes. */
    public static final int LZ4_FLAG = 0x8000_0000;
    /** Payloads shorter than this are never compressed. */
    public static final int MIN_COMPRESSED_PAYLOAD = 32;
    /** A compressed payload is kept only if it saves at least one part in this many of the raw size. */
    public static final int MIN_SAVING_DIVISOR = 8;

    private static final LZ4Compressor COMPRESSOR = compressor();
    private static final LZ4SafeDecompressor DECOMPRESSOR = LZ4Factory.safeInstance().safeDecompressor();

    private EntryCodec() {
    }

    /** lz4-java's native compressor if its library loads here, else its pure Java one. */
    private static LZ4Compressor compressor() {
        try {
            return LZ4Factory.nativeInstance().fastCompressor();
        } catch (LinkageError | RuntimeException nativeUnavailable) {
            return LZ4Factory.safeInstance().fastCompressor();
        }
    }

    /** Whether compression runs in lz4-java's native library (see the class comment). */
    static boolean nativeCompression() {
        return COMPRESSOR.getClass().getSimpleName().contains("JNI");
    }

    /**
     * An entry as it is stored: its length field (flag included) and the stored bytes.
     *
     * @param lengthField the length field as written
     * @param bytes       the stored bytes
     */
    public record Stored(int lengthField, byte[] bytes) {
        /** Bytes this entry takes in a record, header included. */
        public int recordBytes() {
            return ENTRY_HEADER + bytes.length;
        }
    }

    /**
     * The stored form of an entry's payload.
     *
     * @param entry the entry
     * @param lz4   whether to compress the payload when that pays
     * @return the stored form; the entry's own payload array (not copied: only to be written out, never changed
     *     or handed out) when it is not compressed
     */
    public static Stored store(LogEntry entry, boolean lz4) {
        byte[] p = OwnedEntries.payloadOf(entry);
        if (lz4 && p.length >= MIN_COMPRESSED_PAYLOAD) {
            byte[] out = new byte[4 + COMPRESSOR.maxCompressedLength(p.length)];
            ByteBuffer.wrap(out).putInt(p.length);
            int n = COMPRESSOR.compress(p, 0, p.length, out, 4, out.length - 4);
            if (4 + n <= p.length - p.length / MIN_SAVING_DIVISOR) {
                return new Stored((4 + n) | LZ4_FLAG, Arrays.copyOf(out, 4 + n));
            }
        }
        return new Stored(p.length, p);
    }

    /**
     * A batch of entries in their stored form, ready to be written one after another into a record: the stored
     * bytes and length field of each (the entry's own payload array when it is not compressed, not copied: only to
     * be written out, never changed or handed out). Two arrays for the batch rather than an object per entry.
     */
    public static final class Batch {
        private final List<LogEntry> entries;
        private final byte[][] bytes;
        private final int[] fields;
        private final int recordBytes;

        private Batch(List<LogEntry> entries, boolean lz4) {
            this.entries = entries;
            int n = entries.size();
            bytes = new byte[n][];
            fields = new int[n];
            int total = 0;
            for (int i = 0; i < n; i++) {
                LogEntry e = entries.get(i);
                if (lz4) {
                    Stored s = store(e, true);
                    bytes[i] = s.bytes();
                    fields[i] = s.lengthField();
                } else {
                    byte[] p = OwnedEntries.payloadOf(e);
                    bytes[i] = p;
                    fields[i] = p.length;
                }
                total = Math.addExact(total, ENTRY_HEADER + bytes[i].length);
            }
            recordBytes = total;
        }

        /** Bytes the entries take in a record, headers included. */
        public int recordBytes() {
            return recordBytes;
        }

        /** The number of entries. */
        public int size() {
            return fields.length;
        }

        /** The length field of entry {@code i} (0 is the first). */
        public int lengthField(int i) {
            return fields[i];
        }

        /**
         * Writes every entry's header and stored bytes at the buffer's position.
         *
         * @param b    the buffer, with {@link #recordBytes()} bytes left
         * @param base subtracted from the buffer's position to give the offsets in {@code at}
         * @param at   receives where each entry's header starts, less {@code base}
         */
        public void putAll(ByteBuffer b, int base, int[] at) {
            for (int i = 0; i < fields.length; i++) {
                at[i] = b.position() - base;
                byte[] stored = bytes[i];
                b.putLong(entries.get(i).term()).putInt(fields[i]).putInt(crc(stored, 0, stored.length)).put(stored);
            }
        }
    }

    /**
     * The stored form of a batch of entries.
     *
     * @param entries the entries (not copied; they must not change until the batch is written)
     * @param lz4     whether to compress payloads when that pays
     * @return the batch
     */
    public static Batch storeAll(List<LogEntry> entries, boolean lz4) {
        return new Batch(entries, lz4);
    }

    /** Writes an entry's header and stored bytes. */
    public static void put(ByteBuffer b, long term, Stored s) {
        b.putLong(term).putInt(s.lengthField()).putInt(crc(s.bytes(), 0, s.bytes().length)).put(s.bytes());
    }

    /** The number of stored bytes a length field announces. */
    public static int storedLength(int lengthField) {
        return lengthField & ~LZ4_FLAG;
    }

    /**
     * Skips an entry whose header starts at the buffer's position, checking only that it fits.
     *
     * @return the entry's length field
     */
    public static int skip(ByteBuffer b) {
        b.getLong();
        int field = b.getInt();
        b.getInt();
        int n = storedLength(field);
        if (n > b.remaining()) {
            throw new IllegalArgumentException("an entry of " + n + " stored bytes running past its record");
        }
        b.position(b.position() + n);
        return field;
    }

    /**
     * Checks the stored bytes of an entry against their CRC32C and returns its payload.
     *
     * @param lengthField the entry's length field
     * @param crc         the CRC32C stored with it
     * @param stored      the stored bytes
     * @return the payload, or {@code null} if the CRC32C does not match
     * @throws IllegalArgumentException if the CRC matched but the compressed bytes cannot be decompressed, with a
     *     phrase saying what is wrong
     */
    public static byte[] payload(int lengthField, int crc, byte[] stored) {
        if (crc(stored, 0, stored.length) != crc) {
            return null;
        }
        if ((lengthField & LZ4_FLAG) == 0) {
            return stored;
        }
        return decompress(stored, 0, stored.length);
    }

    /** Decompresses stored bytes that passed their CRC32C: a length prefix and one LZ4 block. */
    private static byte[] decompress(byte[] a, int offset, int length) {
        if (length < 4) {
            throw new IllegalArgumentException("a compressed payload shorter than its length prefix");
        }
        int raw = ByteBuffer.wrap(a, offset, 4).getInt();
        if (raw < 0 || raw > SegmentFormat.MAX_PAYLOAD_BYTES) {
            throw new IllegalArgumentException("a compressed payload that says it holds " + raw + " bytes");
        }
        byte[] out = new byte[raw];
        int n;
        try {
            n = DECOMPRESSOR.decompress(a, offset + 4, length - 4, out, 0, raw);
        } catch (LZ4Exception e) {
            throw new IllegalArgumentException("a compressed payload that LZ4 cannot decompress (" + e.getMessage()
                    + ")", e);
        }
        if (n != raw) {
            throw new IllegalArgumentException("a compressed payload holding " + n + " bytes, not the " + raw
                    + " it says");
        }
        return out;
    }

    /**
     * Checks an entry's stored bytes, in place in a larger buffer, against their CRC32C and returns its payload.
     * The payload is decompressed only after the CRC matched.
     *
     * @param lengthField the entry's length field
     * @param crc         the CRC32C stored with it
     * @param a           the buffer
     * @param offset      where the stored bytes start in it
     * @param length      how many stored bytes there are
     * @return a fresh array with the payload, or {@code null} if the CRC32C does not match
     * @throws IllegalArgumentException as {@link #payload(int, int, byte[])}
     */
    public static byte[] payload(int lengthField, int crc, byte[] a, int offset, int length) {
        if (crc(a, offset, length) != crc) {
            return null;
        }
        if ((lengthField & LZ4_FLAG) == 0) {
            return Arrays.copyOfRange(a, offset, offset + length);
        }
        return decompress(a, offset, length);
    }

    /**
     * Checks an entry's stored bytes, in place in a buffer (heap or direct), against their CRC32C and returns its
     * payload, as {@link #payload(int, int, byte[], int, int)} does for an array. The payload is decompressed only
     * after the CRC matched. The buffer's position is changed; its limit and contents are not.
     *
     * @param lengthField the entry's length field
     * @param crc         the CRC32C stored with it
     * @param b           the buffer
     * @param offset      where the stored bytes start in it (an absolute index)
     * @param length      how many stored bytes there are
     * @return a fresh array with the payload, or {@code null} if the CRC32C does not match
     * @throws IllegalArgumentException as {@link #payload(int, int, byte[])}
     */
    public static byte[] payload(int lengthField, int crc, ByteBuffer b, int offset, int length) {
        int limit = b.limit();
        CRC32C c = new CRC32C();
        c.update(b.limit(offset + length).position(offset));
        b.limit(limit);
        if ((int) c.getValue() != crc) {
            return null;
        }
        if ((lengthField & LZ4_FLAG) == 0) {
            byte[] out = new byte[length];
            b.get(offset, out);
            return out;
        }
        if (b.hasArray()) {
            return decompress(b.array(), b.arrayOffset() + offset, length);
        }
        byte[] stored = new byte[length];
        b.get(offset, stored);
        return decompress(stored, 0, length);
    }

    /** The CRC32C of a range of bytes. */
    public static int crc(byte[] a, int offset, int length) {
        CRC32C c = new CRC32C();
        c.update(a, offset, length);
        return (int) c.getValue();
    }
}
