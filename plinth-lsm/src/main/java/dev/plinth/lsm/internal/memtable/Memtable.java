package dev.plinth.lsm.internal.memtable;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.RangeTombstone;
import dev.plinth.lsm.internal.key.TombstoneIndex;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The newest versions of keys, in memory: every version of every key of every keyspace in
 * {@link Entry#ORDER} (an {@link EntrySkipList}), plus the range deletes. Thread-safe: reads take no lock and
 * never fail on concurrent change (they see an entry being added whole or not at all); the engine adds
 * entries under its write lock only (recovery from its one thread), and readers ignore entries newer than
 * the sequence number they read at, so an entry being added is invisible until the engine publishes it.
 */
public final class Memtable {
    /**
     * Bytes counted per entry besides its key and value: the heap an {@link EntrySkipList} entry takes with
     * compressed references (a 64-bit JVM's default below 32 GiB of heap), so that {@code memtableSize}, the
     * writer's stall at twice it and {@code lsm.memtableBytes} are the memtable's heap. The node is 40 bytes,
     * its array of links 24.5 on average (a quarter of the nodes go up a level), the {@link Entry} 40, and
     * the key's and the value's arrays 16 bytes of header each (plus up to 7 of padding, not counted):
     * 136.5. A scratch count of the heap after full collections gave 136.6 bytes per entry besides the
     * key's and value's bytes (1,000,000 entries of 16-byte keys with empty values; 140.6 with 100-byte
     * values, the padding included). Range deletes count the same.
     */
    static final int ENTRY_OVERHEAD = 136;
    /**
     * Range deletes added since the last time {@link #tombstoneIndex} was rebuilt that trigger the next
     * rebuild; until then lookups check them one by one.
     */
    static final int REINDEX_AFTER = 32;

    private final EntrySkipList entries = new EntrySkipList();
    private final CopyOnWriteArrayList<RangeTombstone> tombstones = new CopyOnWriteArrayList<>();
    /**
     * The first {@code size()} of {@link #tombstones}, sorted for lookups by key; replaced (under the
     * engine's write lock) once {@link #REINDEX_AFTER} more were added. Readers read it before the list,
     * so the list holds at least what it indexes.
     */
    private volatile TombstoneIndex tombstoneIndex = TombstoneIndex.EMPTY;
    private final AtomicLong bytes = new AtomicLong();

    /**
     * Adds a version. One caller at a time: the engine's write lock holder, or recovery's thread (checked
     * with assertions on, see {@link EntrySkipList#add}).
     *
     * @param e the entry
     */
    public void add(Entry e) {
        entries.add(e);
        bytes.addAndGet(ENTRY_OVERHEAD + e.key().length + (e.value() == null ? 0 : e.value().length));
    }

    /**
     * Adds a range delete. Call under the engine's write lock.
     *
     * @param t the range delete
     */
    public void add(RangeTombstone t) {
        tombstones.add(t);
        TombstoneIndex indexed = tombstoneIndex;
        int n = tombstones.size();
        if (n - indexed.size() >= REINDEX_AFTER) {
            tombstoneIndex = indexed.with(tombstones.subList(indexed.size(), n));
        }
        bytes.addAndGet(ENTRY_OVERHEAD + (t.start() == null ? 0 : t.start().length)
                + (t.end() == null ? 0 : t.end().length));
    }

    /**
     * The newest version of a key at or below a sequence number.
     *
     * @param ks the keyspace id
     * @param key the key
     * @param maxSeq the newest sequence number to consider
     * @return the entry, or {@code null} if none
     */
    public Entry newest(int ks, byte[] key, long maxSeq) {
        EntrySkipList.Node n = entries.ceiling(ks, key, maxSeq);
        Entry e = n == null ? null : n.entry;
        return e != null && e.keyspace() == ks && java.util.Arrays.equals(e.key(), key) ? e : null;
    }

    /**
     * Walks the entries of one keyspace.
     *
     * @param ks the keyspace id
     * @param from forward: start at the first key at or after it; reverse: at the last key at or before it;
     *     {@code null} for the keyspace's first (last) key
     * @param reverse {@code true} for the reverse of {@link Entry#ORDER}
     * @return the iterator, positioned on its first entry; it stops at the keyspace's edge
     */
    public EntryIterator iterator(int ks, byte[] from, boolean reverse) {
        return new EntryIterator() {
            /** The node {@link #current} is of, or {@code null} past the keyspace's edge. */
            private EntrySkipList.Node at;

            {
                seek(from);
            }

            @Override
            public void seek(byte[] target) {
                EntrySkipList.Node n;
                if (!reverse) {
                    n = entries.ceiling(ks, target == null ? new byte[0] : target, Long.MAX_VALUE);
                } else if (target == null) {
                    n = entries.lower(ks + 1, new byte[0], Long.MAX_VALUE);
                } else {
                    // Every version of the target comes before (target, Long.MIN_VALUE), which no entry has.
                    n = entries.lower(ks, target, Long.MIN_VALUE);
                }
                at = inKeyspace(n);
            }

            private EntrySkipList.Node inKeyspace(EntrySkipList.Node n) {
                return n != null && n.keyspace == ks ? n : null;
            }

            @Override
            public Entry current() {
                return at == null ? null : at.entry;
            }

            @Override
            public void next() {
                if (at != null) {
                    at = inKeyspace(reverse ? entries.before(at) : at.next(0));
                }
            }
        };
    }

    /**
     * Every entry, in {@link Entry#ORDER}; for writing the memtable out.
     *
     * @return the entries
     */
    public Iterator<Entry> all() {
        return entries.iterator();
    }

    /**
     * Whether a range delete with a sequence number in {@code (after, upTo]} covers a key (see
     * {@link TombstoneIndex#covers}): a binary search, plus at most {@link #REINDEX_AFTER} recent deletes
     * looked at one by one.
     *
     * @param ks the keyspace id
     * @param key the key
     * @param after only deletes newer than this count
     * @param upTo only deletes at or below this count
     * @param skipReclaims whether deletes that only reclaim expired entries are left out
     * @return {@code true} if one covers it
     */
    public boolean covers(int ks, byte[] key, long after, long upTo, boolean skipReclaims) {
        TombstoneIndex indexed = tombstoneIndex;
        if (indexed.covers(ks, key, after, upTo, skipReclaims)) {
            return true;
        }
        List<RangeTombstone> all = tombstones;
        for (int i = indexed.size(), n = all.size(); i < n; i++) {
            RangeTombstone t = all.get(i);
            if (t.seq() > after && t.seq() <= upTo && !(skipReclaims && t.reclaim()) && t.covers(ks, key)) {
                return true;
            }
        }
        return false;
    }

    /**
     * Adds the range deletes of a keyspace at or below {@code upTo} that overlap {@code [lo, hi)} to
     * {@code out}.
     *
     * @param ks the keyspace id
     * @param lo the inclusive start, or {@code null}
     * @param hi the exclusive end, or {@code null}
     * @param upTo only deletes at or below this count
     * @param out where they go
     */
    public void overlapping(int ks, byte[] lo, byte[] hi, long upTo, List<RangeTombstone> out) {
        TombstoneIndex indexed = tombstoneIndex;
        indexed.overlapping(ks, lo, hi, upTo, out);
        List<RangeTombstone> all = tombstones;
        for (int i = indexed.size(), n = all.size(); i < n; i++) {
            RangeTombstone t = all.get(i);
            if (t.seq() <= upTo && t.overlaps(ks, lo, hi)) {
                out.add(t);
            }
        }
    }

    /**
     * The range deletes, oldest first.
     *
     * @return an unmodifiable snapshot view
     */
    public List<RangeTombstone> tombstones() {
        return java.util.Collections.unmodifiableList(tombstones);
    }

    /**
     * A rough count of the bytes held.
     *
     * @return the estimate
     */
    public long approximateBytes() {
        return bytes.get();
    }

    /**
     * Whether nothing was added.
     *
     * @return {@code true} if empty
     */
    public boolean isEmpty() {
        return entries.isEmpty() && tombstones.isEmpty();
    }
}
