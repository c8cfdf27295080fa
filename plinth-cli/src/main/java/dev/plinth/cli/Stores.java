package dev.plinth.cli;

import dev.plinth.Keyspace;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.cli.transfer.Transfer;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.InstantSource;
import java.util.Locale;
import java.util.Set;

/**
 * Opens stores for commands. Commands that only read never create a store: for the engines whose URI
 * location is a file-system path ({@link #FILE_SCHEMES}) the path must already exist. Stateless.
 */
final class Stores {
    /**
     * The schemes whose location is a path on the local file system, which opening creates when absent.
     * The public API has no way to ask an engine whether a store exists, so the CLI names them.
     */
    static final Set<String> FILE_SCHEMES = Set.of("lsm", "rocksdb", "lmdb");

    private Stores() {
    }

    /**
     * Opens a store that may be created by opening it (put, delete, load, copy destination).
     *
     * @param uri the store URI
     * @return the open store
     */
    static Store openForWrite(String uri) {
        return Plinth.open(uri);
    }

    /**
     * Opens an existing store for reading.
     *
     * @param uri the store URI
     * @param command the command's name, for the error message
     * @return the open store
     * @throws CommandException if the URI names a file-system path that does not exist
     */
    static Store openExisting(String uri, String command) {
        requireExists(uri, command);
        return Plinth.open(uri);
    }

    /**
     * Opens an existing store for reading with its clock stopped at the moment of opening, so that no
     * entry expires during the command: every pass over the store (copy then verify, scan then get) sees
     * the same entries.
     *
     * @param uri the store URI
     * @param command the command's name, for the error message
     * @return the open store; must not be written (its clock does not move)
     */
    static Store openFrozen(String uri, String command) {
        requireExists(uri, command);
        return Plinth.builder(uri).clock(InstantSource.fixed(Instant.now())).open();
    }

    /**
     * The local path a store URI names, for the {@link #FILE_SCHEMES}.
     *
     * @param uri the store URI
     * @return the path, or {@code null} if the scheme is not a file-system one
     */
    static Path localPath(String uri) {
        int colon = uri.indexOf(':');
        if (colon <= 0) {
            return null;
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        if (!FILE_SCHEMES.contains(scheme)) {
            return null;
        }
        String rest = uri.substring(colon + 1);
        int q = rest.indexOf('?');
        String location = q < 0 ? rest : rest.substring(0, q);
        if (location.isEmpty()) {
            return null;
        }
        try {
            return Path.of(location);
        } catch (InvalidPathException e) {
            return null;
        }
    }

    /**
     * Refuses a file-system location that cannot hold a store, since opening it would create one. The
     * public API cannot tell a store from any other non-empty directory; engines that gain an option not
     * to create stores will make this exact.
     */
    private static void requireExists(String uri, String command) {
        Path p = localPath(uri);
        if (p == null) {
            return;
        }
        String problem = null;
        if (!Files.exists(p)) {
            problem = "it does not exist";
        } else if (Files.isDirectory(p)) {
            try (var entries = Files.list(p)) {
                if (entries.findAny().isEmpty()) {
                    problem = "the directory is empty";
                }
            } catch (java.io.IOException e) {
                throw new CommandException("cannot read " + p + " (" + uri + "): " + e.getMessage(), e);
            }
        }
        if (problem != null) {
            throw new CommandException("no store at " + p + " (" + uri + "): " + problem + ", and " + command
                    + " does not create stores");
        }
    }

    /**
     * The error for an absent key: exit code {@link ExitCode#NOT_FOUND}.
     *
     * @param key the key
     * @param keyspace the keyspace's name
     * @param uri the store
     * @return the exception to throw
     */
    static CommandException keyNotFound(byte[] key, String keyspace, String uri) {
        return new CommandException(ExitCode.NOT_FOUND, "key '" + ByteText.escape(key) + "' not found in keyspace '"
                + keyspace + "' of " + uri, null);
    }

    /**
     * Refuses a destination that holds data, unless allowed.
     *
     * @param store the destination
     * @param command the command's name, for the error message
     * @param allowNonEmpty whether data in it is fine
     * @throws CommandException if it holds data and that is not allowed
     */
    static void requireEmpty(Store store, String command, boolean allowNonEmpty) {
        if (!allowNonEmpty && !Transfer.isEmpty(store)) {
            throw new CommandException(store.uri() + " is not empty (keyspaces: " + String.join(", ", store.keyspaces())
                    + "); " + command + " writes into an empty store unless --allow-nonempty");
        }
    }

    /**
     * An existing keyspace, with a clear error naming the store's keyspaces when it is absent.
     *
     * @param store the store
     * @param name the keyspace's name
     * @return the keyspace
     * @throws CommandException if there is no such keyspace
     */
    static Keyspace keyspace(Store store, String name) {
        if (!store.keyspaces().contains(name)) {
            throw new CommandException("no keyspace '" + name + "' in " + store.uri() + "; it has "
                    + String.join(", ", store.keyspaces()));
        }
        try {
            return store.keyspace(name);
        } catch (NoSuchKeyspaceException e) {
            throw new CommandException("no keyspace '" + name + "' in " + store.uri() + " (dropped meanwhile)", e);
        }
    }
}
