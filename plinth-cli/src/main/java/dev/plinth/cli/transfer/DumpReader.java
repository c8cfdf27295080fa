package dev.plinth.cli.transfer;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Reads a dump ({@link DumpFormat}) as an {@link EntrySource}, checking as it goes: every frame's
 * checksum, the grammar and order of frames, key order, each section's counts, and at the end the
 * trailer's counts and whole-file checksum and that nothing follows it. Damage is a
 * {@link DumpException} naming the file and byte offset; no entry of a frame that failed its checksum is
 * ever returned. Entries of a file damaged further on are returned before the damage is found: to refuse
 * a damaged file before acting on any of it, read it once with {@link #check} first. Not thread-safe;
 * closes the stream.
 */
public final class DumpReader implements EntrySource {
    private enum State { BETWEEN_SECTIONS, IN_SECTION, DONE }

    /**
     * What {@link #check} found in a sound dump.
     *
     * @param summary the counts
     * @param longestKey bytes of the longest key, 0 if there is none
     * @param longestValue bytes of the longest value, 0 if there is none
     */
    public record Checked(DumpSummary summary, int longestKey, int longestValue) {
    }

    private final InputStream in;
    private final String name;
    private final CRC32C fileCrc = new CRC32C();
    private final CRC32C frameCrc = new CRC32C();
    private final byte[] head = new byte[5];
    private final byte[] crcBytes = new byte[4];
    private byte[] payload = new byte[1 << 16];
    private int payloadLength;
    /** Bytes consumed so far. */
    private long offset;
    /** Where the frame being read starts. */
    private long frameStart;
    /** The whole-file checksum of the bytes before the frame being read. */
    private long fileCrcBeforeTrailer;

    private State state = State.BETWEEN_SECTIONS;
    private String keyspace;
    private String lastKeyspace;
    private byte[] key;
    private byte[] value;
    private byte[] lastKey;
    private int keyspaces;
    private long sectionEntries;
    private long sectionKeyBytes;
    private long sectionValueBytes;
    private long entries;
    private long keyBytes;
    private long valueBytes;
    private DumpSummary summary;
    private int longestKey;
    private int longestValue;

    /**
     * Opens a dump and checks its header.
     *
     * @param in the dump's bytes; buffer it
     * @param name the file's name, for messages
     * @throws DumpException if the header is not a dump header of a version this code reads
     * @throws UncheckedIOException if reading fails
     */
    public DumpReader(InputStream in, String name) {
        this.in = in;
        this.name = name;
        byte[] h = new byte[DumpFormat.HEADER_SIZE];
        int n = readFully(h, 0, h.length);
        if (n < DumpFormat.MAGIC.length || !Arrays.equals(h, 0, DumpFormat.MAGIC.length, DumpFormat.MAGIC, 0,
                DumpFormat.MAGIC.length)) {
            throw new DumpException(name + " is not a plinth dump: it does not start with the dump magic number");
        }
        if (n < h.length) {
            throw damaged("the file ends inside its 16-byte header: it is truncated", n);
        }
        CRC32C crc = new CRC32C();
        crc.update(h, 0, 12);
        ByteBuffer b = ByteBuffer.wrap(h);
        int version = Short.toUnsignedInt(b.getShort(8));
        int flags = Short.toUnsignedInt(b.getShort(10));
        if (b.getInt(12) != (int) crc.getValue()) {
            throw damaged("header checksum mismatch", 0);
        }
        if (version != DumpFormat.VERSION) {
            throw new DumpException(name + " is dump format version " + version + "; this plinth reads version "
                    + DumpFormat.VERSION);
        }
        if (flags != 0) {
            throw new DumpException(name + " has header flags 0x" + Integer.toHexString(flags)
                    + " that dump format version " + DumpFormat.VERSION + " does not define");
        }
    }

    /**
     * Reads a whole dump, checking everything, and returns its counts.
     *
     * @param in the dump's bytes; closed
     * @param name the file's name, for messages
     * @return what the dump holds
     * @throws DumpException if the dump is damaged
     * @throws UncheckedIOException if reading fails
     */
    public static Checked check(InputStream in, String name) {
        try (DumpReader r = new DumpReader(in, name)) {
            while (r.nextKeyspace() != null) {
                while (r.nextEntry()) {
                    // every frame is checked as it is read
                }
            }
            return new Checked(r.summary(), r.longestKey, r.longestValue);
        }
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public String nextKeyspace() {
        while (state == State.IN_SECTION) {
            nextEntry();
        }
        if (state == State.DONE) {
            return null;
        }
        int type = readFrame();
        if (type == DumpFormat.TRAILER) {
            readTrailer();
            return null;
        }
        if (type != DumpFormat.KEYSPACE) {
            throw damaged("expected a keyspace or the trailer, found " + describe(type), frameStart);
        }
        String ks = new String(payload, 0, payloadLength, StandardCharsets.ISO_8859_1);
        if (!DumpFormat.KEYSPACE_NAME.matcher(ks).matches()) {
            throw damaged("malformed keyspace name '" + ks + "'", frameStart);
        }
        if (lastKeyspace != null && lastKeyspace.compareTo(ks) >= 0) {
            throw damaged("keyspace '" + ks + "' is out of order after '" + lastKeyspace + "'", frameStart);
        }
        keyspace = ks;
        lastKey = null;
        sectionEntries = 0;
        sectionKeyBytes = 0;
        sectionValueBytes = 0;
        state = State.IN_SECTION;
        return ks;
    }

    @Override
    public boolean nextEntry() {
        if (state != State.IN_SECTION) {
            return false;
        }
        int type = readFrame();
        if (type == DumpFormat.KEYSPACE_END) {
            endSection();
            return false;
        }
        if (type != DumpFormat.ENTRY) {
            throw damaged("expected an entry or the end of keyspace '" + keyspace + "', found " + describe(type),
                    frameStart);
        }
        ByteBuffer b = ByteBuffer.wrap(payload, 0, payloadLength);
        long keyLength = payloadLength < 4 ? -1 : Integer.toUnsignedLong(b.getInt());
        if (keyLength < 1 || keyLength > payloadLength - 4) {
            throw damaged("entry with a key length of " + keyLength + " in a " + payloadLength + "-byte payload",
                    frameStart);
        }
        byte[] k = Arrays.copyOfRange(payload, 4, 4 + (int) keyLength);
        if (lastKey != null && Arrays.compareUnsigned(lastKey, k) >= 0) {
            throw damaged("key out of order in keyspace '" + keyspace + "'", frameStart);
        }
        key = k;
        value = Arrays.copyOfRange(payload, 4 + (int) keyLength, payloadLength);
        lastKey = k;
        sectionEntries++;
        sectionKeyBytes += key.length;
        sectionValueBytes += value.length;
        longestKey = Math.max(longestKey, key.length);
        longestValue = Math.max(longestValue, value.length);
        return true;
    }

    @Override
    public byte[] key() {
        if (key == null) {
            throw new IllegalStateException("not on an entry");
        }
        return key;
    }

    @Override
    public byte[] value() {
        if (value == null) {
            throw new IllegalStateException("not on an entry");
        }
        return value;
    }

    /**
     * The dump's counts, once the trailer has been read and checked.
     *
     * @return the counts
     * @throws IllegalStateException before the trailer was read
     */
    public DumpSummary summary() {
        if (summary == null) {
            throw new IllegalStateException("the trailer has not been read yet");
        }
        return summary;
    }

    @Override
    public void close() {
        try {
            in.close();
        } catch (IOException e) {
            throw new UncheckedIOException("closing " + name + ": " + e.getMessage(), e);
        }
    }

    private void endSection() {
        if (payloadLength != DumpFormat.KEYSPACE_END_SIZE) {
            throw damaged("keyspace end frame of " + payloadLength + " bytes", frameStart);
        }
        ByteBuffer b = ByteBuffer.wrap(payload, 0, payloadLength);
        long n = b.getLong();
        long kb = b.getLong();
        long vb = b.getLong();
        if (n != sectionEntries || kb != sectionKeyBytes || vb != sectionValueBytes) {
            throw damaged("keyspace '" + keyspace + "' ends saying " + n + " entries, " + kb + " key bytes, " + vb
                    + " value bytes, but holds " + sectionEntries + ", " + sectionKeyBytes + ", " + sectionValueBytes,
                    frameStart);
        }
        keyspaces++;
        entries += sectionEntries;
        keyBytes += sectionKeyBytes;
        valueBytes += sectionValueBytes;
        lastKeyspace = keyspace;
        keyspace = null;
        key = null;
        value = null;
        state = State.BETWEEN_SECTIONS;
    }

    private void readTrailer() {
        if (payloadLength != DumpFormat.TRAILER_SIZE) {
            throw damaged("trailer of " + payloadLength + " bytes", frameStart);
        }
        ByteBuffer b = ByteBuffer.wrap(payload, 0, payloadLength);
        int ks = b.getInt();
        long n = b.getLong();
        long kb = b.getLong();
        long vb = b.getLong();
        int crc = b.getInt();
        if (ks != keyspaces || n != entries || kb != keyBytes || vb != valueBytes) {
            throw damaged("the trailer counts " + ks + " keyspaces, " + n + " entries, " + kb + " key bytes, " + vb
                    + " value bytes, but the file holds " + keyspaces + ", " + entries + ", " + keyBytes + ", "
                    + valueBytes, frameStart);
        }
        if (crc != (int) fileCrcBeforeTrailer) {
            throw damaged("whole-file checksum mismatch", frameStart);
        }
        int more;
        try {
            more = in.read();
        } catch (IOException e) {
            throw io(e);
        }
        if (more >= 0) {
            throw damaged("unexpected bytes after the trailer", offset);
        }
        state = State.DONE;
        summary = new DumpSummary(keyspaces, entries, keyBytes, valueBytes);
    }

    /** Reads one frame into {@link #payload} and checks its checksum; returns its type. */
    private int readFrame() {
        frameStart = offset;
        fileCrcBeforeTrailer = fileCrc.getValue();
        int n = readFully(head, 0, head.length);
        if (n == 0) {
            throw damaged("the file ends before its trailer: it is truncated", offset);
        }
        if (n < head.length) {
            throw damaged("the file ends inside a frame: it is truncated", frameStart);
        }
        int type = head[0] & 0xFF;
        long length = ByteBuffer.wrap(head, 1, 4).getInt() & 0xFFFF_FFFFL;
        if (length > DumpFormat.MAX_PAYLOAD) {
            throw damaged("frame length " + length + " is beyond the format's limit", frameStart);
        }
        readPayload((int) length);
        if (readFully(crcBytes, 0, 4) < 4) {
            throw truncatedFrame(length);
        }
        frameCrc.reset();
        frameCrc.update(head);
        frameCrc.update(payload, 0, payloadLength);
        if (ByteBuffer.wrap(crcBytes).getInt() != (int) frameCrc.getValue()) {
            throw damaged("checksum mismatch in a frame of type " + describe(type) + " and length " + length, frameStart);
        }
        return type;
    }

    /**
     * Reads a payload, growing the buffer only as bytes actually arrive, so that a damaged length field
     * cannot make the reader allocate more than the file holds.
     */
    private void readPayload(int length) {
        int have = 0;
        while (have < length) {
            if (have == payload.length) {
                payload = Arrays.copyOf(payload, (int) Math.min(length, Math.max(2L * payload.length, 1 << 16)));
            }
            int want = Math.min(payload.length, length) - have;
            int n = readFully(payload, have, want);
            have += n;
            if (n < want) {
                throw truncatedFrame(length);
            }
        }
        payloadLength = length;
    }

    /** Reads up to {@code len} bytes, fewer only at the end of the stream; feeds the file checksum. */
    private int readFully(byte[] b, int off, int len) {
        int total = 0;
        try {
            while (total < len) {
                int n = in.read(b, off + total, len - total);
                if (n < 0) {
                    break;
                }
                total += n;
            }
        } catch (IOException e) {
            throw io(e);
        }
        fileCrc.update(b, off, total);
        offset += total;
        return total;
    }

    private DumpException truncatedFrame(long length) {
        return damaged("the file ends inside a frame of " + length
                + " payload bytes: it is truncated, or the frame's length is damaged", frameStart);
    }

    private static String describe(int type) {
        return switch (type) {
            case DumpFormat.KEYSPACE -> "keyspace (0x01)";
            case DumpFormat.ENTRY -> "entry (0x02)";
            case DumpFormat.KEYSPACE_END -> "keyspace end (0x03)";
            case DumpFormat.TRAILER -> "trailer (0x04)";
            default -> "unknown frame type 0x" + String.format(java.util.Locale.ROOT, "%02x", type);
        };
    }

    private DumpException damaged(String what, long at) {
        return new DumpException(name + " is damaged: " + what + " (at byte " + at + ")");
    }

    private UncheckedIOException io(IOException e) {
        return new UncheckedIOException("reading " + name + ": " + e.getMessage(), e);
    }
}
