package dev.plinth.lsm.internal.engine;

import dev.plinth.ConflictException;
import dev.plinth.CorruptionException;
import dev.plinth.StorageIOException;
import dev.plinth.io.Vfs;
import dev.plinth.lsm.internal.manifest.Manifest;
import dev.plinth.lsm.internal.manifest.VersionState;
import dev.plinth.lsm.internal.sstable.TableFormat;
import dev.plinth.lsm.internal.sstable.TableReader;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.lsm.internal.wal.WalReader;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/**
 * What {@link LsmEngine#verify()} checks in the files: the identity file; {@code CURRENT} and the manifest;
 * every live write-ahead log segment (every fragment's CRC32C up to the last valid record, no damage before
 * valid records, every record decodes); every table (every block, key order inside and across blocks, the
 * index, the entry count); and that the tables the manifest names are the table files present.
 *
 * <p>The log is written while verify reads it (a writable open's writers take no lock verify holds; a read-only
 * open's writer is another open), so a problem a segment shows is reported only if a second reading of the
 * segment shows it again at the same place: a record being written when the segment was read is complete at
 * the next reading. A read-only open ({@link #verifyReadOnly}) holds no lock either on the manifest and the
 * directory: see there. Stateless.
 */
final class StoreVerifier {
    /**
     * How many times a verify reads the manifest, the directory and the log (or a segment) again when a writer
     * changed it while it was read.
     */
    static final int ATTEMPTS = ReadOnlyOpen.ATTEMPTS;
    /** The longest pause between two readings of the manifest, the directory and the log of a read-only verify. */
    static final long MAX_PAUSE_MILLIS = 10;

    private StoreVerifier() {
    }

    /**
     * Checks the files of a writable open; the caller holds the engine's maintenance lock, so no table or
     * manifest comes or goes meanwhile (the log goes on being written).
     *
     * @param vfs the file system
     * @param uri the store, for messages
     * @param state the manifest's state
     * @param tables the open tables
     * @param pending the numbers of tables the manifest rightly does not name: being written by a compaction,
     *     or replaced by one but still read (left out of the comparison)
     * @return every problem found, each a sentence naming the file
     * @throws StorageIOException if a file the check needs (the identity file, a log segment) cannot be read
     */
    static List<String> verify(Vfs vfs, String uri, VersionState state, List<TableReader> tables, Set<Long> pending) {
        List<String> problems = new ArrayList<>();
        checkIdentity(vfs, uri, problems);
        problems.addAll(Manifest.check(vfs, uri));
        List<String> listing = vfs.list("");
        problems.addAll(checkLog(vfs, uri, listing, state.logNumber(), false).problems());
        Set<Long> present = tableNumbers(listing);
        present.removeAll(pending);
        compareTables("the manifest of " + uri, uri, state.tables(), present, true, problems);
        for (TableReader t : tables) {
            problems.addAll(t.verify());
        }
        return problems;
    }

    /**
     * Checks the files of a read-only open, beside which a writer (another process, or a writable open in this
     * one) may write, flush, compact and start new manifests while verify reads. The open's own view is
     * checked whole: every table it holds (read through its handles, so also a table the writer has retired
     * and deleted since). The rest is the store as it is now, read consistently: {@code CURRENT} and the
     * manifest, then the directory and the log from the manifest's first needed segment, then {@code CURRENT}
     * and the manifest again; only if the two readings of the manifest agree (no edit, no new manifest in
     * between) is what was read compared, else it is all read again after a short pause, at most
     * {@link #ATTEMPTS} times (pausing up to {@link #MAX_PAUSE_MILLIS} between attempts). Against
     * that one reading: the manifest's problems, the log's, and every table the manifest names that the
     * directory lacks (the writer deletes a table only after an edit that drops it, so that is a lost file). If
     * the manifest cannot be decoded ({@code CURRENT} missing or damaged, an edit that does not decode), the
     * open's view stands in for it: the log is checked from the view's first needed segment, and every table the
     * view names that the directory lacks is reported.
     * Table files the manifest does not name are reported only when nothing changed since the open (the same
     * manifest state and as many log records as the open replayed): beside a writer they are the outputs of
     * compactions being written and inputs its readers still use, which a lock-free reader cannot tell from a
     * crash's leftovers. Tables the writer wrote after the open are not read.
     *
     * @param vfs the file system
     * @param uri the store, for messages
     * @param viewState the manifest's state the open read
     * @param viewLogRecords how many log records the open replayed after that state
     * @param viewTables the open's tables
     * @return every problem found, each a sentence naming the file; if a writer changed the manifest during every
     *     attempt, also a sentence saying what was not checked, when something else was found damaged
     * @throws StorageIOException if the identity file cannot be read, or a log segment that is still there and
     *     that both readings of the manifest need
     * @throws ConflictException if a writer changed the manifest during every attempt and nothing was found
     *     damaged: the store could not be verified, which is not damage; verifying again may succeed
     */
    static List<String> verifyReadOnly(Vfs vfs, String uri, VersionState viewState, int viewLogRecords,
                                       List<TableReader> viewTables) {
        List<String> problems = new ArrayList<>();
        checkIdentity(vfs, uri, problems);
        for (TableReader t : viewTables) {
            problems.addAll(t.verify());
        }
        for (int attempt = 1; attempt <= ATTEMPTS; attempt++) {
            if (attempt > 1) {
                pause(uri, attempt);
            }
            Manifest.Reading before = Manifest.inspect(vfs, uri);
            // A manifest that cannot be decoded (CURRENT missing or damaged, an edit that fails to decode) names
            // nothing: the open's own view stands in for it, so that the log and the tables are still checked.
            boolean decoded = before.state() != null;
            VersionState state = decoded ? before.state() : viewState;
            List<String> listing = vfs.list("");
            LogCheck log = checkLog(vfs, uri, listing, state.logNumber(), true);
            if (!before.sameAs(Manifest.inspect(vfs, uri))) {
                continue; // the writer edited or replaced the manifest meanwhile: read it all again
            }
            if (log.failure() != null) {
                throw log.failure(); // a segment that is still there and that the store still needs, unreadable
            }
            problems.addAll(before.problems());
            problems.addAll(log.problems());
            boolean quiet = decoded && state.equals(viewState) && log.records() == viewLogRecords;
            compareTables(decoded ? "the manifest of " + uri : "the view the read-only open of " + uri + " read",
                    uri, state.tables(), tableNumbers(listing), quiet, problems);
            return problems;
        }
        String gaveUp = "verify of " + uri + " could not check " + Manifest.CURRENT + ", the manifest, the log and"
                + " the table files present: a writer kept changing the manifest, during each of " + ATTEMPTS
                + " readings of them; the store is not known to be damaged, verify again when the writer is less busy"
                + " (the tables of the read-only open were checked)";
        if (!problems.isEmpty()) {
            problems.add(gaveUp); // damage found in the open's own files is not lost for what could not be checked
            return problems;
        }
        throw new ConflictException(gaveUp);
    }

    /**
     * Waits before reading the manifest again for the {@code attempt}th time, so that a writer editing the manifest
     * faster than one reading does not use up all the attempts at once: 1 ms, doubling up to
     * {@link #MAX_PAUSE_MILLIS}, so at most {@link #ATTEMPTS} times that in all.
     */
    private static void pause(String uri, int attempt) {
        try {
            Thread.sleep(Math.min(MAX_PAUSE_MILLIS, 1L << Math.min(attempt - 2, 20)));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new ConflictException("verify of " + uri + " was interrupted while it waited for a writer to stop"
                    + " changing the manifest; the store is not known to be damaged, verify again", e);
        }
    }

    private static void checkIdentity(Vfs vfs, String uri, List<String> problems) {
        try {
            StoreFiles.checkIdentity(vfs, uri);
        } catch (CorruptionException e) {
            problems.add(e.getMessage());
        }
    }

    private static Set<Long> tableNumbers(List<String> listing) {
        TreeSet<Long> numbers = new TreeSet<>();
        for (String n : listing) {
            long t = TableFormat.tableNumber(n);
            if (t >= 0) {
                numbers.add(t);
            }
        }
        return numbers;
    }

    /**
     * Reports the tables {@code named} (by {@code namer}: the manifest, or the view of a read-only open) that are
     * not {@code present} and, if {@code extras}, those present that are not named.
     */
    private static void compareTables(String namer, String uri, List<Long> named, Set<Long> present, boolean extras,
                                      List<String> problems) {
        Set<Long> missing = new TreeSet<>(named);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
            problems.add(namer + " names tables " + missing + " that are missing from the directory of " + uri
                    + " (which holds " + present + ")");
        }
        Set<Long> unnamed = new TreeSet<>(present);
        unnamed.removeAll(named);
        if (extras && !unnamed.isEmpty()) {
            problems.add("the directory of " + uri + " holds tables " + unnamed + " that its manifest does not"
                    + " name (it names " + new TreeSet<>(named) + ")");
        }
    }

    /**
     * What the log held.
     *
     * @param problems every problem found
     * @param records how many valid records its segments hold
     * @param failure the first failure to read a segment that was still there, or {@code null}
     */
    private record LogCheck(List<String> problems, int records, StorageIOException failure) {
    }

    /**
     * Checks every segment of {@code listing} numbered {@code logNumber} or more. A segment that cannot be read
     * fails the check ({@link StorageIOException}) unless {@code besideWriter}: then, beside a writer that may
     * delete it after editing the manifest, a segment gone since the listing is skipped, and the failure to read
     * one still there is returned, for the caller to throw if its readings of the manifest agree.
     */
    private static LogCheck checkLog(Vfs vfs, String uri, List<String> listing, long logNumber,
                                     boolean besideWriter) {
        StorageIOException failure = null;
        List<String> problems = new ArrayList<>();
        TreeSet<Long> numbers = new TreeSet<>();
        for (String n : listing) {
            long number = WalFormat.segmentNumber(n);
            if (number >= logNumber) {
                numbers.add(number);
            }
        }
        long lastNumber = numbers.isEmpty() ? -1 : numbers.last();
        int records = 0;
        for (long number : numbers) {
            String name = WalFormat.segmentName(number);
            WalReader.Scan s;
            try {
                s = steadyScan(vfs, name, number, number == lastNumber);
            } catch (StorageIOException e) {
                StorageIOException unreadable = new StorageIOException("write-ahead log segment "
                        + vfs.location(name) + " of " + uri + " could not be read for verify: " + e.getMessage(), e);
                if (!besideWriter) {
                    throw unreadable; // the maintenance lock is held: no segment the manifest needs goes meanwhile
                }
                if (vfs.exists(name)) {
                    failure = failure == null ? unreadable : failure;
                }
                continue; // else the writer deleted it since the listing, after an edit that dropped it
            }
            if (isDamage(s, number == lastNumber)) {
                problems.add("write-ahead log segment " + vfs.location(s.name()) + " of " + uri + " is damaged at"
                        + " offset " + s.problemAt() + ": " + s.problem());
            }
            records += s.records().size();
            for (byte[] payload : s.records()) {
                try {
                    LogRecords.decode(payload, vfs.location(s.name()));
                } catch (CorruptionException e) {
                    problems.add(e.getMessage());
                }
            }
        }
        return new LogCheck(problems, records, failure);
    }

    /** Whether a segment's problem is damage: valid data after it, or it ends a segment that is not the last. */
    private static boolean isDamage(WalReader.Scan s, boolean last) {
        return s.ending() != WalReader.Ending.CLEAN && (s.validAfter() || !last);
    }

    /**
     * Scans a segment; if it shows damage, scans it again until two scans in a row agree on where its records end
     * and what follows them (at most {@link #ATTEMPTS} scans), so that a record the writer was writing as it was
     * read is not taken for damage.
     */
    private static WalReader.Scan steadyScan(Vfs vfs, String name, long number, boolean last) {
        WalReader.Scan s = WalReader.scan(vfs, name, number);
        for (int attempt = 1; attempt < ATTEMPTS && isDamage(s, last); attempt++) {
            WalReader.Scan again = WalReader.scan(vfs, name, number);
            if (again.ending() == s.ending() && again.problemAt() == s.problemAt() && again.end() == s.end()
                    && again.records().size() == s.records().size() && again.validAfter() == s.validAfter()) {
                return again;
            }
            s = again;
        }
        return s;
    }
}
