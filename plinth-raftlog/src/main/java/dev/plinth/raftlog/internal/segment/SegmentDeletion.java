package dev.plinth.raftlog.internal.segment;

import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;

/**
 * Deletes the file of a dead segment (one no recovery needs) in steps, so that the log's own forces never wait behind
 * the freeing of a whole segment. On ext4 mounted with {@code discard}, an {@code unlink} of a 64 MiB segment held a
 * concurrent small force for 25 to 30 ms (the file system discards the freed blocks when it commits, and a force waits
 * for that commit); freed in forced steps of 1 MiB, the same bytes held it at most about 3 ms (docs/performance.md).
 *
 * <p>A segment larger than one step is first <em>retired</em>: renamed to {@link #PREFIX} followed by its name, and its
 * directory synced. Then it is truncated from its end in steps, each forced before the next, and unlinked once one
 * step or less is left: steps of {@code step} bytes, or larger while more dead segments wait ({@link Retired#freeStep}).
 * A segment of one step or of {@link SegmentWriter#FIRST_PREALLOCATION} or less is unlinked at once, and so are the
 * retired files an earlier run left ({@link #removeLeftovers}).
 *
 * <p>Crash safety: a retired file is never read as a segment (its name is not a segment's), and the log's open deletes
 * every retired file left ({@link #removeLeftovers}), whatever is left of it. The rename is durable before the first
 * truncation, so a crash never finds a cut segment under a segment's name (which the open would rightly report as a
 * segment cut short). Retiring a dead segment is, to recovery, the same as its deletion: its name is gone.
 *
 * <p>Stateless and thread safe; the caller makes sure no one else reads or writes the file (the log has dropped it).
 */
final class SegmentDeletion {
    /** The name prefix of a retired segment's file, being freed in steps. */
    static final String PREFIX = "deleting_";

    /** The step of a segment of the default size (64 MiB) and larger: see the class comment. */
    static final long STEP_BYTES = 1 << 20;
    /** The least: a log of small segments frees them in at most eight steps. */
    static final long MIN_STEP_BYTES = 16 << 10;

    private SegmentDeletion() {
    }

    /**
     * The step in which the segments of a log of {@code segmentBytes} are freed: an eighth of a segment, at least
     * {@link #MIN_STEP_BYTES} and at most {@link #STEP_BYTES}.
     */
    static long stepBytes(long segmentBytes) {
        return Math.max(MIN_STEP_BYTES, Math.min(STEP_BYTES, segmentBytes / 8));
    }

    /**
     * Deletes the files of segments retired by an earlier run, whole: called at open before the directory's segments
     * are listed, while no one appends.
     *
     * @param vfs   the file system
     * @param dir   the log's directory
     * @param names the directory's listing
     */
    static void removeLeftovers(Vfs vfs, String dir, java.util.List<String> names) {
        for (String n : names) {
            String base = n.substring(n.lastIndexOf('/') + 1);
            if (base.startsWith(PREFIX)) {
                vfs.delete(dir + "/" + base);
            }
        }
    }

    /**
     * Takes a dead segment out of the log's names: retires it (renamed, directory synced) when it is larger than one
     * step, or deletes it at once.
     *
     * @param vfs  the file system
     * @param dir  the log's directory
     * @param name the segment's file name in {@code dir}
     * @param step the bytes freed at a time
     * @return the retired file, to be freed with {@link Retired#freeStep}, or null when the segment was deleted at once
     */
    static Retired retire(Vfs vfs, String dir, String name, long step) {
        String path = dir + "/" + name;
        if (vfs.size(path) <= Math.max(step, SegmentWriter.FIRST_PREALLOCATION)) {
            vfs.delete(path);
            return null;
        }
        String retired = dir + "/" + PREFIX + name;
        vfs.rename(path, retired);
        vfs.syncDirectory(dir);
        return new Retired(vfs, retired);
    }

    /**
     * A retired segment's file, freed one step at a time from its end, each truncation forced before the next, then
     * deleted. Not thread safe: one task frees it.
     */
    static final class Retired implements AutoCloseable {
        private final Vfs vfs;
        private final String path;
        private VfsFile file;
        private long size = -1;

        private Retired(Vfs vfs, String path) {
            this.vfs = vfs;
            this.path = path;
        }

        /**
         * Frees one step: truncates {@code cut} bytes from the end and forces the truncation, or deletes the file when
         * {@code cut} bytes or less are left.
         *
         * @param cut the bytes to free now: the log's step, larger while more dead segments wait behind this one (so
         *            that segments dying faster than they are freed do not pile up on the disk)
         * @return whether the file is gone
         */
        boolean freeStep(long cut) {
            if (file == null) {
                file = vfs.openWrite(path);
                size = file.size();
            }
            if (size <= cut) {
                close();
                vfs.delete(path);
                return true;
            }
            size -= cut;
            file.truncate(size);
            file.force();
            return false;
        }

        /** Closes the file's handle, leaving what is left of it for the next open to delete. Idempotent. */
        @Override
        public void close() {
            if (file != null) {
                VfsFile f = file;
                file = null;
                f.close();
            }
        }
    }
}
