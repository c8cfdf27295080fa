package dev.plinth.lsm.internal.sstable;

import dev.plinth.CorruptionException;
import dev.plinth.io.MappedRegion;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.key.TombstoneIndex;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An open table file. The footer, index, filter and range deletes are read and checked when it opens;
 * data blocks are read, checked against their CRC32C, decompressed and parsed when first used, and kept
 * in the engine's {@link BlockCache} after that, a missed block read with a positional read. When the cache
 * says to map tables ({@link BlockCache#mapTables()}) the file is mapped read-only at open
 * ({@link MappedTable}): an uncompressed data block is then read where it lies in the mapping
 * ({@link InPlaceWalker}) by gets and by cursors in both directions, never copied into the cache, its CRC32C
 * checked on the mapped bytes at every use and its structure checked whole at its first use; a compressed one
 * is decompressed from the mapping into the cache. Thread-safe: positional reads, or absolute reads of the
 * mapping, only.
 * Reference-counted: whoever may still read it holds a reference; the last {@link #release()} unmaps the file
 * and closes it, and deletes it if the table was marked {@linkplain #markObsolete() obsolete}. Reading the
 * table without holding a reference is a bug that, for a mapped table, may crash the JVM.
 */
public final class TableReader {
    private final Vfs vfs;
    private final String name;
    private final long number;
    private final String where;
    private final VfsFile file;
    private final long size;
    /**
     * The mapped read path when the cache says to map tables and the file is under 2 GiB, else {@code null}
     * (positional reads). Closed (unmapped) by the last {@link #release()}.
     */
    private final MappedTable mapped;
    private final long entryCount;
    /**
     * The index's keys (the internal key of each data block's last entry), one after the other in one array:
     * block {@code i}'s from {@link #indexKeyStart}{@code (i)} to {@code indexKeyEnds[i]}. One array rather
     * than one per key, so that a get's binary search over the index reads each probed key where the probe
     * lands, without first loading a reference to it.
     */
    private final byte[] indexKeys;
    private final int[] indexKeyEnds;
    private final long[] indexSeqs;
    private final TableFormat.Handle[] blocks;
    private final BloomFilter filter;
    /** The footer's format version: {@link TableFormat#VERSION_UNCOMPRESSED} tables hold no compressed block. */
    private final int version;
    private final List<RangeTombstone> tombstones;
    /** {@link #tombstones} sorted for lookups by key. */
    private final TombstoneIndex tombstoneIndex;
    private final AtomicInteger refs = new AtomicInteger(1);
    /** {@link #first()}, once read. */
    private volatile Entry first;
    /** {@link #last()}, made at its first call (a cursor over a run of tables asks it at every open). */
    private volatile Entry last;
    private volatile boolean obsolete;
    private final BlockCache cache;
    /** This open table's part of the cache's keys. */
    private final long cacheOwner;

    private TableReader(Vfs vfs, String name, long number, VfsFile file, long size, MappedRegion region,
                        BlockCache cache) {
        this.cache = cache;
        this.cacheOwner = cache.newOwner();
        this.vfs = vfs;
        this.name = name;
        this.number = number;
        this.file = file;
        this.where = "table " + vfs.location(name);
        this.size = size;
        if (size < TableFormat.FOOTER_SIZE) {
            throw corrupt("is " + size + " bytes, shorter than its footer");
        }
        this.mapped = region == null ? null : new MappedTable(region, where);
        byte[] footer = read(size - TableFormat.FOOTER_SIZE, TableFormat.FOOTER_SIZE);
        ByteBuffer fb = TableFormat.le(footer);
        if (fb.getInt(TableFormat.FOOTER_SIZE - 4) != TableFormat.crc(footer, 0, TableFormat.FOOTER_SIZE - 4)) {
            throw corrupt("has a footer that fails its CRC32C at offset " + (size - TableFormat.FOOTER_SIZE));
        }
        if (Long.reverseBytes(fb.getLong(TableFormat.FOOTER_SIZE - 12)) != TableFormat.MAGIC) {
            throw corrupt("has no table magic number in its footer");
        }
        int version = fb.getInt(TableFormat.FOOTER_SIZE - 16);
        if (version != TableFormat.VERSION && version != TableFormat.VERSION_UNCOMPRESSED) {
            throw corrupt("says format version " + version + "; this code reads versions "
                    + TableFormat.VERSION_UNCOMPRESSED + " and " + TableFormat.VERSION);
        }
        this.version = version;
        TableFormat.Handle filterH = new TableFormat.Handle(fb.getLong(0), fb.getInt(8));
        TableFormat.Handle rdH = new TableFormat.Handle(fb.getLong(12), fb.getInt(20));
        TableFormat.Handle idxH = new TableFormat.Handle(fb.getLong(24), fb.getInt(32));
        this.entryCount = fb.getLong(36);
        try {
            this.filter = BloomFilter.parse(block(filterH, "filter"));
        } catch (IllegalArgumentException e) {
            throw corrupt("has a filter block at offset " + filterH.offset() + " that does not parse: " + e.getMessage());
        }
        this.tombstones = parseRangeDeletes(block(rdH, "range-delete"), rdH.offset());
        this.tombstoneIndex = TombstoneIndex.of(tombstones);
        List<BlockCodec.Item> idx;
        try {
            idx = BlockCodec.parse(block(idxH, "index"));
        } catch (IllegalArgumentException e) {
            throw corrupt("has an index block at offset " + idxH.offset() + " that does not parse: " + e.getMessage());
        }
        if (mapped != null) {
            mapped.blocks(idx.size());
        }
        int indexBytes = 0;
        for (BlockCodec.Item it : idx) {
            indexBytes += it.ikey().length;
        }
        indexKeys = new byte[indexBytes];
        indexKeyEnds = new int[idx.size()];
        indexSeqs = new long[idx.size()];
        blocks = new TableFormat.Handle[idx.size()];
        for (int i = 0; i < idx.size(); i++) {
            BlockCodec.Item it = idx.get(i);
            if (it.value().length != 12 || it.ikey().length < 4) {
                throw corrupt("has a malformed index entry " + i);
            }
            ByteBuffer h = TableFormat.le(it.value());
            blocks[i] = new TableFormat.Handle(h.getLong(0), h.getInt(8));
            if (blocks[i].offset() < 0 || blocks[i].size() < 0
                    || blocks[i].offset() + blocks[i].size() + TableFormat.BLOCK_TRAILER > size) {
                throw corrupt("has an index entry " + i + " pointing outside the file");
            }
            int at = i == 0 ? 0 : indexKeyEnds[i - 1];
            System.arraycopy(it.ikey(), 0, indexKeys, at, it.ikey().length);
            indexKeyEnds[i] = at + it.ikey().length;
            indexSeqs[i] = it.seq();
        }
    }

    /**
     * Opens a table and checks its footer, index, filter and range deletes.
     *
     * @param vfs the file system
     * @param number the table's file number
     * @return the reader, holding one reference for the caller
     * @throws CorruptionException naming the file and offset if any of those is damaged
     */
    public static TableReader open(Vfs vfs, long number) {
        return open(vfs, number, BlockCache.none());
    }

    /**
     * Opens a table whose data blocks are kept in a cache once read.
     *
     * @param vfs the file system
     * @param number the table's file number
     * @param cache the engine's block cache
     * @return the reader, holding one reference for the caller
     * @throws CorruptionException naming the file and offset if the footer, index, filter or range deletes
     *     are damaged
     */
    public static TableReader open(Vfs vfs, long number, BlockCache cache) {
        String name = TableFormat.tableName(number);
        VfsFile f = vfs.openRead(name);
        MappedRegion region = null;
        try {
            long size = f.size();
            if (cache.mapTables() && size <= Integer.MAX_VALUE) {
                region = f.map(0, (int) size);
            }
            return new TableReader(vfs, name, number, f, size, region, cache);
        } catch (RuntimeException | Error e) {
            if (region != null) {
                region.close();
            }
            f.close();
            throw e;
        }
    }

    private CorruptionException corrupt(String what) {
        return new CorruptionException(where + " " + what);
    }

    private byte[] read(long offset, int len) {
        if (mapped != null) {
            return mapped.read(offset, len); // every caller checked offset + len against the size
        }
        byte[] b = new byte[len];
        int n = file.read(offset, ByteBuffer.wrap(b));
        if (n != len) {
            throw corrupt("ends at " + (offset + n) + " inside a block that should run to " + (offset + len));
        }
        return b;
    }

    /**
     * A block's contents after its trailer's CRC32C was checked, decompressed if it was stored compressed; an
     * array of exactly its length.
     */
    private byte[] block(TableFormat.Handle h, String kind) {
        byte[] b = stored(h, kind);
        return b[h.size()] == TableFormat.LZ4_COMPRESSION ? decompress(b, h, kind) : Arrays.copyOf(b, h.size());
    }

    /**
     * A block as stored, its trailer included, after the trailer's compression type and CRC32C were checked.
     * The contents are the first {@code h.size()} bytes.
     */
    private byte[] stored(TableFormat.Handle h, String kind) {
        if (h.offset() < 0 || h.size() < 0 || h.offset() + h.size() + TableFormat.BLOCK_TRAILER > size) {
            throw corrupt("has a " + kind + " block handle pointing outside the file");
        }
        byte[] b = read(h.offset(), h.size() + TableFormat.BLOCK_TRAILER);
        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
        c.update(b, 0, h.size() + 1);
        byte type = b[h.size()];
        if (type != TableFormat.NO_COMPRESSION
                && (type != TableFormat.LZ4_COMPRESSION || version == TableFormat.VERSION_UNCOMPRESSED)) {
            throw corrupt("has a " + kind + " block at offset " + h.offset() + " with unknown compression type "
                    + type);
        }
        if ((int) c.getValue() != TableFormat.le(b).getInt(h.size() + 1)) {
            throw corrupt("has a " + kind + " block at offset " + h.offset() + " that fails its CRC32C");
        }
        return b;
    }

    /** The contents of a checked block stored compressed. */
    private byte[] decompress(byte[] stored, TableFormat.Handle h, String kind) {
        try {
            return BlockCompression.decompress(stored, h.size());
        } catch (IllegalArgumentException e) {
            throw corrupt("has a " + kind + " block at offset " + h.offset() + " that does not decompress: "
                    + e.getMessage());
        }
    }

    private List<RangeTombstone> parseRangeDeletes(byte[] b, long offset) {
        try {
            ByteBuffer buf = TableFormat.le(b);
            int n = buf.getInt();
            if (n < 0 || n > b.length) {
                throw new IllegalArgumentException("count " + n);
            }
            List<RangeTombstone> out = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                int ks = buf.getInt();
                long seq = buf.getLong();
                boolean reclaim = buf.get() != 0;
                out.add(new RangeTombstone(ks, bytes(buf), bytes(buf), seq, reclaim));
            }
            if (buf.hasRemaining()) {
                throw new IllegalArgumentException(buf.remaining() + " bytes after the last range delete");
            }
            return Collections.unmodifiableList(out);
        } catch (RuntimeException e) {
            throw corrupt("has a range-delete block at offset " + offset + " that does not parse: " + e);
        }
    }

    private static byte[] bytes(ByteBuffer buf) {
        int n = buf.getInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > buf.remaining()) {
            throw new IllegalArgumentException("length " + n);
        }
        byte[] b = new byte[n];
        buf.get(b);
        return b;
    }

    /** Data block {@code i}: from the cache, or read and checked. */
    DataBlock dataBlock(int i) {
        return cache.get(cacheOwner, i, () -> readDataBlock(i));
    }

    /** Data block {@code i}, read from the file and checked (every entry, and their order). */
    DataBlock readDataBlock(int i) {
        TableFormat.Handle h = blocks[i];
        byte[] b = stored(h, "data");
        try {
            // An uncompressed block is parsed in the array it was read into, its trailer left after it unread.
            return b[h.size()] == TableFormat.LZ4_COMPRESSION ? DataBlock.parse(decompress(b, h, "data"))
                    : DataBlock.parse(b, h.size());
        } catch (IllegalArgumentException e) {
            throw corrupt("has a data block at offset " + blocks[i].offset() + " that does not parse: " + e.getMessage());
        }
    }

    /**
     * Data block {@code i} of a mapped table as a checked view of the mapping ({@link MappedTable#block});
     * {@code null} if the table is not mapped or the block is read through the cache.
     */
    ByteBuffer inPlaceBlock(int i) {
        return mapped == null ? null : mapped.block(i, blocks[i], version);
    }

    /**
     * What a walk of block {@code i} throws when its read failed ({@link MappedTable#walkFailed}): only a table
     * read through a mapping can see bytes change under a walk or a fault of the mapping; on any other table,
     * and for an {@code InternalError} that is not the JVM's report of a fault under a mapping, the error is
     * a fault of this code and is thrown as it is, not reported as damaged data.
     */
    RuntimeException walkFailed(int i, Throwable e) {
        boolean underMapping = e instanceof InPlaceWalker.Damaged
                || mapped != null && (e instanceof IndexOutOfBoundsException || MappedTable.isMappingFault(e));
        if (!underMapping) {
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw (Error) e;
        }
        return MappedTable.walkFailed(where, blocks[Math.max(0, Math.min(i, blocks.length - 1))].offset(), e);
    }

    /** The first block whose last entry is at or after the position, or {@link #blockCount()}. */
    int firstBlockAtOrAfter(byte[] ikey, long seq) {
        int lo = 0;
        int hi = blocks.length;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            int c = Arrays.compareUnsigned(indexKeys, indexKeyStart(mid), indexKeyEnds[mid], ikey, 0, ikey.length);
            if (c == 0) {
                c = Long.compare(seq, indexSeqs[mid]);
            }
            if (c < 0) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Where block {@code i}'s index key starts in {@link #indexKeys}. */
    private int indexKeyStart(int i) {
        return i == 0 ? 0 : indexKeyEnds[i - 1];
    }

    /**
     * The newest version of a key at or below a sequence number.
     *
     * @param ks the keyspace id
     * @param key the key
     * @param maxSeq the newest sequence number to consider
     * @return the entry, or {@code null}
     */
    public Entry newest(int ks, byte[] key, long maxSeq) {
        if (blocks.length == 0) {
            return null;
        }
        byte[] ikey = TableFormat.internalKey(ks, key);
        // Outside the table's key range: no need to hash the key for the filter. Among tables written from
        // ascending keys this rules out all but one.
        int lastBlock = blocks.length - 1;
        if (Arrays.compareUnsigned(ikey, 0, ikey.length, indexKeys, indexKeyStart(lastBlock), indexKeyEnds[lastBlock]) > 0) {
            return null;
        }
        Entry f = first();
        if (f != null && (ks < f.keyspace() || (ks == f.keyspace() && Arrays.compareUnsigned(key, f.key()) < 0))) {
            return null;
        }
        if (!filter.mayContain(ikey)) {
            return null;
        }
        int i = firstBlockAtOrAfter(ikey, maxSeq);
        return i == blocks.length ? null : entryIn(i, key, ikey, maxSeq);
    }

    /**
     * One entry of data block {@code i}, read in place from the mapping where the block can be read so, else
     * through the cache: with {@code ikey}, the first entry at or after {@code (ikey, seq)} if its key is
     * {@code ikey} (made with {@code key}, the user key within it, rather than a copy); with {@code null}, the
     * block's first entry. {@code null} if there is none such.
     */
    private Entry entryIn(int i, byte[] key, byte[] ikey, long seq) {
        ByteBuffer view = inPlaceBlock(i);
        if (view == null) {
            return entryAt(dataBlock(i).walker(), key, ikey, seq);
        }
        try {
            // Keys near the one sought are about as long: room for it and a little more (grown if need be).
            InPlaceWalker w = ikey == null ? new InPlaceWalker() : new InPlaceWalker(ikey.length + 12);
            w.reset(view);
            return entryAt(w, key, ikey, seq);
        } catch (InternalError | InPlaceWalker.Damaged | IndexOutOfBoundsException e) {
            throw walkFailed(i, e);
        }
    }

    /** {@link #entryIn}'s walk, on a walker before the block's first entry. */
    private static Entry entryAt(BlockWalk w, byte[] key, byte[] ikey, long seq) {
        if (ikey == null) {
            w.next();
            return w.valid() ? w.entry() : null;
        }
        w.seek(ikey, seq);
        return w.valid() && w.keyEquals(ikey) ? w.entry(key) : null;
    }

    /**
     * Walks the entries of one keyspace, as {@code Memtable.iterator} does.
     *
     * @param ks the keyspace id
     * @param from forward: the first key at or after it; reverse: the last at or before it; {@code null} for
     *     the keyspace's edge
     * @param reverse the direction
     * @return the iterator, on its first entry
     */
    public EntryIterator iterator(int ks, byte[] from, boolean reverse) {
        return new TableIterator(this, ks, from, reverse);
    }

    /**
     * The table's first entry in {@link Entry#ORDER}, or {@code null} if it holds none. Reads its first data
     * block the first time (in place from a mapping, else through the cache), then remembers the entry.
     *
     * @return the entry
     * @throws dev.plinth.CorruptionException if that block is damaged
     */
    public Entry first() {
        Entry f = first;
        if (f == null && blocks.length > 0) {
            f = entryIn(0, null, null, 0);
            first = f;
        }
        return f;
    }

    /**
     * The position of the table's last entry in {@link Entry#ORDER} (keyspace, key and sequence number, no
     * value), from the index; {@code null} if it holds none.
     *
     * @return the position
     */
    public Entry last() {
        Entry l = last;
        if (l == null && blocks.length > 0) {
            int i = blocks.length - 1;
            byte[] ik = Arrays.copyOfRange(indexKeys, indexKeyStart(i), indexKeyEnds[i]);
            l = new Entry(TableFormat.keyspaceOf(ik), Arrays.copyOfRange(ik, TableFormat.KEYSPACE_BYTES, ik.length),
                    indexSeqs[i], (byte) 0, null);
            last = l;
        }
        return l;
    }

    /**
     * The table's range deletes.
     *
     * @return an unmodifiable list
     */
    public List<RangeTombstone> tombstones() {
        return tombstones;
    }

    /**
     * Whether one of the table's range deletes with a sequence number in {@code (after, upTo]} covers a key
     * (see {@link TombstoneIndex#covers}).
     *
     * @param ks the keyspace id
     * @param key the key
     * @param after only deletes newer than this count
     * @param upTo only deletes at or below this count
     * @param skipReclaims whether deletes that only reclaim expired entries are left out
     * @return {@code true} if one covers it
     */
    public boolean covers(int ks, byte[] key, long after, long upTo, boolean skipReclaims) {
        return tombstoneIndex.covers(ks, key, after, upTo, skipReclaims);
    }

    /**
     * Adds the table's range deletes of a keyspace at or below {@code upTo} that overlap {@code [lo, hi)}
     * to {@code out}.
     *
     * @param ks the keyspace id
     * @param lo the inclusive start, or {@code null}
     * @param hi the exclusive end, or {@code null}
     * @param upTo only deletes at or below this count
     * @param out where they go
     */
    public void overlapping(int ks, byte[] lo, byte[] hi, long upTo, List<RangeTombstone> out) {
        tombstoneIndex.overlapping(ks, lo, hi, upTo, out);
    }

    /**
     * The file number.
     *
     * @return the number
     */
    public long number() {
        return number;
    }

    /** The number of data blocks. */
    int blockCount() {
        return blocks.length;
    }

    /** Where data block {@code i} is stored (trailer excluded); for tests that damage one. */
    TableFormat.Handle blockHandle(int i) {
        return blocks[i];
    }

    /**
     * The file size.
     *
     * @return bytes
     */
    public long size() {
        return size;
    }

    /**
     * Every entry of the table in order, block by block, through the block cache (even a mapped table's blocks
     * that gets and cursors read in place); for tests (compaction reads with {@link TableScan}, around the cache).
     *
     * @return an iterator that checks each block as it reads it
     */
    public java.util.Iterator<Entry> all() {
        return new java.util.Iterator<>() {
            private int block = -1;
            private DataBlock.Walker w;

            @Override
            public boolean hasNext() {
                while ((w == null || w.index() + 1 >= w.block().size()) && block + 1 < blocks.length) {
                    DataBlock d = dataBlock(++block);
                    if (w == null) {
                        w = d.walker();
                    } else {
                        w.reset(d);
                    }
                }
                return w != null && w.index() + 1 < w.block().size();
            }

            @Override
            public Entry next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                w.next();
                return w.entry();
            }
        };
    }

    /**
     * Checks every block: checksums, parsing, key order inside blocks and across them, that each index
     * entry names its block's last key, and the entry count.
     *
     * @return every problem found, each a sentence naming the file
     */
    public List<String> verify() {
        List<String> problems = new ArrayList<>();
        Entry prev = null;
        long count = 0;
        for (int i = 0; i < blocks.length; i++) {
            DataBlock d;
            try {
                d = readDataBlock(i); // from the file, never the cache: verify checks what is at rest
            } catch (CorruptionException e) {
                problems.add(e.getMessage());
                prev = null;
                continue;
            }
            count += d.size();
            if (d.size() == 0) {
                problems.add(where + " has an empty data block at offset " + blocks[i].offset());
                continue;
            }
            DataBlock.Walker w = d.walker();
            w.next();
            Entry firstE = w.entry();
            if (prev != null && Entry.ORDER.compare(prev, firstE) >= 0) {
                problems.add(where + " has keys out of order across the data blocks at offsets "
                        + blocks[i - 1].offset() + " and " + blocks[i].offset());
            }
            w.moveTo(d.size() - 1);
            Entry lastE = w.entry();
            byte[] lastIkey = TableFormat.internalKey(lastE.keyspace(), lastE.key());
            if (!Arrays.equals(indexKeys, indexKeyStart(i), indexKeyEnds[i], lastIkey, 0, lastIkey.length)
                    || indexSeqs[i] != lastE.seq()) {
                problems.add(where + " has an index entry " + i + " that does not name the last key of its block");
            }
            prev = lastE;
        }
        if (problems.isEmpty() && count != entryCount) {
            problems.add(where + " holds " + count + " entries but its footer says " + entryCount);
        }
        return problems;
    }

    /**
     * Takes a reference.
     *
     * @return {@code false} if the table was already closed (no reference taken)
     */
    public boolean retain() {
        while (true) {
            int n = refs.get();
            if (n == 0) {
                return false;
            }
            if (refs.compareAndSet(n, n + 1)) {
                return true;
            }
        }
    }

    /**
     * Drops a reference; the last one unmaps the table, closes the file, and deletes it if the table is
     * obsolete.
     */
    public void release() {
        int n = refs.decrementAndGet();
        if (n > 0) {
            return;
        }
        if (n < 0) {
            refs.incrementAndGet();
            throw new IllegalStateException(this + " was released once more than it was retained");
        }
        cache.forget(cacheOwner, blocks.length);
        try {
            if (mapped != null) {
                mapped.close(); // no reader is left: each held a reference while it read
            }
        } finally {
            try {
                file.close();
            } finally {
                if (obsolete) {
                    deleteObsolete();
                }
            }
        }
    }

    /**
     * Releases one reference on each table, going on past a failure (a file that would not close), so that
     * one table's failure leaves no other table mapped or open; then throws the first failure, if any.
     *
     * @param tables the tables
     */
    public static void releaseAll(Iterable<TableReader> tables) {
        RuntimeException first = null;
        for (TableReader t : tables) {
            try {
                t.release();
            } catch (RuntimeException e) {
                if (first == null) {
                    first = e;
                } else {
                    first.addSuppressed(e);
                }
            }
        }
        if (first != null) {
            throw first;
        }
    }

    /**
     * Deletes the file of a table the manifest no longer names. A failure leaves the file for the next open,
     * which removes every table file the manifest does not name, and is logged rather than thrown: it comes
     * from whichever reader let go last (a cursor's close, a get), which has nothing to do with it, and
     * nothing written is at stake.
     */
    private void deleteObsolete() {
        try {
            vfs.delete(name);
        } catch (RuntimeException e) {
            System.getLogger(TableReader.class.getName()).log(System.Logger.Level.WARNING, "could not delete " + this
                    + ", which no level names any more; the next open of the store removes it: " + e.getMessage());
        }
    }

    /** Marks the table as no longer named by the manifest: its file goes with the last reference. */
    public void markObsolete() {
        obsolete = true;
    }

    @Override
    public String toString() {
        return where;
    }
}
