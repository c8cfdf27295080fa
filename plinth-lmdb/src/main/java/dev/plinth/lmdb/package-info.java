/**
 * The LMDB engine ({@code lmdb:/dir?...}) over {@code org.lmdbjava:lmdbjava}. Only
 * {@link dev.plinth.lmdb.LmdbEngineProvider} is public; users open stores by URI. User documentation,
 * parameters and the JVM flags lmdbjava needs: {@code docs/engines/lmdb.md}.
 *
 * <h2>Data</h2>
 * One LMDB environment per directory, opened with {@code MDB_NOTLS} so that read transactions belong to
 * no thread. Each keyspace, the default one included, is a named database ({@code MDB_CREATE} on
 * creation); the unnamed main database holds only their names, so the keyspaces are listed from it when
 * the store reopens. Keys sort by LMDB's default {@code memcmp} order, which is Plinth's unsigned
 * lexicographic order. Bytes cross the native boundary through lmdbjava's {@code ByteBuffer} proxy and
 * direct buffers the engine owns ({@link dev.plinth.lmdb.Buffers}); everything returned is copied out of
 * the map while its transaction is open. (lmdbjava 0.9.1's {@code byte[]} proxy is not used: it frees
 * native memory still in use by the call, lmdbjava #252.)
 *
 * <h2>Writes</h2>
 * Each batch is one write transaction under the engine's write lock: its preconditions are checked inside
 * the transaction (LMDB has a single writer, so the check and the apply are atomic), its mutations are
 * applied in order (later ones see earlier ones), and it commits or aborts as a whole. A range delete seeks
 * to its start ({@code MDB_SET_RANGE}) and deletes forward. When the map is full the transaction is
 * aborted, the write lock released, the map enlarged and the batch run again
 * ({@link dev.plinth.lmdb.LmdbMap}).
 *
 * <h2>Reads</h2>
 * A point read on the engine runs in a short read transaction, a pooled one renewed for the read. A snapshot is one read transaction held
 * until closed; an engine cursor holds its own ({@link dev.plinth.lmdb.ReadTxn}); both are pooled ones too,
 * renewed when opened and reset when closed. Cursors seek with
 * {@code MDB_SET_RANGE}, never walking from the first key ({@link dev.plinth.lmdb.LmdbCursor}). A snapshot
 * sees a keyspace created after it began as empty: each keyspace records the creation epoch, and the
 * snapshot the epoch at which its transaction began, both under the epoch lock.
 *
 * <h2>Durability</h2>
 * LMDB's sync flags belong to the environment, not the transaction. By default the environment uses
 * {@code MDB_NOMETASYNC}: each commit writes and {@code fdatasync}s its data pages and writes its meta page
 * without syncing it, so a power loss can undo at most the last commits but never damages the file (LMDB
 * keeps two meta pages and reuses no page the durable one refers to). {@code SYNC} batches then call
 * {@code mdb_env_sync}, which makes the meta page durable too; {@code NONE} and {@code PROCESS} batches
 * skip it, which is still more than they ask for (a killed process loses nothing: the data is in the OS).
 * With {@code noSync=true} the environment uses {@code MDB_NOSYNC}: nothing is synced until
 * {@link dev.plinth.spi.Engine#flush()}, and a power loss in between may corrupt the file, not just lose
 * writes, so that mode honours only {@code NONE} and {@code PROCESS}. In both modes a clean close syncs
 * what commits since the last sync left unsynced. {@link dev.plinth.lmdb.LmdbDurability} holds the mode,
 * makes the syncs and counts them.
 *
 * <h2>Errors</h2>
 * lmdbjava's exceptions are translated by LMDB result code ({@link dev.plinth.lmdb.LmdbErrors}). A failed
 * sync, {@code MDB_PANIC}, a failed remap or an I/O error in a write fail the engine: it refuses further
 * writes and says why. A full disk is a {@link dev.plinth.StorageFullException} that leaves it usable.
 *
 * <h2>Locks</h2>
 * From outermost to innermost; a thread holding one never waits for an earlier one:
 * <ol>
 *   <li>the engine's write lock: batches, keyspace creation and drop, close;
 *   <li>a read transaction's mutex ({@link dev.plinth.lmdb.ReadTxn}): every use of a snapshot's or engine
 *       cursor's transaction, and its cursors;
 *   <li>a keyspace's use stamp ({@link dev.plinth.lmdb.LmdbKeyspace}): read around each native call on its
 *       database handle, written by the drop that closes the handle;
 *   <li>the epoch lock: a snapshot's transaction start, and the commit of a keyspace creation;
 *   <li>the gate's lock ({@link dev.plinth.lmdb.TxnGate}): counts permits; the map is resized under it.
 * </ol>
 * Every native call that touches the map runs holding a gate permit, taken before any of locks 1 to 4 (a
 * snapshot's or cursor's permit is held for its whole life; a write takes its short permit before the write
 * lock). A new permit is waited for only while a resize is pending, and a thread that already holds a long
 * permit is let through; so no thread waits for a permit while holding a lock or a permit that the resize
 * waits for. A resize itself (waiting for every permit to be released) runs holding no permit and none of
 * locks 1 to 4: a write that finds the map full aborts, releases its permit and the write lock, grows the
 * map and runs again ({@link dev.plinth.lmdb.LmdbMap}). A thread queued for the write lock while holding a
 * snapshot or cursor thus gets its turn, and fails at once if it too needs the map to grow.
 *
 * <p>Close sets the closed flag (under the write lock, which it then releases), shuts the gate so that no
 * permit is granted any more, closes the snapshots and cursors left open (releasing their long permits),
 * and closes the environment once the short permits still held are released, under the gate's lock. So a
 * call that reached LMDB before the close (through the SPI, where no store drains calls first) finishes
 * before the environment goes.
 *
 * <p>Point reads ({@link dev.plinth.spi.EngineReader#get} on the engine), snapshots and engine cursors reuse
 * read transactions kept reset between reads ({@link dev.plinth.lmdb.ReaderPool}); a reset transaction pins
 * no page and holds no pointer into the map, so the map may be resized while it is idle.
 */
package dev.plinth.lmdb;
