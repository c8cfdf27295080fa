package dev.plinth.raftlog.internal.segment;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import java.util.ArrayList;
import java.util.List;

/**
 * The files a group keeps beside its segments ({@code hardstate}, {@code meta}) and which of them its segments record
 * as saved (format version 5: a files record, restated by every later base record; docs/format/raftlog.md). A flag
 * is set only once its file's first save is durable and is never cleared, so a flagged file missing at open was lost.
 *
 * <p>Not thread safe: owned by one {@link SegmentedGroup} and used only under its monitor.
 */
final class SavedFiles {
    /** A file kept beside the segments, and its bit in a files record and a version 5 base record. */
    enum File {
        HARD_STATE(GroupFiles.HARD_STATE, 1, " (the group's term and vote would be forgotten)"),
        META(GroupFiles.META, 2, "");

        private final String fileName;
        private final int bit;
        /** What its loss means, for the message; empty if nothing more than the file. */
        private final String loss;

        File(String fileName, int bit, String loss) {
            this.fileName = fileName;
            this.bit = bit;
            this.loss = loss;
        }
    }

    /** Every bit a files record or a version 5 base record may carry. */
    private static final int ALL = File.HARD_STATE.bit | File.META.bit;

    private final Vfs vfs;
    private final long group;
    private final String dir;
    /** The bits of the files recorded as saved. */
    private int flags;

    SavedFiles(Vfs vfs, long group, String dir) {
        this.vfs = vfs;
        this.group = group;
        this.dir = dir;
    }

    /** Whether {@code flags}, read from a record, name only files that exist. */
    static boolean valid(int flags) {
        return (flags & ~ALL) == 0;
    }

    /** The path of {@code file}. */
    String path(File file) {
        return dir + "/" + file.fileName;
    }

    /** The flags recorded so far, as a base record states them. */
    int flags() {
        return flags;
    }

    boolean saved(File file) {
        return (flags & file.bit) != 0;
    }

    /** Replay: a files record's flags are added. */
    void addReplayed(int files) {
        flags |= files;
    }

    /** Replay: the first record replayed states the flags (a base record of a version before 5, none). */
    void setReplayed(int files) {
        flags = files;
    }

    /**
     * Marks {@code file} saved and returns the files record saying so; the caller appends and forces it (or begins a
     * segment whose base record states {@link #flags()}).
     */
    byte[] mark(File file) {
        flags |= file.bit;
        return new byte[] {GroupRecords.FILES, (byte) flags};
    }

    /**
     * At open, after the replay: a file the segments say was saved must be there (a missing one was lost: its first
     * save was durable before the record saying so); returns the files there that the segments do not name yet (a
     * first save cut off before its record, or a log written before version 5), to be recorded.
     *
     * @throws CorruptionException if a file recorded as saved is missing
     */
    List<File> checkAtOpen() {
        List<File> unnamed = new ArrayList<>();
        for (File file : File.values()) {
            boolean there = vfs.exists(path(file));
            if (saved(file) && !there) {
                throw new CorruptionException("Group " + group + " of the segmented Raft log at " + vfs.location(dir)
                        + " has lost its " + file.fileName + " file: its segments record that it was saved, and it is "
                        + "not there" + file.loss + ". It was deleted or lost by something other than the log; "
                        + "nothing was changed.");
            }
            if (!saved(file) && there) {
                unnamed.add(file);
            }
        }
        return unnamed;
    }
}
