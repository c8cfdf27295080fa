/**
 * The lsm engine itself: batches, reads, snapshots and cursors over the memtable, recovery from the
 * write-ahead log.
 *
 * <p>Lock order, outermost first: the engine's write lock ({@code LsmEngine.writeLock}: batches, keyspace
 * creation and drop, close) → the log's buffer lock ({@code WalWriter.bufferLock}, taken by
 * {@code enqueue}) ; the log's monitor ({@code WalWriter.monitor}) is never held together with another lock,
 * and no lock is held while the log's leader does file I/O. The snapshot table ({@code LsmEngine.snapshots})
 * is a leaf lock. Reads take no lock.
 */
package dev.plinth.lsm.internal.engine;
