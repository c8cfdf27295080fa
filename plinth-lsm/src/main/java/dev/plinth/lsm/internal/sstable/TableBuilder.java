package dev.plinth.lsm.internal.sstable;

import io.airlift.compress.lz4.Lz4Compressor;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.key.RangeTombstone;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * Writes one table file entry by entry, in {@link dev.plinth.lsm.internal.key.Entry#ORDER}, then its range
 * deletes, filter, index and footer, and forces it ({@link #finish}); the format is
 * {@link TableWriter}'s. Entries are given as an internal key and a value slice of the caller's arrays, which
 * are copied into the block being built, so the caller may reuse them after each {@link #add}. The block,
 * the compressed block and the chunk of file bytes are built in buffers kept for the whole table: adding an
 * entry allocates nothing once they have grown (one array of 12 bytes per data block for its index entry).
 * The caller makes the file's name durable (directory sync) and records it in the manifest. Not
 * thread-safe.
 */
public final class TableBuilder implements AutoCloseable {
    private final Vfs vfs;
    private final String name;
    private final long number;
    private final boolean compress;
    private final VfsFile file;
    private final BlockBuilder data = new BlockBuilder();
    private final BlockBuilder index = new BlockBuilder();
    private final CRC32C crc = new CRC32C();
    /** Keeps its hash table from block to block (lz4-java's pure Java compressors make one per call). */
    private final Lz4Compressor lz4 = new Lz4Compressor();
    private final byte[] handle = new byte[12];
    private final byte[] trailer = new byte[TableFormat.BLOCK_TRAILER];
    /** File bytes collected before they are appended: {@link TableWriter#WRITE_CHUNK}, or one bigger block. */
    private byte[] chunk = new byte[TableWriter.WRITE_CHUNK];
    private int chunkSize;
    private byte[] packed = new byte[0];
    private long position;
    private long[] hashes = new long[1024];
    private int nHashes;
    private long count;
    /** The last entry's internal key, sequence number, for the order check and the index. */
    private byte[] lastKey = new byte[64];
    private int lastKeyLength = -1;
    private long lastSeq;
    private boolean finished;

    /**
     * Creates the table file.
     *
     * @param vfs the file system
     * @param number the new file's number; the file must not exist
     * @param compress whether data blocks may be LZ4-compressed (format {@link TableFormat#VERSION}), else
     *     none is (format {@link TableFormat#VERSION_UNCOMPRESSED})
     */
    public TableBuilder(Vfs vfs, long number, boolean compress) {
        this.vfs = vfs;
        this.number = number;
        this.compress = compress;
        this.name = TableFormat.tableName(number);
        this.file = vfs.create(name);
    }

    /**
     * Adds an entry of a keyspace.
     *
     * @param ks the keyspace id
     * @param key the user key
     * @param seq the sequence number
     * @param kind the kind
     * @param value the value of a put, else {@code null}
     * @throws IllegalStateException if it does not come after the last entry added
     */
    public void add(int ks, byte[] key, long seq, byte kind, byte[] value) {
        int n = 4 + key.length;
        if (scratch.length < n) {
            scratch = new byte[Math.max(n, 2 * scratch.length)];
        }
        scratch[0] = (byte) (ks >>> 24);
        scratch[1] = (byte) (ks >>> 16);
        scratch[2] = (byte) (ks >>> 8);
        scratch[3] = (byte) ks;
        System.arraycopy(key, 0, scratch, 4, key.length);
        add(scratch, n, seq, kind, value, 0, value == null ? 0 : value.length);
    }

    private byte[] scratch = new byte[64];

    /**
     * Adds an entry by its internal key (keyspace id, 4 bytes big-endian, then the user key).
     *
     * @param ikey an array whose first {@code ikeyLength} bytes are the internal key
     * @param ikeyLength its length, at least 4
     * @param seq the sequence number
     * @param kind the kind
     * @param value the array holding the value, or {@code null} if {@code valueLength} is 0
     * @param valueOffset where the value starts in it
     * @param valueLength the value's length; 0 for an entry that is not a put
     * @throws IllegalStateException if it does not come after the last entry added
     */
    public void add(byte[] ikey, int ikeyLength, long seq, byte kind, byte[] value, int valueOffset,
                    int valueLength) {
        boolean newKey = true;
        if (lastKeyLength >= 0) {
            int c = Arrays.compareUnsigned(lastKey, 0, lastKeyLength, ikey, 0, ikeyLength);
            if (c > 0 || (c == 0 && lastSeq <= seq)) {
                throw new IllegalStateException("entries for " + vfs.location(name) + " are out of order: "
                        + describe(lastKey, lastKeyLength, lastSeq) + " then " + describe(ikey, ikeyLength, seq));
            }
            newKey = c != 0;
        }
        if (newKey) {
            if (nHashes == hashes.length) {
                hashes = Arrays.copyOf(hashes, hashes.length * 2);
            }
            hashes[nHashes++] = BloomFilter.hash(ikey, ikeyLength);
        }
        data.add(ikey, ikeyLength, seq, kind, value, valueOffset, valueLength);
        if (lastKey.length < ikeyLength) {
            lastKey = new byte[Math.max(ikeyLength, 2 * lastKey.length)];
        }
        System.arraycopy(ikey, 0, lastKey, 0, ikeyLength);
        lastKeyLength = ikeyLength;
        lastSeq = seq;
        count++;
        if (data.sizeEstimate() >= TableFormat.TARGET_BLOCK_SIZE) {
            endDataBlock();
        }
    }

    private static String describe(byte[] ikey, int length, long seq) {
        int ks = length < 4 ? -1 : ((ikey[0] & 0xFF) << 24) | ((ikey[1] & 0xFF) << 16) | ((ikey[2] & 0xFF) << 8)
                | (ikey[3] & 0xFF);
        return "Entry[ks " + ks + ", key " + Arrays.toString(Arrays.copyOfRange(ikey, Math.min(4, length), length))
                + ", seq " + seq + "]";
    }

    /** Entries added so far. */
    public long count() {
        return count;
    }

    private void endDataBlock() {
        int raw = data.finish();
        TableFormat.Handle h;
        int stored = -1;
        if (compress) {
            int max = BlockCompression.maxStoredLength(raw);
            if (packed.length < max) {
                packed = new byte[max];
            }
            stored = BlockCompression.compress(lz4, data.buffer(), raw, packed);
        }
        h = stored < 0 ? block(data.buffer(), raw, TableFormat.NO_COMPRESSION)
                : block(packed, stored, TableFormat.LZ4_COMPRESSION);
        data.reset();
        ByteBuffer hb = TableFormat.le(handle);
        hb.putLong(0, h.offset()).putInt(8, h.size());
        index.add(lastKey, lastKeyLength, lastSeq, (byte) 0, handle, 0, handle.length);
    }

    /**
     * Ends the table: the last data block, the range deletes, the filter, the index and the footer; forces
     * the file and closes it.
     *
     * @param tombstones the table's range deletes
     * @return what was written
     */
    public TableWriter.TableMeta finish(List<RangeTombstone> tombstones) {
        if (data.count() > 0) {
            endDataBlock();
        }
        byte[] rd = TableWriter.rangeDeletes(tombstones);
        TableFormat.Handle rangeDels = block(rd, rd.length, TableFormat.NO_COMPRESSION);
        byte[] bloom = BloomFilter.build(hashes, nHashes);
        TableFormat.Handle filter = block(bloom, bloom.length, TableFormat.NO_COMPRESSION);
        int idxLength = index.finish();
        TableFormat.Handle idx = block(index.buffer(), idxLength, TableFormat.NO_COMPRESSION);
        byte[] footer = new byte[TableFormat.FOOTER_SIZE];
        ByteBuffer fb = TableFormat.le(footer);
        fb.putLong(filter.offset()).putInt(filter.size());
        fb.putLong(rangeDels.offset()).putInt(rangeDels.size());
        fb.putLong(idx.offset()).putInt(idx.size());
        fb.putLong(count).putInt(compress ? TableFormat.VERSION : TableFormat.VERSION_UNCOMPRESSED)
                .putLong(Long.reverseBytes(TableFormat.MAGIC)); // reads as ASCII
        fb.putInt(TableFormat.crc(footer, 0, TableFormat.FOOTER_SIZE - 4));
        raw(footer, footer.length);
        flushChunk();
        file.force();
        finished = true;
        file.close();
        return new TableWriter.TableMeta(number, position, count);
    }

    /** Closes the file; a table not {@link #finish finished} is left as it is, unnamed. Idempotent. */
    @Override
    public void close() {
        if (!finished) {
            finished = true;
            file.close();
        }
    }

    private TableFormat.Handle block(byte[] contents, int length, byte type) {
        TableFormat.Handle h = new TableFormat.Handle(position, length);
        crc.reset();
        crc.update(contents, 0, length);
        crc.update(type);
        trailer[0] = type;
        int c = (int) crc.getValue();
        trailer[1] = (byte) c;
        trailer[2] = (byte) (c >>> 8);
        trailer[3] = (byte) (c >>> 16);
        trailer[4] = (byte) (c >>> 24);
        raw(contents, length);
        raw(trailer, trailer.length);
        return h;
    }

    private void raw(byte[] b, int length) {
        if (chunkSize + length > chunk.length) {
            flushChunk();
            if (length > chunk.length) {
                chunk = new byte[length];
            }
        }
        System.arraycopy(b, 0, chunk, chunkSize, length);
        chunkSize += length;
        position += length;
    }

    private void flushChunk() {
        if (chunkSize > 0) {
            file.append(ByteBuffer.wrap(chunk, 0, chunkSize));
            chunkSize = 0;
        }
    }
}
