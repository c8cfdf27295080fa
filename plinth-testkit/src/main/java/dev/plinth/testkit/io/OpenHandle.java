package dev.plinth.testkit.io;

/**
 * A file handle, lock or mapped region that a {@link FaultyVfs} handed out and that is not closed yet.
 *
 * @param kind what it is
 * @param name the file's name
 * @param openedAt a throwable whose stack trace is where it was opened
 */
public record OpenHandle(Kind kind, String name, Throwable openedAt) {
    /** What an open handle is. */
    public enum Kind {
        /** A {@link dev.plinth.io.VfsFile}. */
        FILE,
        /** A {@link dev.plinth.io.VfsLock}. */
        LOCK,
        /** A {@link dev.plinth.io.MappedRegion}: a mapping not closed is not unmapped. */
        MAPPING
    }

    @Override
    public String toString() {
        return kind.name().toLowerCase(java.util.Locale.ROOT) + " " + name;
    }
}
