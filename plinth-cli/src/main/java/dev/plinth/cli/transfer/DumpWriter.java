package dev.plinth.cli.transfer;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * Writes a dump ({@link DumpFormat}): call {@link #beginKeyspace}, {@link #entry} for each entry in
 * ascending key order, {@link #endKeyspace}, for each keyspace in ascending name order, then
 * {@link #finish()}. The same contents always give the same bytes. Not thread-safe; does not close the
 * stream.
 */
public final class DumpWriter {
    private final OutputStream out;
    /** Every byte written so far: the trailer records it. */
    private final CRC32C fileCrc = new CRC32C();
    private final CRC32C frameCrc = new CRC32C();
    private final byte[] scratch = new byte[DumpFormat.TRAILER_SIZE];

    private String keyspace;
    private String lastKeyspace;
    private byte[] lastKey;
    private int keyspaces;
    private long sectionEntries;
    private long sectionKeyBytes;
    private long sectionValueBytes;
    private long entries;
    private long keyBytes;
    private long valueBytes;
    private boolean finished;

    /**
     * Writes the file header.
     *
     * @param out where the dump goes; buffer it
     * @throws IOException if writing fails
     */
    public DumpWriter(OutputStream out) throws IOException {
        this.out = out;
        ByteBuffer h = ByteBuffer.allocate(DumpFormat.HEADER_SIZE);
        h.put(DumpFormat.MAGIC).putShort((short) DumpFormat.VERSION).putShort((short) 0);
        CRC32C crc = new CRC32C();
        crc.update(h.array(), 0, 12);
        h.putInt((int) crc.getValue());
        write(h.array(), 0, DumpFormat.HEADER_SIZE);
    }

    /**
     * Starts a keyspace's section.
     *
     * @param name the keyspace's name, after the previous one's
     * @throws IOException if writing fails
     */
    public void beginKeyspace(String name) throws IOException {
        if (keyspace != null || finished) {
            throw new IllegalStateException("beginKeyspace inside a section or after finish");
        }
        if (!DumpFormat.KEYSPACE_NAME.matcher(name).matches()
                || (lastKeyspace != null && lastKeyspace.compareTo(name) >= 0)) {
            throw new IllegalArgumentException("keyspace '" + name + "' is malformed or out of order");
        }
        byte[] b = name.getBytes(StandardCharsets.US_ASCII);
        frame(DumpFormat.KEYSPACE, b.length, b, null, null);
        keyspace = name;
        lastKey = null;
        sectionEntries = 0;
        sectionKeyBytes = 0;
        sectionValueBytes = 0;
    }

    /**
     * Writes one entry of the current keyspace.
     *
     * @param key the key, after the previous one in unsigned order
     * @param value the value, possibly empty
     * @throws IOException if writing fails
     */
    public void entry(byte[] key, byte[] value) throws IOException {
        if (keyspace == null) {
            throw new IllegalStateException("entry outside a keyspace section");
        }
        if (key.length == 0 || (lastKey != null && Arrays.compareUnsigned(lastKey, key) >= 0)) {
            throw new IllegalArgumentException("key empty or out of order in keyspace '" + keyspace + "'");
        }
        long length = 4L + key.length + value.length;
        if (length > DumpFormat.MAX_PAYLOAD) {
            throw new IllegalArgumentException("entry of " + length + " bytes is too large for a dump");
        }
        ByteBuffer.wrap(scratch).putInt(key.length);
        frame(DumpFormat.ENTRY, (int) length, Arrays.copyOf(scratch, 4), key, value);
        lastKey = key;
        sectionEntries++;
        sectionKeyBytes += key.length;
        sectionValueBytes += value.length;
    }

    /**
     * Ends the current keyspace's section.
     *
     * @throws IOException if writing fails
     */
    public void endKeyspace() throws IOException {
        if (keyspace == null) {
            throw new IllegalStateException("endKeyspace outside a section");
        }
        byte[] p = ByteBuffer.allocate(DumpFormat.KEYSPACE_END_SIZE)
                .putLong(sectionEntries).putLong(sectionKeyBytes).putLong(sectionValueBytes).array();
        frame(DumpFormat.KEYSPACE_END, p.length, p, null, null);
        keyspaces++;
        entries += sectionEntries;
        keyBytes += sectionKeyBytes;
        valueBytes += sectionValueBytes;
        lastKeyspace = keyspace;
        keyspace = null;
    }

    /**
     * Writes the trailer and flushes the stream.
     *
     * @return what the dump holds
     * @throws IOException if writing fails
     */
    public DumpSummary finish() throws IOException {
        if (keyspace != null || finished) {
            throw new IllegalStateException("finish inside a section or twice");
        }
        byte[] p = ByteBuffer.allocate(DumpFormat.TRAILER_SIZE).putInt(keyspaces).putLong(entries)
                .putLong(keyBytes).putLong(valueBytes).putInt((int) fileCrc.getValue()).array();
        frame(DumpFormat.TRAILER, p.length, p, null, null);
        out.flush();
        finished = true;
        return new DumpSummary(keyspaces, entries, keyBytes, valueBytes);
    }

    /** Writes a frame whose payload is {@code a}, then {@code b} and {@code c} when not null. */
    private void frame(int type, int length, byte[] a, byte[] b, byte[] c) throws IOException {
        byte[] head = {(byte) type, (byte) (length >>> 24), (byte) (length >>> 16), (byte) (length >>> 8), (byte) length};
        frameCrc.reset();
        frameCrc.update(head);
        write(head, 0, head.length);
        for (byte[] part : new byte[][] {a, b, c}) {
            if (part != null) {
                frameCrc.update(part);
                write(part, 0, part.length);
            }
        }
        int crc = (int) frameCrc.getValue();
        write(new byte[] {(byte) (crc >>> 24), (byte) (crc >>> 16), (byte) (crc >>> 8), (byte) crc}, 0, 4);
    }

    private void write(byte[] b, int off, int len) throws IOException {
        out.write(b, off, len);
        fileCrc.update(b, off, len);
    }
}
