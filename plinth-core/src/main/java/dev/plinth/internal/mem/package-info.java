/**
 * The in-memory engine ({@code mem:}): real multi-version concurrency over lock-free skip lists.
 *
 * <h2>Data</h2>
 * Each keyspace ({@link dev.plinth.internal.mem.MemKeyspace}) is a
 * {@link java.util.concurrent.ConcurrentSkipListMap} from key to
 * {@link dev.plinth.internal.mem.VersionChain}, ordered by {@link java.util.Arrays#compareUnsigned}. A
 * chain lists the key's versions newest first: a sequence number and a value, or a tombstone. One global
 * sequence number, {@code lastCommitted}, orders every batch of every keyspace. Keys and values are
 * stored and returned as the core hands them over, without copying: the core never changes an array it
 * passed to the engine and treats arrays the engine returns as read-only.
 *
 * <h2>Writes</h2>
 * Batches are serialised by the engine's write lock, the only writer path. Under it a batch checks its
 * preconditions against the state at {@code lastCommitted} (stable, since nothing else writes or
 * reclaims), installs every mutation as a version at {@code lastCommitted + 1} (a second write of a key in
 * the batch replaces the first, so the last one wins), and only then publishes that sequence number. A
 * range delete puts tombstones on the keys present in its range at that moment. Readers at an older
 * sequence number skip the new versions, so a batch becomes visible all at once, across keyspaces.
 *
 * <h2>Reads</h2>
 * A reader at sequence number S sees, for each key, the newest version at or below S. Snapshots and
 * cursors register S in the {@link dev.plinth.internal.mem.SnapshotRegistry} (a cursor opened on the
 * engine registers its own until it is closed), which keeps every version they can see. A point read on
 * the engine does not register: it reads {@code lastCommitted} and then the key's chain. If the version
 * it needs was reclaimed meanwhile it meets {@link dev.plinth.internal.mem.VersionChain#PRUNED} and reads
 * again at a fresh {@code lastCommitted}: the reclaiming writer published a newer sequence number before
 * it wrote the marker, and the marker is read through a volatile field, so the fresh read sees it. If the
 * key's chain is missing or has nothing at or below S, the key was absent at some moment between the
 * start of the read and now (a chain leaves the map only as a tombstone that every registered reader and
 * the latest state see; a new chain is created at a moment the key is absent), which is a correct answer
 * for a read of the latest state.
 *
 * <h2>Reclamation</h2>
 * After publishing, the batch reclaims each chain it touched with {@code minActive}, the oldest
 * registered sequence number or {@code lastCommitted} if none is older: it keeps the versions above
 * {@code minActive} and the newest one at or below it, ends the chain there with {@code PRUNED}, and
 * removes the key from the map if only a tombstone at or below {@code minActive} is left. Chains that
 * still hold old versions or a tombstone wait in the {@link dev.plinth.internal.mem.Reclaimer}'s queue;
 * every batch retries a bounded number of them and {@code compact()} retries all. So memory follows the
 * live data plus what open snapshots can see, and no write walks the store.
 *
 * <h2>Locks</h2>
 * Two private locks, always taken in this order: the engine's write lock
 * ({@link dev.plinth.internal.mem.MemEngine}: batches, keyspace create and drop, compact, close), then
 * the snapshot registry's lock (snapshot and cursor registration, {@code minActive}). Reads take neither,
 * except that opening or closing a snapshot or an engine cursor takes the registry lock briefly.
 */
package dev.plinth.internal.mem;
