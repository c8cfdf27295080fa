/**
 * The write-ahead log of the lsm engine: preallocated segments of 32 KiB blocks holding checksummed record
 * fragments ({@link dev.plinth.lsm.internal.wal.WalFormat}, {@code docs/format/wal.md}), group commit
 * ({@link dev.plinth.lsm.internal.wal.WalWriter}) with the next segment made ahead of need in the background
 * ({@code SpareSegment}), and recovery that cuts a torn tail and refuses damage in
 * the middle ({@link dev.plinth.lsm.internal.wal.WalRecovery}). All file access goes through
 * {@link dev.plinth.io.Vfs}. Depends on nothing else in the engine.
 */
package dev.plinth.lsm.internal.wal;
