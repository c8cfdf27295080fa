package dev.plinth.lsm.internal.sstable;

import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.RangeTombstone;
import java.io.ByteArrayOutputStream;
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
        try (TableBuilder b = new TableBuilder(vfs, number, compress)) {
            while (entries.hasNext()) {
                Entry e = entries.next();
                b.add(e.keyspace(), e.key(), e.seq(), e.kind(), e.value());
            }
            return b.finish(tombstones.get());
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
}
