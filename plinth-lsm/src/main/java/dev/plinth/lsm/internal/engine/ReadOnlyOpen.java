package dev.plinth.lsm.internal.engine;

import dev.plinth.CorruptionException;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.sstable.BlockCache;
import dev.plinth.lsm.internal.sstable.TableFormat;
import dev.plinth.lsm.internal.sstable.TableReader;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Reads a store for a read-only open: the state {@code CURRENT} names, its tables, and the log after it. A
 * read-only open holds no lock, so a writer may move on in between, always writing a newer manifest (and
 * {@code CURRENT}) before it deletes what the older one needed: its compaction deletes tables, its flush log
 * segments, and a new manifest the old one. The open then meets a missing file, and reads {@code CURRENT} and the
 * manifest again, at most {@link #ATTEMPTS} times in all, keeping the tables it opened that the newer manifest
 * still names (a table file never changes) and releasing the others. Only these cases are retried, each only
 * while the writer has moved on since: a table the manifest names that does not exist, unless the manifest read
 * again still names it (the writer deletes a table only after a manifest without it is written, so a table
 * missing while the newest manifest names it is lost, and is reported at once); a log segment that failed to
 * open after a newer manifest moved the log's start past the one the open read; a manifest that is gone while
 * {@code CURRENT} names another one now. Any other failure (a damaged file, a missing {@code CURRENT}, a missing
 * manifest {@code CURRENT} still names) is thrown at once. The bound on attempts is there only for a writer that
 * deletes files faster than a reader opens them, every time. Stateless.
 */
final class ReadOnlyOpen {
    /**
     * How many times a read-only open reads the manifest, its tables and the log before it gives up, each time
     * after the writer moved on.
     */
    static final int ATTEMPTS = 100;

    /**
     * What a read-only open read, consistent with one manifest state.
     *
     * @param state the state the manifest holds
     * @param levels its tables, each holding one reference for the caller
     * @param replayed the log after the state
     */
    record Read(VersionState state, LevelSet levels, LogReplay replayed) {
    }

    private ReadOnlyOpen() {
    }

    /**
     * Reads the state {@code CURRENT} names, opens its tables and replays the log after it, reading again when a
     * writer deleted a file in between (see the class documentation).
     *
     * @param vfs the file system
     * @param uri the store, for messages
     * @param cache the engine's block cache
     * @return what was read; its tables hold one reference each for the caller
     * @throws CorruptionException if {@code CURRENT}, the manifest, a table or the log is damaged, or if a
     *     file the manifest names was missing on each of {@link #ATTEMPTS} attempts (naming the store and the
     *     file)
     * @throws StorageIOException if a file cannot be read for another reason
     */
    static Read open(Vfs vfs, String uri, BlockCache cache) {
        // Tables opened by earlier attempts, one reference each: a table file never changes, so an attempt
        // reuses those its manifest still names and opens only the new ones.
        Map<Long, TableReader> held = new HashMap<>();
        RuntimeException lastMissing = null;
        String missingFile = null;
        long missingTable = -1; // the table the previous attempt found missing
        try {
            for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
                long manifest = Manifest.current(vfs, uri);
                VersionState state;
                try {
                    state = Manifest.read(vfs, uri, manifest);
                } catch (CorruptionException | StorageIOException e) {
                    if (!manifestReplaced(vfs, uri, manifest)) {
                        throw e;
                    }
                    missingFile = "the manifest " + vfs.location(Manifest.manifestName(manifest)) + " that "
                            + Manifest.CURRENT + " named";
                    lastMissing = e;
                    continue;
                }
                List<TableReader> tables = new ArrayList<>();
                missingFile = null;
                for (long n : state.tables()) {
                    TableReader t = held.get(n);
                    if (t == null) {
                        String name = TableFormat.tableName(n);
                        try {
                            t = TableReader.open(vfs, n, cache);
                        } catch (StorageIOException e) {
                            if (vfs.exists(name)) {
                                throw e; // the table is there: not the race with a writer's compaction
                            }
                            if (n == missingTable) {
                                throw new CorruptionException("open " + uri + " read-only: the table "
                                        + vfs.location(name) + " that its manifest names is missing, and the manifest"
                                        + " read again still names it: the file was lost", e);
                            }
                            missingTable = n;
                            missingFile = "the table " + vfs.location(name) + " that its manifest names";
                            lastMissing = e;
                            break;
                        }
                        held.put(n, t);
                    }
                    tables.add(t);
                }
                if (missingFile != null) {
                    continue;
                }
                LevelSet levels = LevelSet.of(tables, state.levels(), "the manifest of " + uri);
                LogReplay replayed;
                try {
                    replayed = LogReplay.run(vfs, uri, state, true);
                } catch (StorageIOException e) {
                    if (!logMovedOn(vfs, uri, state)) {
                        throw e;
                    }
                    missingFile = "a log segment (from " + state.logNumber() + " on) that its manifest needs";
                    lastMissing = e;
                    continue;
                }
                for (long n : state.tables()) {
                    held.remove(n); // its reference passes to the caller
                }
                return new Read(state, levels, replayed);
            }
        } finally {
            TableReader.releaseAll(held.values());
        }
        throw new CorruptionException("open " + uri + " read-only: " + missingFile + " was missing on the last of "
                + ATTEMPTS + " attempts, each reading " + Manifest.CURRENT + " and the manifest again (a writer"
                + " deleting files faster than they can be opened, or a lost file)", lastMissing);
    }

    /**
     * Whether a manifest that failed to read is gone and {@code CURRENT} names another one now (a writer
     * started a new manifest and deleted the old one in between).
     */
    private static boolean manifestReplaced(Vfs vfs, String uri, long read) {
        try {
            return !vfs.exists(Manifest.manifestName(read)) && Manifest.current(vfs, uri) != read;
        } catch (RuntimeException e) {
            return false; // the failure to report is the one the reading met
        }
    }

    /** Whether the manifest now starts the log after the segment a state starts it at (the writer flushed). */
    private static boolean logMovedOn(Vfs vfs, String uri, VersionState read) {
        try {
            return Manifest.read(vfs, uri).logNumber() > read.logNumber();
        } catch (RuntimeException e) {
            return false; // the failure to report is the one the replay met
        }
    }
}
