/**
 * The RocksDB engine ({@code rocksdb:/path?...}): Plinth's SPI over {@code org.rocksdb:rocksdbjni}. Open it by
 * URI; {@link dev.plinth.rocksdb.RocksDbEngineProvider} is the only entry point and
 * {@link dev.plinth.rocksdb.RocksDbOptions} lists the parameters. User documentation: docs/engines/rocksdb.md.
 *
 * <h2>Mapping</h2>
 * One RocksDB database per directory. Each keyspace is a column family ({@code default} is RocksDB's
 * default one); all of them are listed with {@code RocksDB.listColumnFamilies} and opened at start-up, so
 * keyspaces survive a restart. A snapshot is a RocksDB snapshot read through its own {@code ReadOptions}.
 * A cursor is a {@code RocksIterator} whose range is enforced by RocksDB through
 * {@code iterate_upper_bound} and, in reverse, {@code iterate_lower_bound} (a forward walk seeks to its start and
 * needs no lower bound); a cursor on the engine reads the implicit view
 * the iterator pins when it is created. A batch is one {@code WriteBatch}, atomic across column families, built in
 * Java in RocksDB's own representation and handed over in one JNI call
 * ({@link dev.plinth.rocksdb.RocksDbBatchBuilder}, {@link dev.plinth.rocksdb.RocksDbBatchEncoder}; a batch whose
 * encoding would be too large is built one JNI call per entry instead); RocksDB gives its entries consecutive
 * sequence numbers, so a later mutation of a batch sees earlier ones. A batch of one put or one delete without
 * preconditions (every {@code Store.put} and {@code Store.delete}) goes through RocksDB's {@code put} or
 * {@code delete} instead, which make that one-entry batch natively.
 *
 * <h2>Durability</h2>
 * Every write goes through the WAL. {@code NONE} and {@code PROCESS} write it without sync (the bytes reach
 * the OS before the call returns, so a killed process loses nothing); {@code SYNC} sets
 * {@code WriteOptions.sync}. The WAL is never disabled, not even for {@code NONE}: a WAL-less write followed
 * by a WAL write could leave a hole after a crash, breaking the "prefix with no hole" promise. Recovery uses
 * RocksDB's default point-in-time mode, which replays the WAL up to its first damaged record. The first
 * write-path I/O error or corruption is remembered, and every later write is refused with it (RocksDB
 * itself also stops writing after such a background error).
 *
 * <h2>Preconditions</h2>
 * The engine's {@code commitLock} is a read-write lock. A batch with preconditions, or with a range delete
 * whose end is unbounded, takes the write lock, checks its preconditions against the latest state with
 * {@code db.get} and iterators, and writes. Every other batch takes the read lock, so unconditional batches
 * run concurrently and share RocksDB's group commit, yet none can slip in between a conditional batch's
 * check and its write. An unbounded range delete is written as {@code [start, successor(last key))}, which
 * is exact only because nothing else writes meanwhile.
 *
 * <h2>Native objects</h2>
 * Nothing native is left to a finalizer. The engine owns its native settings
 * ({@link dev.plinth.rocksdb.RocksDbNativeOptions}: block cache, Bloom filter, statistics if enabled, column
 * family and database options, shared read, write and flush options), made before the database opens, and
 * the database. {@code close()} first drains the engine's guard and every keyspace's guard (below), then frees
 * open cursors (iterator, then its read options, then its bound slices), open snapshots, column family
 * handles, the database, and last the native settings, newest first. A {@code WriteBatch} lives only inside
 * one {@code apply} call. A column family handle or a snapshot is freed only after its
 * {@link dev.plinth.spi.CallGuard} is drained, so no native call can use a freed object; a dropped
 * keyspace's stale handle then throws {@link dev.plinth.NoSuchKeyspaceException}. A column family handle
 * is also reference-counted by the cursors open over it ({@link dev.plinth.rocksdb.RocksDbKeyspace}): a
 * cursor opened before a drop keeps reading the dropped column family, which RocksDB allows while the
 * handle lives, and the last cursor to close frees it. Every native object is
 * made through {@link dev.plinth.rocksdb.NativeTracker#track}, so a test can check that all were closed.
 *
 * <h2>Locks</h2>
 * In this order: the engine's guard (held by {@code snapshot}, {@code flush} and {@code stats}, which use the
 * database without a keyspace's guard or before taking one), a keyspace's guard (held by every call that
 * passes its handle to native code; for a batch, every keyspace it touches), a snapshot's guard, then
 * {@code commitLock}. {@code keyspaceLock} serialises keyspace creation and drop and the start of close, and
 * both creation and drop check for close again under it; it is never taken while holding a guard. Reads take
 * no lock.
 */
package dev.plinth.rocksdb;
