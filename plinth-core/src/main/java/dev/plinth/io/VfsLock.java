package dev.plinth.io;

/**
 * An exclusive lock on a lock file, from {@link Vfs#lock(String)}; held until {@link #close()} (or the end
 * of the process). Thread-safe. The holder closes it; {@link #close()} is idempotent and leaves the lock
 * file in place.
 */
public interface VfsLock extends AutoCloseable {
    /**
     * The lock file's name.
     *
     * @return the name, as given to the {@link Vfs}
     */
    String name();

    /**
     * Whether the lock is still held by this handle.
     *
     * @return {@code false} once closed
     */
    boolean isHeld();

    /** Releases the lock. Safe to call twice. */
    @Override
    void close();
}
