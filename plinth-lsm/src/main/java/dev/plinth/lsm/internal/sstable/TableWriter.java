package dev.plinth.lsm.internal.sstable;

import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.RangeTombstone;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;

/**
 * Writes one table file from entries in {@link Entry#ORDER} and a list of range deletes, then forces it.
 * The caller makes its name durable (directory sync) and records it in the manifest. Not thread-safe; one
 * writer per file.
 */
public final class TableWriter {
    /** Bytes collected before they are appended to the file. */
    static final int WRITE_CHUNK = 256 * 1024;

    /**
     * What was written.
     *
     * @param number the file number
     * @param size the file size in bytes
     * @param entries the number of entries
     */
    public record TableMeta(long number, long size, long entries) {
    }

    private TableWriter() {
    }

    /**
     * Writes a table.
     *
     * @param vfs the file system
     * @param number the new file's number; the file must not exist
     * @param entries the entries, in {@link Entry#ORDER}
     * @param tombstones the range deletes
     * @return what was written
     */
    public static TableMeta write(Vfs vfs, long number, Iterator<Entry> entries, List<RangeTombstone> tombstones) {
        return write(vfs, number, entries, tombstones, true);
    }

    /**
     * Writes a table, with its data blocks LZ4-compressed where that saves at least one part in
     * {@link BlockCompression#MIN_SAVING_DIVISOR} (format {@link TableFormat#VERSION}), or with none
     * compressed (format {@link TableFormat#VERSION_UNCOMPRESSED}, what the first version of this code wrote).
     *
     * @param vfs the file system
     * @param number the new file's number; the file must not exist
     * @param entries the entries, in {@link Entry#ORDER}
     * @param tombstones the range deletes
     * @param compress whether data blocks may be compressed
     * @return what was written
     */
    public static TableMeta write(Vfs vfs, long number, Iterator<Entry> entries, List<RangeTombstone> tombstones,
                                  boolean compress) {
        return write(vfs, number, entries, () -> tombstones, compress);
    }

    /**
     * As {@link #write(Vfs, long, Iterator, List, boolean)}, with the range deletes asked for once, after the
     * last entry was taken: for a compaction that splits its output and learns where this table ends only then.
     *
     * @param vfs the file system
     * @param number the new file's number; the file must not exist
     * @param entries the entries, in {@link Entry#ORDER}
     * @param tombstones the range deletes, asked for after the entries
     * @param compress whether data blocks may be compressed
     * @return what was written
     */
    public static TableMeta write(Vfs vfs, long number, Iterator<Entry> entries,
                                  java.util.function.Supplier<List<RangeTombstone>> tombstones, boolean compress) {
        String name = TableFormat.tableName(number);
        try (VfsFile f = vfs.create(name)) {
            Out out = new Out(f);
            BlockCodec data = new BlockCodec();
            BlockCodec index = new BlockCodec();
            long[] hashes = new long[1024];
            int nHashes = 0;
            long count = 0;
            Entry last = null;
            byte[] lastIkey = null;
            while (entries.hasNext()) {
                Entry e = entries.next();
                if (last != null && Entry.ORDER.compare(last, e) >= 0) {
                    throw new IllegalStateException("entries for " + vfs.location(name) + " are out of order: " + last
                            + " then " + e);
                }
                byte[] ikey = TableFormat.internalKey(e.keyspace(), e.key());
                if (last == null || !last.sameKey(e)) {
                    if (nHashes == hashes.length) {
                        hashes = Arrays.copyOf(hashes, hashes.length * 2);
                    }
                    hashes[nHashes++] = BloomFilter.hash(ikey);
                }
                data.add(ikey, e.seq(), e.kind(), e.value());
                last = e;
                lastIkey = ikey;
                count++;
                if (data.sizeEstimate() >= TableFormat.TARGET_BLOCK_SIZE) {
                    TableFormat.Handle h = out.dataBlock(data.finish(), compress);
                    index.add(lastIkey, last.seq(), (byte) 0, handle(h));
                    data = new BlockCodec();
                }
            }
            if (data.count() > 0) {
                TableFormat.Handle h = out.dataBlock(data.finish(), compress);
                index.add(lastIkey, last.seq(), (byte) 0, handle(h));
            }
            TableFormat.Handle rangeDels = out.block(rangeDeletes(tombstones.get()));
            TableFormat.Handle filter = out.block(BloomFilter.build(hashes, nHashes));
            TableFormat.Handle idx = out.block(index.finish());
            byte[] footer = new byte[TableFormat.FOOTER_SIZE];
            ByteBuffer fb = TableFormat.le(footer);
            fb.putLong(filter.offset()).putInt(filter.size());
            fb.putLong(rangeDels.offset()).putInt(rangeDels.size());
            fb.putLong(idx.offset()).putInt(idx.size());
            fb.putLong(count).putInt(compress ? TableFormat.VERSION : TableFormat.VERSION_UNCOMPRESSED).putLong(Long.reverseBytes(TableFormat.MAGIC)); // reads as ASCII
            fb.putInt(TableFormat.crc(footer, 0, TableFormat.FOOTER_SIZE - 4));
            out.raw(footer);
            out.flush();
            f.force();
            return new TableMeta(number, out.position, count);
        }
    }

    static byte[] handle(TableFormat.Handle h) {
        byte[] b = new byte[12];
        TableFormat.le(b).putLong(h.offset()).putInt(h.size());
        return b;
    }

    static byte[] rangeDeletes(List<RangeTombstone> tombstones) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        byte[] n = new byte[4];
        TableFormat.le(n).putInt(tombstones.size());
        out.write(n, 0, 4);
        for (RangeTombstone t : tombstones) {
            byte[] fixed = new byte[13];
            TableFormat.le(fixed).putInt(t.keyspace()).putLong(t.seq()).put((byte) (t.reclaim() ? 1 : 0));
            out.write(fixed, 0, fixed.length);
            bytes(out, t.start());
            bytes(out, t.end());
        }
        return out.toByteArray();
    }

    private static void bytes(ByteArrayOutputStream out, byte[] b) {
        byte[] len = new byte[4];
        TableFormat.le(len).putInt(b == null ? -1 : b.length);
        out.write(len, 0, 4);
        if (b != null) {
            out.write(b, 0, b.length);
        }
    }

    /** Buffers appends to the file and hands out block handles. */
    private static final class Out {
        private final VfsFile file;
        private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
        private long position;

        Out(VfsFile file) {
            this.file = file;
        }

        TableFormat.Handle dataBlock(byte[] raw, boolean compress) {
            byte[] packed = compress ? BlockCompression.compress(raw) : null;
            return packed == null ? block(raw, TableFormat.NO_COMPRESSION) : block(packed, TableFormat.LZ4_COMPRESSION);
        }

        TableFormat.Handle block(byte[] contents) {
            return block(contents, TableFormat.NO_COMPRESSION);
        }

        TableFormat.Handle block(byte[] contents, byte type) {
            TableFormat.Handle h = new TableFormat.Handle(position, contents.length);
            byte[] trailer = new byte[TableFormat.BLOCK_TRAILER];
            trailer[0] = type;
            java.util.zip.CRC32C c = new java.util.zip.CRC32C();
            c.update(contents);
            c.update(type);
            TableFormat.le(trailer).putInt(1, (int) c.getValue());
            raw(contents);
            raw(trailer);
            return h;
        }

        void raw(byte[] b) {
            buf.write(b, 0, b.length);
            position += b.length;
            if (buf.size() >= WRITE_CHUNK) {
                flush();
            }
        }

        void flush() {
            if (buf.size() > 0) {
                file.append(ByteBuffer.wrap(buf.toByteArray()));
                buf.reset();
            }
        }
    }
}
