package dev.plinth.raftlog.internal;

import dev.plinth.raftlog.LogEntry;
import java.lang.invoke.MethodHandles;
import java.util.Objects;

/**
 * The logs' way past {@link LogEntry}'s copies, for arrays that never leave the module: an entry made over a
 * payload array the log just filled and will never touch again ({@link #of}), and an entry's payload read in place
 * to be encoded ({@link #payloadOf}). The public API still copies in and out, so no caller ever holds an array an
 * entry or a log keeps using. {@link LogEntry} installs the factory when it is initialized; thread safe.
 */
public final class OwnedEntries {

    /** Made by {@link LogEntry} only. */
    public interface Factory {
        /** An entry that keeps {@code payload} itself, checked as the public constructor checks. */
        LogEntry create(long index, long term, byte[] payload);

        /** The entry's own payload array, not a copy. */
        byte[] payloadOf(LogEntry entry);
    }

    private static volatile Factory installed;

    private OwnedEntries() {
    }

    /**
     * Installs the factory; called once, by {@link LogEntry}'s class initializer.
     *
     * @throws IllegalStateException if one is installed already
     */
    public static synchronized void install(Factory factory) {
        if (installed != null) {
            throw new IllegalStateException("The log entry factory is installed already.");
        }
        installed = Objects.requireNonNull(factory, "factory");
    }

    /**
     * An entry over {@code payload} without copying it: the caller must hold the only reference to the array and
     * never write it again.
     *
     * @throws IllegalArgumentException as {@link LogEntry#LogEntry(long, long, byte[])}
     */
    public static LogEntry of(long index, long term, byte[] payload) {
        return Holder.FACTORY.create(index, term, payload);
    }

    /** The entry's own payload array, to be read (never written, never handed out). */
    public static byte[] payloadOf(LogEntry entry) {
        return Holder.FACTORY.payloadOf(entry);
    }

    /** The factory, read once {@link LogEntry} is initialized (which installs it). */
    private static final class Holder {
        static final Factory FACTORY;

        static {
            try {
                MethodHandles.lookup().ensureInitialized(LogEntry.class);
            } catch (IllegalAccessException e) {
                throw new ExceptionInInitializerError(e);
            }
            FACTORY = Objects.requireNonNull(installed, "LogEntry installed no factory");
        }
    }
}
