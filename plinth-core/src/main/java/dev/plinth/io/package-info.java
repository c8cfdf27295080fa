/**
 * The file seam: every file a Plinth engine or log writes goes through a {@link dev.plinth.io.Vfs}, so
 * that tests can swap the real file system for one that loses power, fails on purpose, fills up or
 * corrupts bytes (see {@code dev.plinth.testkit.io} in plinth-testkit).
 *
 * <ul>
 *   <li>{@link dev.plinth.io.Vfs}: a directory tree of files, addressed by relative names
 *       ({@link dev.plinth.io.VfsNames}); create, open, rename, delete, list, lock, directory sync.</li>
 *   <li>{@link dev.plinth.io.VfsFile}: an open file; positional read and write, append, preallocate,
 *       truncate, force, and a read-only mapping of a range.</li>
 *   <li>{@link dev.plinth.io.MappedRegion}: such a mapping (a memory mapping with {@code NioVfs}, positional
 *       reads otherwise), which hands out a range's bytes once per use and is unmapped when closed.</li>
 *   <li>{@link dev.plinth.io.VfsLock}: an exclusive lock on a lock file, held until closed.</li>
 *   <li>{@link dev.plinth.io.NioVfs}: the default implementation on {@link java.nio.channels.FileChannel}.</li>
 *   <li>{@link dev.plinth.io.StorageErrors}: the one translation of {@link java.io.IOException} into
 *       {@link dev.plinth.StorageIOException} and {@link dev.plinth.StorageFullException}.</li>
 * </ul>
 *
 * <p><b>Errors.</b> No method of the seam throws a checked exception. An I/O failure is a
 * {@link dev.plinth.StorageIOException} whose message names the operation and the path; no room left
 * (ENOSPC, a quota) is its subclass {@link dev.plinth.StorageFullException}. Misuse (a bad name, a write
 * on a handle opened for reading, any call on a closed handle) is an {@link IllegalArgumentException} or
 * {@link IllegalStateException}.
 *
 * <p><b>What survives a crash</b> (the rules every implementation keeps, and that the strict in-memory
 * file system of the test kit enforces):
 * <ul>
 *   <li>Bytes written to a file survive a process crash (they reached the operating system) but may be
 *       lost, wholly or in part, by a power loss until {@link dev.plinth.io.VfsFile#force()} returns.</li>
 *   <li>{@link dev.plinth.io.VfsFile#forceData()} makes durable the bytes inside the file's durable size
 *       (what the last {@code force()} saw, or what {@code preallocate} reserved and forced); growth of
 *       the file is durable only after {@code force()}. Preallocate, force once, then use
 *       {@code forceData()}: the write-ahead log pattern.</li>
 *   <li>A created, renamed or deleted name, and a directory made by {@code mkdirs}, is durable only after
 *       {@link dev.plinth.io.Vfs#syncDirectory(String)} of its parent directory returns. Until then a power
 *       loss may undo it: a new file vanishes (even if its contents were forced), a renamed file is found
 *       under its old name and a replaced target comes back as it was, a deleted file comes back.</li>
 *   <li>A rename within one directory is atomic: after any crash the target name holds either the old
 *       file or the new one, whole.</li>
 * </ul>
 * The durable replacement of a small file is therefore: create a temporary file, write, {@code force()},
 * close, {@link dev.plinth.io.Vfs#rename(String, String)} over the target, {@code syncDirectory} of the
 * parent.
 */
package dev.plinth.io;
