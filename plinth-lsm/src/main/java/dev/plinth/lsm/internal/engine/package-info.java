/**
 * The lsm engine itself: batches, reads, snapshots and cursors over the memtables and tables, flush,
 * leveled compaction, verify, and recovery at open. {@code LsmEngine} is the SPI's face, the write path and
 * the lifecycle (open, close); {@code ReadPath} holds what readers see (the current view, the published
 * sequence number, open snapshots); {@code TableMaintenance} writes sealed memtables to tables and records
 * flushes and compactions in the manifest, under the maintenance lock; {@code Compactor} picks
 * ({@code CompactionPicker}) and runs compactions in the background ({@code CompactionWriter}), and
 * {@code WriteThrottle} holds writers back while it is behind.
 *
 * <p>Lock order, outermost first:
 * <ol>
 *   <li>the compaction lock ({@code Compactor.lock}): one compaction at a time, background or full; held
 *       while the compaction reads and writes tables, with no other lock;</li>
 *   <li>the maintenance lock ({@code TableMaintenance.lock}): flush, compaction, verify, close; it
 *       guards the manifest and the file number counter;</li>
 *   <li>the write lock ({@code LsmEngine.writeLock}): batches, keyspace creation and drop, sealing a
 *       memtable, installing a new view; writers held back by a slow flush wait on its condition;</li>
 *   <li>the log's buffer lock ({@code WalWriter.bufferLock}), taken by {@code enqueue} under the write
 *       lock. The log's monitor ({@code WalWriter.monitor}) is never held together with another lock, and
 *       no lock is held while the log's leader does file I/O. The spare segment's lock
 *       ({@code SpareSegment.lock}) is taken with no other lock held, and never during file I/O;</li>
 *   <li>the snapshot table ({@code SnapshotTable}), a leaf; the write throttle's lock
 *       ({@code WriteThrottle.lock}), a leaf taken by writers before any other lock.</li>
 * </ol>
 * Reads take no lock: views and tables are reference-counted.
 */
package dev.plinth.lsm.internal.engine;
