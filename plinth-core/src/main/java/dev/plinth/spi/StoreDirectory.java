package dev.plinth.spi;

import dev.plinth.ForeignFilesException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.StorageIOException;
import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import java.util.function.Predicate;
import java.util.regex.Pattern;

/**
 * Decides, before an engine touches a directory, whether it holds the engine's store, may become one, or
 * must be refused because it holds something else: another engine's store (so a store opened with the
 * wrong scheme never creates a second store inside the first) or files that are no store at all. Engines
 * that keep a store in a directory call {@link #check} first in their open. Stateless and thread-safe.
 *
 * <p>Each engine describes its files with a {@link Signature}: the file whose presence proves a store
 * (RocksDB's {@code CURRENT}, LMDB's {@code data.mdb}) and the names of every file it may create, so that
 * the leftovers of a creation that was interrupted before the proof was written are recognised as its own.
 * The formats in {@link #WELL_KNOWN} are recognised by every engine, on the class path or not, so that the
 * refusal names what it found.
 */
public final class StoreDirectory {
    /** Entries ignored in every directory: what {@code mkfs} leaves at the root of a file system. */
    private static final List<String> IGNORED = List.of("lost+found");
    /** Files named in a refusal of a directory that holds no known store, at most. */
    static final int NAMED_FILES = 5;

    /**
     * What an engine's store directory holds.
     *
     * @param description what a store of this kind is called in messages, with an article ("a RocksDB store")
     * @param scheme the URI scheme that opens it, or {@code null} if no Plinth engine does
     * @param marker the name of the file that exists exactly when a store was created
     * @param ownFile matches the name of every file the engine may create in its directory
     */
    public record Signature(String description, String scheme, String marker, Predicate<String> ownFile) {
        /**
         * Checks the parts.
         *
         * @param description what a store of this kind is called in messages, with an article
         * @param scheme the URI scheme that opens it, or {@code null}
         * @param marker the file that proves a store
         * @param ownFile matches the names of the engine's files
         * @throws NullPointerException if {@code description}, {@code marker} or {@code ownFile} is null
         */
        public Signature {
            Objects.requireNonNull(description, "description");
            Objects.requireNonNull(marker, "marker");
            Objects.requireNonNull(ownFile, "ownFile");
        }

        /**
         * What a store of this kind is called without its article ("RocksDB store"), for "no ..." messages.
         *
         * @return the noun
         */
        public String noun() {
            return description.replaceFirst("^(a|an) ", "");
        }

        /**
         * A signature whose own files are those whose whole name matches a regular expression.
         *
         * @param description what a store of this kind is called, with an article
         * @param scheme the URI scheme that opens it, or {@code null}
         * @param marker the file that proves a store
         * @param ownFiles a regular expression for the names of the engine's files
         * @return the signature
         */
        public static Signature of(String description, String scheme, String marker, String ownFiles) {
            Pattern p = Pattern.compile(ownFiles);
            return new Signature(description, scheme, marker, name -> p.matcher(name).matches());
        }
    }

    /** A RocksDB database directory (and LevelDB's, which shares its file names). */
    public static final Signature ROCKSDB = Signature.of("a RocksDB store", "rocksdb", "CURRENT",
            "CURRENT|IDENTITY|LOCK|LOG(\\.old\\.\\d+)?|MANIFEST-\\d+|OPTIONS-\\d+|\\d+\\.(sst|log|blob|ldb)|.*\\.dbtmp");
    /** An LMDB environment directory. */
    public static final Signature LMDB = Signature.of("an LMDB environment", "lmdb", "data.mdb", "data\\.mdb|lock\\.mdb");
    /**
     * A directory of Plinth's own pure-Java engine ({@code plinth-lsm}). It holds a {@code CURRENT} file
     * too, which is RocksDB's marker, so its own marker {@code PLINTH-LSM} is what tells them apart.
     */
    public static final Signature LSM = Signature.of("a Plinth lsm store", "lsm", "PLINTH-LSM",
            "PLINTH-LSM|PLINTH-LSM\\.tmp|LOCK|CURRENT|CURRENT\\.tmp|MANIFEST-\\d{10}|wal-\\d{10}\\.log"
                    + "|table-\\d{10}\\.sst");
    /**
     * The formats every engine recognises and names when it refuses a directory, the most specific marker
     * first ({@link #LSM}'s directory also holds {@link #ROCKSDB}'s marker).
     */
    public static final List<Signature> WELL_KNOWN = List.of(LSM, ROCKSDB, LMDB);

    /** What {@link #check} found. */
    public enum State {
        /** The directory is missing or empty (or holds only an interrupted creation's leftovers). */
        NEW,
        /** The directory holds the engine's store. */
        EXISTING
    }

    private StoreDirectory() {
    }

    /**
     * Checks a directory for an engine, changing nothing.
     *
     * @param uri the store's URI, for messages
     * @param dir the directory
     * @param own the engine's signature
     * @param createIfMissing whether a new store may be made if there is none
     * @return {@link State#EXISTING} if the directory holds the engine's store; {@link State#NEW} if it is
     *     missing, empty, or holds only files the engine may create, and {@code createIfMissing} is true
     * @throws NoSuchStoreException if there is no store and {@code createIfMissing} is false
     * @throws ForeignFilesException if the directory holds another engine's store or files that are not
     *     the engine's (also when {@code createIfMissing} is false); or if the path is a file
     * @throws StorageIOException if the directory cannot be read
     */
    public static State check(String uri, Path dir, Signature own, boolean createIfMissing) {
        Objects.requireNonNull(own, "own");
        List<String> names = list(uri, dir);
        // Another format's marker that cannot be one of ours wins, even beside our own marker: an lsm
        // store's CURRENT must not pass for a RocksDB store.
        for (Signature other : WELL_KNOWN) {
            if (other != own && names.contains(other.marker()) && !own.ownFile().test(other.marker())) {
                throw foreign(uri, dir, own, other);
            }
        }
        if (names.contains(own.marker())) {
            return State.EXISTING;
        }
        List<String> strangers = new ArrayList<>();
        for (String n : names) {
            if (!own.ownFile().test(n)) {
                strangers.add(n);
            }
        }
        if (!strangers.isEmpty()) {
            for (Signature other : WELL_KNOWN) {
                if (other != own && names.contains(other.marker())) {
                    throw foreign(uri, dir, own, other);
                }
            }
            throw new ForeignFilesException("open " + uri + ": " + dir + " is not empty and holds no "
                    + own.noun() + " (it has " + describe(strangers)
                    + "); use an empty or new directory; nothing was changed");
        }
        if (!createIfMissing) {
            throw new NoSuchStoreException("open " + uri + ": no " + own.noun()
                    + " in " + dir + (Files.exists(dir) ? " (no " + own.marker() + ")" : " (the path does not exist)"));
        }
        return State.NEW;
    }

    private static ForeignFilesException foreign(String uri, Path dir, Signature own, Signature other) {
        return new ForeignFilesException("open " + uri + ": " + dir + " holds " + other.description()
                + " (it has " + other.marker() + "), not " + own.description()
                + (other.scheme() == null ? "" : "; open it with " + other.scheme() + ":" + dir)
                + "; nothing was changed");
    }

    private static String describe(List<String> names) {
        TreeSet<String> sorted = new TreeSet<>(names);
        StringBuilder b = new StringBuilder();
        int i = 0;
        for (String n : sorted) {
            if (i == NAMED_FILES) {
                b.append(" and ").append(sorted.size() - NAMED_FILES).append(" more");
                break;
            }
            b.append(i == 0 ? "" : ", ").append(n);
            i++;
        }
        return b.toString();
    }

    private static ForeignFilesException notADirectory(String uri, Path dir) {
        return new ForeignFilesException("open " + uri + ": " + dir + " is a file, not a directory; nothing was changed");
    }

    /** The names in {@code dir}, without the {@link #IGNORED} ones; empty if it does not exist. */
    private static List<String> list(String uri, Path dir) {
        List<String> names = new ArrayList<>();
        if (Files.exists(dir) && !Files.isDirectory(dir)) {
            throw notADirectory(uri, dir);
        }
        try (DirectoryStream<Path> entries = Files.newDirectoryStream(dir)) {
            for (Path e : entries) {
                String n = e.getFileName().toString();
                if (!IGNORED.contains(n)) {
                    names.add(n);
                }
            }
        } catch (NoSuchFileException e) {
            return names;
        } catch (NotDirectoryException e) {
            throw notADirectory(uri, dir); // became a file since the check above
        } catch (IOException | SecurityException e) {
            throw new StorageIOException("open " + uri + ": cannot list the directory " + dir + ": " + e, e);
        }
        return names;
    }
}
