package dev.plinth.cli.bench;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicLong;

/**
 * One URI under test and the stores the benchmark opens for it.
 *
 * <ul>
 *   <li>{@code mem:} (an engine that keeps nothing on disk) opens a new store each time.
 *   <li>A bare scheme such as {@code rocksdb:} gets a new temporary directory; every store of the run
 *       lives under it, and it is deleted at the end.
 *   <li>An explicit path, {@code rocksdb:/data/b}, must not exist or be an empty directory (a non-empty
 *       one is refused, so no one's data is ever touched); the shared loaded store lives there and is
 *       left for inspection. Stores the benchmark throws away live in a scratch directory beside it,
 *       deleted at the end.
 * </ul>
 * Query parameters ({@code lmdb:?mapSize=1g}) are kept on every store opened. Not thread-safe: used by
 * the coordinating thread.
 */
final class Target implements AutoCloseable {
    /** Schemes whose engines keep nothing on disk and ignore the location. */
    private static final java.util.Set<String> MEMORY_SCHEMES = java.util.Set.of("mem");

    private final String spec;
    private final String label;
    private final String scheme;
    private final String query;
    private final Path explicit;
    private final DurabilityChoice durability;
    /** The level every store of this target is opened with, once the first open settled it. */
    private Durability resolved;
    private Path scratch;
    private final AtomicLong counter = new AtomicLong();

    /**
     * Parses a URI and checks its location, creating nothing yet.
     *
     * @param spec the URI as given on the command line
     * @param label the name of the target in reports: the URI, made unique if given twice
     * @param durability how to choose the stores' default durability
     * @throws IllegalArgumentException if the URI is malformed, names a remote location, or names a
     *     non-empty directory or a file
     */
    Target(String spec, String label, DurabilityChoice durability) {
        this.spec = spec;
        this.label = label;
        this.durability = durability;
        int colon = spec.indexOf(':');
        if (colon <= 0) {
            throw new IllegalArgumentException("malformed store URI '" + spec + "': expected scheme:[path], such as "
                    + "mem: or rocksdb:/tmp/bench; schemes on the class path: " + Plinth.schemes());
        }
        this.scheme = spec.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!Plinth.schemes().contains(scheme)) {
            throw new IllegalArgumentException("unknown engine scheme '" + scheme + "' in '" + spec
                    + "'; schemes on the class path: " + Plinth.schemes());
        }
        String rest = spec.substring(colon + 1);
        int q = rest.indexOf('?');
        String location = q < 0 ? rest : rest.substring(0, q);
        this.query = q < 0 ? "" : rest.substring(q);
        if (MEMORY_SCHEMES.contains(scheme) || location.isEmpty()) {
            this.explicit = null;
        } else if (location.startsWith("//")) {
            throw new IllegalArgumentException("plinth bench runs local engines only; '" + spec
                    + "' names a remote location");
        } else {
            this.explicit = Paths.get(location).toAbsolutePath().normalize();
            if (Files.exists(explicit) && (!Files.isDirectory(explicit) || !isEmptyDirectory(explicit))) {
                throw new IllegalArgumentException("refusing to benchmark in " + explicit + " for '" + spec
                        + "': it exists and is not an empty directory; give a new path, or just '" + scheme
                        + ":' for a temporary one");
            }
        }
    }

    /**
     * The name of the target in every report: the URI as given, with {@code #2} and so on appended when
     * the same URI is given more than once.
     *
     * @return the label
     */
    String label() {
        return label;
    }

    /**
     * The directory an explicit path names.
     *
     * @return the absolute path, or {@code null} for a memory engine or a bare scheme
     */
    Path explicitPath() {
        return explicit;
    }

    String scheme() {
        return scheme;
    }

    private boolean inMemory() {
        return MEMORY_SCHEMES.contains(scheme);
    }

    /**
     * Opens a new store.
     *
     * @param name what it is for, part of its directory's name
     * @param shared whether it is the run's shared loaded store, which an explicit path holds
     * @return the open store and its directory
     */
    Opened open(String name, boolean shared) {
        if (inMemory()) {
            return new Opened(openUri(spec), null, false);
        }
        Path dir;
        boolean discard;
        if (shared && explicit != null) {
            dir = explicit;
            discard = false;
        } else {
            dir = scratch().resolve(name + "-" + counter.incrementAndGet());
            discard = true;
        }
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir + " for " + spec + ": " + e.getMessage(), e);
        }
        try {
            return new Opened(openUri(scheme + ":" + dir + query), dir, discard);
        } catch (RuntimeException e) {
            if (discard) {
                deleteTree(dir);
            }
            throw e;
        }
    }

    /**
     * Opens a store with the chosen default durability. The first open of a target settles the level:
     * a fixed choice is used as is (the engine rejects a level it does not honour); otherwise the store is
     * opened with the engine's default and, if the choice resolves to another level, closed again while
     * still empty and reopened with that level.
     */
    private Store openUri(String uri) {
        if (resolved == null && durability.fixed() == null) {
            Store first = Plinth.open(uri);
            Durability want;
            try {
                want = durability.resolve(first.capabilities());
            } catch (RuntimeException e) {
                first.close();
                throw e;
            }
            resolved = want;
            if (want == first.capabilities().defaultDurability()) {
                return first;
            }
            first.close();
        }
        Durability level = resolved != null ? resolved : durability.fixed();
        Store store = Plinth.builder(uri).defaultDurability(level).open();
        resolved = level;
        return store;
    }

    /**
     * The default durability of this target's stores.
     *
     * @return the level, or {@code null} before the first store was opened
     */
    Durability durability() {
        return resolved;
    }

    private Path scratch() {
        if (scratch == null) {
            try {
                if (explicit != null) {
                    Path parent = explicit.getParent() == null ? explicit : explicit.getParent();
                    Files.createDirectories(parent);
                    scratch = Files.createTempDirectory(parent, explicit.getFileName() + ".bench-scratch-");
                } else {
                    scratch = Files.createTempDirectory("plinth-bench-" + scheme + "-");
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot create a scratch directory for " + spec + ": " + e.getMessage(), e);
            }
        }
        return scratch;
    }

    /** Deletes the scratch directory and everything in it. Idempotent. */
    @Override
    public void close() {
        if (scratch != null) {
            deleteTree(scratch);
            scratch = null;
        }
    }

    /**
     * A store opened for the benchmark.
     *
     * @param store the store
     * @param dir its directory, or {@code null} for an in-memory store
     * @param discard whether closing it deletes its directory
     */
    record Opened(Store store, Path dir, boolean discard) implements AutoCloseable {
        /**
         * Bytes of all files under the store's directory now.
         *
         * @return the sum of file sizes, or -1 for a store that keeps nothing on disk
         */
        long diskBytes() {
            if (dir == null || !store.capabilities().persistent()) {
                return -1;
            }
            return Target.diskBytes(dir);
        }

        /** Closes the store and, if it was scratch, deletes its directory. */
        @Override
        public void close() {
            try {
                store.close();
            } finally {
                if (discard) {
                    deleteTree(dir);
                }
            }
        }
    }

    /**
     * Sums the sizes of the regular files under a directory, tolerating files that vanish meanwhile
     * (an engine may compact while it is counted).
     *
     * @param dir the directory
     * @return bytes
     */
    static long diskBytes(Path dir) {
        long[] sum = new long[1];
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        sum[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) {
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot measure " + dir + ": " + e.getMessage(), e);
        }
        return sum[0];
    }

    static boolean isEmptyDirectory(Path dir) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(dir)) {
            return !s.iterator().hasNext();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + dir + ": " + e.getMessage(), e);
        }
    }

    static void deleteTree(Path root) {
        if (root == null || !Files.exists(root)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.deleteIfExists(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult visitFileFailed(Path file, IOException exc) throws IOException {
                    if (exc instanceof NoSuchFileException) {
                        return FileVisitResult.CONTINUE;
                    }
                    throw exc;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.deleteIfExists(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            System.err.println("plinth bench: could not delete " + root + ": " + e.getMessage());
        }
    }
}
