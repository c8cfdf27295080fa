package dev.plinth.lsm.internal.sstable;

import dev.plinth.CorruptionException;
import dev.plinth.StorageIOException;
import dev.plinth.io.MappedRegion;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32C;

/**
 * The mapped read path of one open table ({@code tableReads=mmap}): the file's {@link MappedRegion}, how each
 * data block is read from it, and what a failed read of mapped bytes becomes. An uncompressed data block whose
 * restart points an {@link InPlaceWalker} can search is read where it lies in the mapping: its CRC32C checked on
 * the mapped bytes at every use, its structure checked whole ({@link DataBlock#parse}, on a copy made that
 * once) at its first use, never copied into the heap or the block cache. Other blocks (compressed, or with
 * irregular restart points) are read through the cache, copied out of the mapping by {@link #read}.
 *
 * <p>Every use of a block takes its bytes through one {@link MappedRegion#bytes} call, which reads each of its
 * pages first: a page the disk cannot deliver, or that a truncation removed, is a
 * {@link StorageIOException} there, and the test kit's file systems apply their read faults and show damage
 * made at rest there, at each use. A page that fails later, while a reader walks it, reaches the reader as an
 * {@link InternalError}, which {@link #walkFailed} turns into a {@code StorageIOException} naming the table
 * and offset.
 *
 * <p>The region is unmapped by {@link #close()}, which the table calls when its last reference is released
 * ({@link TableReader#release()}): gets, cursors, snapshots and compactions each hold a reference while they
 * read, so no read of the mapping can follow the unmap. Thread-safe: the block forms are written without
 * synchronization (two readers that race on a block both check it and write the same value; a reader that sees
 * a stale {@link #UNCHECKED} only checks the block again).
 */
final class MappedTable implements AutoCloseable {
    /** A block not used yet. */
    private static final byte UNCHECKED = 0;
    /** A block stored uncompressed, its structure checked whole, with restart points an in-place walk searches. */
    private static final byte IN_PLACE = 1;
    /** A block stored compressed (or irregular): read through the block cache. */
    private static final byte THROUGH_CACHE = 2;

    private final MappedRegion region;
    private final String where;
    /** How each data block is read; sized by {@link #blocks} while the table opens, before it is shared. */
    private byte[] forms = new byte[0];

    /**
     * The mapped path of a table.
     *
     * @param region the whole file, mapped; this object closes it
     * @param where the table, for messages ("table" and its location)
     */
    MappedTable(MappedRegion region, String where) {
        this.region = region;
        this.where = where;
    }

    /** Sets the number of data blocks, once the index is read (while the table opens). */
    void blocks(int count) {
        forms = new byte[count];
    }

    /**
     * A copy of bytes of the file: the footer, index, filter and range deletes at open, a block read through
     * the cache. Every caller checked the range against the file's size.
     *
     * @throws StorageIOException naming the table and offset if a page cannot be read
     */
    byte[] read(long offset, int len) {
        byte[] b = new byte[len];
        try {
            region.bytes((int) offset, len).get(0, b);
        } catch (InternalError e) {
            throw mappingFailed(offset, e);
        }
        return b;
    }

    /**
     * Data block {@code i} as a view of the mapping (position 0 at its first byte, limit at its end,
     * little-endian) after its CRC32C was checked on the mapped bytes; its first use also checks its structure
     * whole. {@code null} if the block is read through the cache.
     *
     * @param i the block's index
     * @param h where it is stored (checked at open to lie inside the file with its trailer)
     * @param version the table's format version: {@link TableFormat#VERSION_UNCOMPRESSED} allows no LZ4 block
     * @throws CorruptionException naming the table and offset if the block is damaged
     * @throws StorageIOException naming the table and offset if the disk fails to deliver a page of it
     */
    ByteBuffer block(int i, TableFormat.Handle h, int version) {
        if (forms[i] == THROUGH_CACHE) {
            return null;
        }
        int off = (int) h.offset();
        int len = h.size();
        try {
            ByteBuffer view = region.bytes(off, len + TableFormat.BLOCK_TRAILER).order(ByteOrder.LITTLE_ENDIAN);
            byte type = view.get(len);
            if (type == TableFormat.LZ4_COMPRESSION && version != TableFormat.VERSION_UNCOMPRESSED) {
                forms[i] = THROUGH_CACHE;
                return null;
            }
            CRC32C c = new CRC32C();
            view.limit(len + 1);
            c.update(view); // on the mapped bytes: the intrinsic reads them where they lie
            view.clear();
            if ((int) c.getValue() != view.getInt(len + 1)) {
                throw corrupt("has a data block at offset " + off + " that fails its CRC32C");
            }
            if (type != TableFormat.NO_COMPRESSION) {
                throw corrupt("has a data block at offset " + off + " with unknown compression type " + type);
            }
            view.position(0).limit(len);
            if (forms[i] == UNCHECKED) {
                byte[] copy = new byte[len];
                view.get(0, copy);
                DataBlock parsed;
                try {
                    parsed = DataBlock.parse(copy);
                } catch (IllegalArgumentException e) {
                    throw corrupt("has a data block at offset " + off + " that does not parse: " + e.getMessage());
                }
                if (!parsed.restartsExact()) {
                    forms[i] = THROUGH_CACHE;
                    return null;
                }
                forms[i] = IN_PLACE;
            }
            return view;
        } catch (InternalError e) {
            throw mappingFailed(off, e);
        }
    }

    private CorruptionException corrupt(String what) {
        return new CorruptionException(where + " " + what);
    }

    /**
     * What a reader throws when reading a data block it walks where it lies failed: an {@link InternalError}
     * (how the JVM reports a page of a mapping that could not be read) becomes a {@link StorageIOException};
     * an entry that no longer fits its block ({@link InPlaceWalker.Damaged}, or a read outside the view) a
     * {@link CorruptionException}, since the block's bytes changed in the file after they were checked.
     *
     * @param where the table, for the message
     * @param offset the block's offset in the file
     * @param e what the read threw
     * @return the exception to throw, naming the table and offset, with {@code e} as its cause
     */
    /**
     * Whether an error is the JVM's report of a fault under a memory mapping (an {@code InternalError} whose
     * message speaks of an unsafe memory access), rather than an error of the code.
     */
    static boolean isMappingFault(Throwable e) {
        return e instanceof InternalError && e.getMessage() != null && e.getMessage().contains("unsafe memory access");
    }

    /**
     * A read of the mapping at an offset that failed: a fault under the mapping as {@link #walkFailed} reports
     * it; any other {@code InternalError} is thrown as it is.
     */
    private RuntimeException mappingFailed(long offset, InternalError e) {
        if (!isMappingFault(e)) {
            throw e;
        }
        return walkFailed(where, offset, e);
    }

    static RuntimeException walkFailed(String where, long offset, Throwable e) {
        if (e instanceof InternalError) {
            return new StorageIOException("reading " + where + " at offset " + offset + " through its memory mapping"
                    + " failed (the file was cut short under the mapping, or the disk failed): " + e.getMessage(), e);
        }
        return new CorruptionException(where + " has a data block at offset " + offset + " that changed in the file"
                + " after it was checked: " + e.getMessage(), e);
    }

    /** Unmaps the table: no reader may use a view of it afterwards. */
    @Override
    public void close() {
        region.close();
    }
}
