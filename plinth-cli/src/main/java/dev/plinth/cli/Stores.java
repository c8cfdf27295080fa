package dev.plinth.cli;

import dev.plinth.Keyspace;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.ForeignFilesException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.cli.transfer.Transfer;
import java.time.Instant;
import java.time.InstantSource;

/**
 * Opens stores for commands. Commands that only read never create a store: they open with
 * {@link dev.plinth.StoreOptions.Builder#createIfMissing(boolean) createIfMissing(false)}, so a wrong path, an
 * empty directory or another engine's files is an error instead of a new, empty store. Stateless.
 */
final class Stores {
    private Stores() {
    }

    /**
     * Opens a store that may be created by opening it (put, load, copy destination).
     *
     * @param uri the store URI
     * @return the open store
     */
    static Store openForWrite(String uri) {
        return Plinth.open(uri);
    }

    /**
     * Opens an existing store.
     *
     * @param uri the store URI
     * @param command the command's name, for the error message
     * @return the open store
     * @throws CommandException if the URI's location holds no store of its engine
     */
    static Store openExisting(String uri, String command) {
        return openExisting(Plinth.builder(uri), command);
    }

    /**
     * Opens an existing store for reading with its clock stopped at the moment of opening, so that no
     * entry expires during the command: every pass over the store (copy then verify, scan then get) sees
     * the same entries.
     *
     * @param uri the store URI
     * @param command the command's name, for the error message
     * @return the open store, read-only (and its clock does not move)
     * @throws CommandException if the URI's location holds no store of its engine
     */
    static Store openFrozen(String uri, String command) {
        return openExisting(Plinth.builder(uri).clock(InstantSource.fixed(Instant.now())).readOnly(true), command);
    }

    /**
     * Opens an existing store for reading only ({@link StoreOptions.Builder#readOnly}), so that a store
     * another process holds open can be read.
     *
     * @param uri the store URI
     * @param command the command's name, for the error message
     * @return the open store, which refuses writes
     * @throws CommandException if the URI's location holds no store of its engine
     */
    static Store openReadOnly(String uri, String command) {
        return openExisting(Plinth.builder(uri).readOnly(true), command);
    }

    private static Store openExisting(StoreOptions.Builder options, String command) {
        try {
            return options.createIfMissing(false).open();
        } catch (ForeignFilesException e) {
            throw new CommandException(e.getMessage(), e); // names what the location holds instead
        } catch (NoSuchStoreException e) {
            throw new CommandException(e.getMessage() + "; " + command + " does not create stores", e);
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
     * Refuses, before anything is written, a transfer whose longest key or value, or whose number of
     * keyspaces, the destination would reject part way through.
     *
     * @param store the destination
     * @param command the command's name, for the message
     * @param source what is written into it, for the message
     * @param keyspaces how many keyspaces the source has
     * @param longestKey the source's longest key, in bytes
     * @param longestValue the source's longest value, in bytes
     * @throws CommandException if something would not fit
     */
    static void requireFits(Store store, String command, String source, long keyspaces, long longestKey,
                            long longestValue) {
        dev.plinth.Capabilities caps = store.capabilities();
        if (longestKey > caps.maxKeySize() || longestValue > caps.maxValueSize()) {
            throw new CommandException("refusing to " + command + ": the longest key in " + source + " has "
                    + Text.size(longestKey) + " and the longest value " + Text.size(longestValue) + ", but "
                    + store.uri() + " takes keys of up to " + Text.size(caps.maxKeySize()) + " and values of up to "
                    + Text.size(caps.maxValueSize()) + "; nothing was written");
        }
        if (keyspaces > caps.maxKeyspaces()) {
            throw new CommandException("refusing to " + command + ": " + source + " has "
                    + Text.count(keyspaces, "keyspace", "keyspaces") + ", but " + store.uri() + " takes at most "
                    + caps.maxKeyspaces() + "; nothing was written");
        }
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
