package dev.plinth.io;

import java.util.List;

/**
 * A directory tree of files: the seam through which an engine or a log does all its file access (in the
 * manner of LevelDB's {@code Env} and Lucene's {@code Directory}). The default is {@link NioVfs}; the test
 * kit supplies a strict in-memory one that can lose power and a wrapper that injects failures. Every
 * implementation is thread-safe: any method may be called from any thread at any time.
 *
 * <p>Files and directories are addressed by names relative to the root, described in {@link VfsNames};
 * a malformed name is an {@link IllegalArgumentException}, a null one a {@link NullPointerException}.
 * Methods that take a directory accept {@link VfsNames#ROOT} ({@code ""}) for the root.
 *
 * <p>Every I/O failure is a {@link dev.plinth.StorageIOException} (a full disk or quota its subclass
 * {@link dev.plinth.StorageFullException}) whose message names the operation and
 * {@link #location(String) the path}. What survives a crash is stated method by method and summed up in
 * the package documentation: in short, file contents are durable once {@link VfsFile#force()} returns,
 * and names (create, rename, delete, mkdirs) once {@link #syncDirectory(String)} of their directory
 * returns.
 *
 * <p>A {@code Vfs} itself holds no resources and is not closed; the {@link VfsFile}s and {@link VfsLock}s
 * it hands out are, by whoever opened them.
 */
public interface Vfs {
    /**
     * Where a name is, for messages: the real path for a file system on disk.
     *
     * @param name a name, or {@link VfsNames#ROOT}
     * @return a description of its location, such as {@code /var/lib/app/CURRENT}
     */
    String location(String name);

    /**
     * Creates a new, empty file and opens it for reading and writing. The name is durable only after
     * {@link #syncDirectory(String)} of its parent; before that a power loss may remove the file, even if
     * its contents were forced.
     *
     * @param name the file; its parent directory must exist
     * @return the open file, which the caller closes
     * @throws dev.plinth.StorageIOException if the name exists already (file or directory), the parent is
     *     missing, or the file cannot be created
     */
    VfsFile create(String name);

    /**
     * Opens an existing file for reading only.
     *
     * @param name the file
     * @return the open file, which the caller closes
     * @throws dev.plinth.StorageIOException if it does not exist, is a directory, or cannot be opened
     */
    VfsFile openRead(String name);

    /**
     * Opens an existing file for reading and writing, without changing it.
     *
     * @param name the file
     * @return the open file, which the caller closes
     * @throws dev.plinth.StorageIOException if it does not exist, is a directory, or cannot be opened
     */
    VfsFile openWrite(String name);

    /**
     * Whether a file or directory exists under this name now (whether or not the name is durable yet).
     *
     * @param name the name, or {@link VfsNames#ROOT}
     * @return whether it exists
     * @throws dev.plinth.StorageIOException if the file system cannot tell
     */
    boolean exists(String name);

    /**
     * Whether the name is an existing directory.
     *
     * @param name the name, or {@link VfsNames#ROOT}
     * @return {@code true} for a directory, {@code false} for a file or nothing
     * @throws dev.plinth.StorageIOException if the file system cannot tell
     */
    boolean isDirectory(String name);

    /**
     * The size of a file now, including bytes written but not yet forced.
     *
     * @param name the file
     * @return its size in bytes
     * @throws dev.plinth.StorageIOException if it does not exist or is a directory
     */
    long size(String name);

    /**
     * The entries of a directory.
     *
     * @param directory the directory, or {@link VfsNames#ROOT}
     * @return the names of its files and directories (last segments only), sorted by {@link String#compareTo}
     * @throws dev.plinth.StorageIOException if it does not exist, is not a directory or cannot be read
     */
    List<String> list(String directory);

    /**
     * Creates a directory and any missing parents; nothing happens if it exists. Each new directory is
     * durable only after {@link #syncDirectory(String)} of its parent.
     *
     * @param directory the directory, or {@link VfsNames#ROOT}
     * @throws dev.plinth.StorageIOException if a file is in the way or a directory cannot be made
     */
    void mkdirs(String directory);

    /**
     * Renames a file or directory within one directory, atomically replacing the target if it is a file.
     * Open handles to the source stay valid. The rename is durable only after
     * {@link #syncDirectory(String)} of the directory; a power loss before that leaves the source under its
     * old name and the target as it was, never anything in between.
     *
     * @param from the existing name
     * @param to the new name, in the same directory as {@code from}
     * @throws IllegalArgumentException if the two names are in different directories (only a rename
     *     within one directory has a crash behaviour every file system shares)
     * @throws dev.plinth.StorageIOException if {@code from} does not exist, {@code to} is a non-empty
     *     directory, or the rename fails
     */
    void rename(String from, String to);

    /**
     * Deletes a file or an empty directory. Open handles to a deleted file stay valid (on POSIX systems),
     * except that {@link NioVfs} cannot {@linkplain VfsFile#map map} a file that has no name.
     * The deletion is durable only after {@link #syncDirectory(String)} of the parent; a power loss before
     * that may bring the file back with its durable contents.
     *
     * @param name the name
     * @return whether something was deleted ({@code false} if nothing had the name)
     * @throws dev.plinth.StorageIOException if it is a non-empty directory or cannot be deleted
     */
    boolean delete(String name);

    /**
     * Takes an exclusive lock on a lock file, creating the file if needed; the lock is held until the
     * returned handle is closed (or the process ends). A second lock on the same file is refused whether it
     * is asked for in this JVM (through any {@code Vfs} on the same directory) or in another process. The
     * lock file is never deleted by the lock; it holds no data.
     *
     * @param name the lock file, conventionally {@code "LOCK"}
     * @return the held lock, which the caller closes
     * @throws dev.plinth.StorageIOException if the lock is held already (the message says by whom: this
     *     JVM or another process) or the file cannot be created or locked
     */
    VfsLock lock(String name);

    /**
     * Makes the names in a directory durable: every create, rename, delete and mkdirs done in it before
     * this call survives a power loss once it returns. It does not force the contents of the files.
     *
     * @param directory the directory, or {@link VfsNames#ROOT}
     * @throws dev.plinth.StorageIOException if it does not exist or the sync fails; after a failed sync the
     *     caller cannot know which names are durable
     */
    void syncDirectory(String directory);
}
