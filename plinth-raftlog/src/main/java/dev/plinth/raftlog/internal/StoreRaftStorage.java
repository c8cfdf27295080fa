package dev.plinth.raftlog.internal;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.keys.KeyWriter;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogReader;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * {@link RaftStorage} on a Plinth {@link Store}.
 *
 * <p>Thread safe. Each group has a {@link GroupState} whose monitor serialises that group's calls and guards
 * its cached bounds; there is no lock across groups, so no lock order. Every change is one atomic
 * {@link WriteBatch}, written while the group's monitor is held, so a group's changes reach the store in the
 * order they were made and the cache is updated only after the store accepted the batch.
 *
 * <p>Formats (docs/format/raftlog.md): an entry is key {@code fixed64 group, fixed64 index} to value
 * {@code fixed64 term, payload}; a purge boundary is key {@code fixed64 group} to {@code fixed64 index,
 * fixed64 term}; a hard state is key {@code fixed64 group, 0x00} to {@code fixed64 term, fixed64 votedFor,
 * fixed64 commitIndex}; a meta value is key {@code fixed64 group, 0x01, UTF-8 key} to the value.
 */
public final class StoreRaftStorage implements RaftStorage {
    static final int TERM_BYTES = 8;
    static final int BOUND_BYTES = 16;
    static final int HARD_STATE_BYTES = 24;
    private static final byte HARD_STATE_TAG = 0;
    private static final byte META_TAG = 1;

    private final Store store;
    private final boolean ownsStore;
    private final Keyspace entries;
    private final Keyspace bounds;
    private final Keyspace meta;
    private final ConcurrentHashMap<Long, GroupState> groups = new ConcurrentHashMap<>();
    private final AtomicBoolean closed = new AtomicBoolean();

    /** One group's cached bounds; guarded by the object's own monitor. */
    private static final class GroupState {
        final long group;
        boolean loaded;
        long boundaryIndex;
        long boundaryTerm;
        long lastIndex;
        long lastTerm;

        GroupState(long group) {
            this.group = group;
        }
    }

    /**
     * Opens the storage, creating its keyspaces if absent.
     *
     * @param store     the store
     * @param ownsStore whether {@link #close()} closes the store
     */
    public StoreRaftStorage(Store store, boolean ownsStore) {
        this.store = Objects.requireNonNull(store, "store");
        this.ownsStore = ownsStore;
        this.entries = store.createKeyspace(RaftLogs.ENTRIES_KEYSPACE);
        this.bounds = store.createKeyspace(RaftLogs.BOUNDS_KEYSPACE);
        this.meta = store.createKeyspace(RaftLogs.META_KEYSPACE);
    }

    // ---- keys and values ------------------------------------------------------------------------------------

    static byte[] entryKey(long group, long index) {
        return new KeyWriter(16).writeFixedLong(group).writeFixedLong(index).toByteArray();
    }

    static byte[] groupKey(long group) {
        return new KeyWriter(8).writeFixedLong(group).toByteArray();
    }

    /** The first key past every entry of a group: the group's prefix successor. */
    private static byte[] groupEnd(long group) {
        return Range.prefixSuccessor(groupKey(group));
    }

    private static Range entriesFrom(long group, long fromInclusive) {
        return Range.of(entryKey(group, fromInclusive), groupEnd(group));
    }

    private static byte[] entryValue(LogEntry e) {
        byte[] payload = OwnedEntries.payloadOf(e);
        return ByteBuffer.allocate(TERM_BYTES + payload.length).putLong(e.term()).put(payload).array();
    }

    private static LogEntry decodeEntry(long group, long index, byte[] value) {
        ByteBuffer v = ByteBuffer.wrap(value);
        return entryOf(index, checkedTerm(group, index, v), v);
    }

    /**
     * The term of a stored entry's value, checked: at least {@link #TERM_BYTES} bytes, a term not negative.
     *
     * @param value the stored value from its position to its limit; neither is moved
     * @throws CorruptionException naming the group and index if the value cannot be an entry's
     */
    static long checkedTerm(long group, long index, ByteBuffer value) {
        if (value.remaining() < TERM_BYTES) {
            throw new CorruptionException("The stored entry at index " + index + " of group " + group + " has "
                    + value.remaining() + " bytes, fewer than the " + TERM_BYTES + " bytes of its term.");
        }
        long term = bigEndianLong(value, value.position());
        if (term < 0) {
            throw new CorruptionException("The stored entry at index " + index + " of group " + group
                    + " has the negative term " + term + ".");
        }
        return term;
    }

    /**
     * Reads the stored formats' longs, which are big-endian, whatever the byte order of the buffer: a cursor's lent
     * view promises nothing about its order ({@link Cursor#keyView()}). No object is made per call.
     */
    private static final VarHandle BIG_ENDIAN_LONG =
            MethodHandles.byteBufferViewVarHandle(long[].class, ByteOrder.BIG_ENDIAN);

    /** The big-endian long at {@code at} in {@code buffer}, whatever the buffer's byte order; nothing is moved. */
    static long bigEndianLong(ByteBuffer buffer, int at) {
        return (long) BIG_ENDIAN_LONG.get(buffer, at);
    }

    /** The payload bytes of a stored value that {@link #checkedTerm} accepted. */
    static int payloadSize(ByteBuffer value) {
        return value.remaining() - TERM_BYTES;
    }

    /**
     * The entry of a stored value that {@link #checkedTerm} accepted, its payload copied once out of the value (which
     * may be a view lent by a cursor) into the array the entry keeps.
     */
    static LogEntry entryOf(long index, long term, ByteBuffer value) {
        byte[] payload = new byte[payloadSize(value)];
        value.get(value.position() + TERM_BYTES, payload);
        return OwnedEntries.of(index, term, payload);
    }

    /** For {@link #keyIndex}: the key read should be the group's last entry's, whose index is not known yet. */
    static final long LAST_ENTRY = -1;

    /**
     * The index of a stored entry's key.
     *
     * @param expectedIndex the index the caller expects the key to hold, or {@link #LAST_ENTRY}; only for the message
     * @param key           the stored key from its position to its limit; neither is moved
     * @throws CorruptionException naming the group and the index expected if the key is not an entry key's 16 bytes
     */
    static long keyIndex(long group, long expectedIndex, ByteBuffer key) {
        if (key.remaining() != 16) {
            throw new CorruptionException("A stored entry key of group " + group + " has " + key.remaining()
                    + " bytes instead of 16, where " + (expectedIndex == LAST_ENTRY ? "its last entry"
                    : "the entry at index " + expectedIndex) + " was expected.");
        }
        return bigEndianLong(key, key.position() + 8);
    }

    private static byte[] metaKey(long group, String key) {
        Objects.requireNonNull(key, "key");
        byte[] k = key.getBytes(StandardCharsets.UTF_8);
        if (k.length == 0 || k.length > MAX_KEY_BYTES) {
            throw new IllegalArgumentException("A meta key must have 1 to " + MAX_KEY_BYTES
                    + " UTF-8 bytes, but '" + key + "' has " + k.length + ".");
        }
        return new KeyWriter(9 + k.length).writeFixedLong(group).writeRaw(new byte[] {META_TAG}).writeRaw(k)
                .toByteArray();
    }

    private static byte[] hardStateKey(long group) {
        return new KeyWriter(9).writeFixedLong(group).writeRaw(new byte[] {HARD_STATE_TAG}).toByteArray();
    }

    private static WriteOptions options(Durability durability) {
        return WriteOptions.durability(Objects.requireNonNull(durability, "durability"));
    }

    // ---- group state ----------------------------------------------------------------------------------------

    private void ensureOpen() {
        if (closed.get()) {
            throw new StoreClosedException("This Raft storage on " + store.uri() + " was closed.");
        }
    }

    /** The group's state, loaded from the store on first use; call with the group's monitor held. */
    private GroupState loadedLocked(GroupState g) {
        ensureOpen();
        if (!g.loaded) {
            byte[] b = bounds.get(groupKey(g.group));
            if (b == null) {
                g.boundaryIndex = 0;
                g.boundaryTerm = 0;
            } else if (b.length != BOUND_BYTES) {
                throw new CorruptionException("The stored purge boundary of group " + g.group + " has " + b.length
                        + " bytes instead of " + BOUND_BYTES + ".");
            } else {
                ByteBuffer bb = ByteBuffer.wrap(b);
                g.boundaryIndex = bb.getLong();
                g.boundaryTerm = bb.getLong();
            }
            g.lastIndex = g.boundaryIndex;
            g.lastTerm = g.boundaryTerm;
            try (Cursor c = entries.cursor(Range.prefix(groupKey(g.group)), ScanOptions.reverse().withLimit(1))) {
                if (c.next()) {
                    long index = keyIndex(g.group, LAST_ENTRY, c.keyView());
                    long term = checkedTerm(g.group, index, c.valueView());
                    if (index <= g.boundaryIndex) {
                        throw new CorruptionException("Group " + g.group + " stores an entry at index " + index
                                + ", at or below its purge boundary " + g.boundaryIndex + ".");
                    }
                    g.lastIndex = index;
                    g.lastTerm = term;
                }
            }
            g.loaded = true;
        }
        return g;
    }

    private GroupState group(long group) {
        ensureOpen();
        return groups.computeIfAbsent(group, GroupState::new);
    }

    private long termLocked(GroupState g, long index) {
        LogChecks.requireTermIndex(g.group, index, g.boundaryIndex + 1, g.lastIndex);
        if (index == g.boundaryIndex) {
            return g.boundaryTerm;
        }
        if (index == g.lastIndex) {
            return g.lastTerm;
        }
        // The term alone: read in place from the stored value, without copying the payload into an entry.
        return checkedTerm(g.group, index, ByteBuffer.wrap(storedValueLocked(g, index)));
    }

    private LogEntry readLocked(GroupState g, long index) {
        return decodeEntry(g.group, index, storedValueLocked(g, index));
    }

    /** The stored value of an entry the group's bounds say it holds; its absence is corruption. */
    private byte[] storedValueLocked(GroupState g, long index) {
        byte[] v = entries.get(entryKey(g.group, index));
        if (v == null) {
            throw new CorruptionException("Group " + g.group + " should hold an entry at index " + index
                    + " (its log spans " + (g.boundaryIndex + 1) + " to " + g.lastIndex + ") but the store has none.");
        }
        return v;
    }

    private void write(WriteBatch batch) {
        if (!batch.isEmpty() && !store.write(batch)) {
            throw new IllegalStateException("A Raft log batch without checks was refused by " + store.uri() + ".");
        }
    }

    // ---- LogStore -------------------------------------------------------------------------------------------

    @Override
    public void append(long group, List<LogEntry> list, Durability durability) {
        appendLocked(group, list, null, durability);
    }

    @Override
    public void appendWithHardState(long group, List<LogEntry> list, HardState state, Durability durability) {
        appendLocked(group, list, Objects.requireNonNull(state, "state"), durability);
    }

    /** Appends the entries and, if {@code state} is not null, the hard state in one batch. */
    private void appendLocked(long group, List<LogEntry> list, HardState state, Durability durability) {
        WriteOptions o = options(durability);
        GroupState g = group(group);
        synchronized (g) {
            loadedLocked(g);
            LogChecks.requireContinues(group, g.lastIndex + 1, g.lastTerm, list);
            if (list.isEmpty() && state == null) {
                return;
            }
            WriteBatch batch = new WriteBatch();
            for (LogEntry e : list) {
                batch.put(entries, entryKey(group, e.index()), entryValue(e), o);
            }
            if (state != null) {
                batch.put(meta, hardStateKey(group), hardStateValue(state), o);
            }
            write(batch);
            if (list.isEmpty()) {
                return;
            }
            LogEntry last = list.get(list.size() - 1);
            g.lastIndex = last.index();
            g.lastTerm = last.term();
        }
    }

    @Override
    public LogEntry entry(long group, long index) {
        GroupState g = group(group);
        synchronized (g) {
            loadedLocked(g);
            LogChecks.requireHeld(group, index, g.boundaryIndex + 1, g.lastIndex);
            return readLocked(g, index);
        }
    }

    @Override
    public LogReader entries(long group, long fromInclusive, long toExclusive, long maxBytes) {
        GroupState g = group(group);
        synchronized (g) {
            loadedLocked(g);
            LogChecks.requireReadRange(group, fromInclusive, toExclusive, maxBytes, g.boundaryIndex + 1, g.lastIndex);
            // The cursor's snapshot is taken here, under the monitor, so the reader yields what the log held now
            // (LogReader's promise), not what a truncate, replace or purge leaves before its first next().
            Cursor cursor = fromInclusive == toExclusive ? null : entryCursorLocked(group, fromInclusive, toExclusive);
            try {
                return new StoreLogReader(this, group, fromInclusive, toExclusive, maxBytes, cursor);
            } catch (RuntimeException | Error e) {
                if (cursor != null) {
                    cursor.close();
                }
                throw e;
            }
        }
    }

    /**
     * Opens the cursor behind a reader, limited to the number of indexes asked for (so that the store reads ahead
     * no further than the read can go); the reader checks that the indexes it sees are contiguous. Called with the
     * group's monitor held.
     */
    private Cursor entryCursorLocked(long group, long fromInclusive, long toExclusive) {
        return entries.cursor(Range.of(entryKey(group, fromInclusive), entryKey(group, toExclusive)),
                ScanOptions.forward().withLimit(toExclusive - fromInclusive));
    }

    boolean isClosedForReaders() {
        return closed.get();
    }

    /** The URI of the store, for readers' messages. */
    String storeUri() {
        return store.uri();
    }

    @Override
    public long termAt(long group, long index) {
        GroupState g = group(group);
        synchronized (g) {
            return termLocked(loadedLocked(g), index);
        }
    }

    @Override
    public long firstIndex(long group) {
        GroupState g = group(group);
        synchronized (g) {
            return loadedLocked(g).boundaryIndex + 1;
        }
    }

    @Override
    public long lastIndex(long group) {
        GroupState g = group(group);
        synchronized (g) {
            return loadedLocked(g).lastIndex;
        }
    }

    @Override
    public long purge(long group, long upToInclusive, Durability durability) {
        WriteOptions o = options(durability);
        GroupState g = group(group);
        synchronized (g) {
            loadedLocked(g);
            long target = Math.min(upToInclusive, g.lastIndex);
            if (target <= g.boundaryIndex) {
                return g.boundaryIndex;
            }
            long term = termLocked(g, target);
            WriteBatch batch = new WriteBatch()
                    .deleteRange(entries, Range.of(entryKey(group, g.boundaryIndex + 1), entryKey(group, target + 1)), o)
                    .put(bounds, groupKey(group), bound(target, term), o);
            write(batch);
            g.boundaryIndex = target;
            g.boundaryTerm = term;
            return target;
        }
    }

    private static byte[] bound(long index, long term) {
        return ByteBuffer.allocate(BOUND_BYTES).putLong(index).putLong(term).array();
    }

    @Override
    public void truncate(long group, long fromInclusive, Durability durability) {
        replaceFrom(group, fromInclusive, List.of(), durability, "truncate");
    }

    @Override
    public void replaceFrom(long group, long fromInclusive, List<LogEntry> list, Durability durability) {
        replaceFrom(group, fromInclusive, list, durability, "replace entries");
    }

    private void replaceFrom(long group, long fromInclusive, List<LogEntry> list, Durability durability, String op) {
        WriteOptions o = options(durability);
        Objects.requireNonNull(list, "entries");
        GroupState g = group(group);
        synchronized (g) {
            loadedLocked(g);
            LogChecks.requireSuffixStart(group, fromInclusive, g.boundaryIndex + 1, g.lastIndex, op);
            long prevTerm = termLocked(g, fromInclusive - 1);
            LogChecks.requireContinues(group, fromInclusive, prevTerm, list);
            if (list.isEmpty() && fromInclusive == g.lastIndex + 1) {
                return;
            }
            // One batch: the old suffix goes and the new one arrives together (never truncate-then-append).
            WriteBatch batch = new WriteBatch();
            if (fromInclusive <= g.lastIndex) {
                batch.deleteRange(entries, entriesFrom(group, fromInclusive), o);
            }
            for (LogEntry e : list) {
                batch.put(entries, entryKey(group, e.index()), entryValue(e), o);
            }
            write(batch);
            if (list.isEmpty()) {
                g.lastIndex = fromInclusive - 1;
                g.lastTerm = prevTerm;
            } else {
                LogEntry last = list.get(list.size() - 1);
                g.lastIndex = last.index();
                g.lastTerm = last.term();
            }
        }
    }

    @Override
    public void reset(long group, long boundaryIndex, long boundaryTerm, Durability durability) {
        LogChecks.requireResetArgs(boundaryIndex, boundaryTerm);
        WriteOptions o = options(durability);
        GroupState g = group(group);
        synchronized (g) {
            loadedLocked(g);
            WriteBatch batch = new WriteBatch()
                    .deleteRange(entries, Range.prefix(groupKey(group)), o)
                    .put(bounds, groupKey(group), bound(boundaryIndex, boundaryTerm), o);
            write(batch);
            g.boundaryIndex = boundaryIndex;
            g.boundaryTerm = boundaryTerm;
            g.lastIndex = boundaryIndex;
            g.lastTerm = boundaryTerm;
        }
    }

    @Override
    public void flush() {
        ensureOpen();
        store.flush();
    }

    // ---- MetaStore ------------------------------------------------------------------------------------------

    @Override
    public void saveHardState(long group, HardState state, Durability durability) {
        Objects.requireNonNull(state, "state");
        WriteOptions o = options(durability);
        ensureOpen();
        write(new WriteBatch().put(meta, hardStateKey(group), hardStateValue(state), o));
    }

    private static byte[] hardStateValue(HardState state) {
        return ByteBuffer.allocate(HARD_STATE_BYTES).putLong(state.term()).putLong(state.votedFor())
                .putLong(state.commitIndex()).array();
    }

    @Override
    public HardState loadHardState(long group) {
        ensureOpen();
        byte[] v = meta.get(hardStateKey(group));
        if (v == null) {
            return HardState.INITIAL;
        }
        if (v.length != HARD_STATE_BYTES) {
            throw new CorruptionException("The stored hard state of group " + group + " has " + v.length
                    + " bytes instead of " + HARD_STATE_BYTES + ".");
        }
        ByteBuffer b = ByteBuffer.wrap(v);
        try {
            return new HardState(b.getLong(), b.getLong(), b.getLong());
        } catch (IllegalArgumentException e) {
            throw new CorruptionException("The stored hard state of group " + group + " is impossible: "
                    + e.getMessage(), e);
        }
    }

    @Override
    public void put(long group, String key, byte[] value, Durability durability) {
        byte[] k = metaKey(group, key);
        Objects.requireNonNull(value, "value");
        WriteOptions o = options(durability);
        ensureOpen();
        write(new WriteBatch().put(meta, k, value, o));
    }

    @Override
    public byte[] get(long group, String key) {
        byte[] k = metaKey(group, key);
        ensureOpen();
        return meta.get(k);
    }

    @Override
    public boolean delete(long group, String key, Durability durability) {
        byte[] k = metaKey(group, key);
        WriteOptions o = options(durability);
        ensureOpen();
        // The check and the delete are one batch, so the answer is exact even with concurrent writers.
        for (;;) {
            byte[] old = meta.get(k);
            if (old == null) {
                return false;
            }
            if (store.write(new WriteBatch().requireEquals(meta, k, old).delete(meta, k, o))) {
                return true;
            }
        }
    }

    // ---- lifecycle ------------------------------------------------------------------------------------------

    @Override
    public void close() {
        if (closed.compareAndSet(false, true) && ownsStore) {
            store.close();
        }
    }

    @Override
    public boolean isClosed() {
        return closed.get();
    }

    @Override
    public String toString() {
        return "StoreRaftStorage[" + store.uri() + (closed.get() ? ", closed" : "") + "]";
    }
}
