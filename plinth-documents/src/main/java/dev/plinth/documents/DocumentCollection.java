package dev.plinth.documents;

import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.automerge.ChangeHash;
import org.automerge.Document;
import org.automerge.Read;
import org.automerge.Transaction;

/**
 * A named collection of Automerge documents, each under a string id, persisted in a Plinth store.
 *
 * <p>Thread-safe: operations on one document are serialized by a lock of that document; operations on different
 * documents run in parallel. Every successful {@link #change} is one Automerge change, persisted as one entry
 * with the store's durability (or the one in {@link DocumentOptions#durability()}) before the call returns. A
 * document that has expired (see {@link #expireAfter}) is absent to every method.
 *
 * <p>Every method throws {@link dev.plinth.StoreClosedException} once the store or the {@link DocumentStore} is
 * closed, {@link dev.plinth.CorruptionException} naming the document when a stored snapshot or change is damaged
 * (never an empty document instead), {@link NullPointerException} for a null argument, and
 * {@link IllegalArgumentException} for an empty id.
 */
public interface DocumentCollection {
    /** @return the collection's name */
    String name();

    /**
     * Creates a document, empty or with what {@code init} writes as its first change.
     *
     * @param id the document id
     * @param init writes the initial content; may do nothing
     * @return {@code true} if created, {@code false} if a document with that id exists (nothing changes)
     * @throws RuntimeException whatever {@code init} throws; nothing is created then
     */
    boolean create(String id, Consumer<Transaction> init);

    /**
     * Creates an empty document.
     *
     * @param id the document id
     * @return {@code true} if created, {@code false} if a document with that id exists
     */
    default boolean create(String id) {
        return create(id, tx -> { });
    }

    /**
     * @param id the document id
     * @return whether the document exists and has not expired
     */
    boolean exists(String id);

    /**
     * A copy of a document, which the caller owns: changes to it are not persisted (pass it to {@link #merge} to
     * persist them), and the caller should {@link Document#free()} it when done.
     *
     * @param id the document id
     * @return the copy, or empty if there is no such document
     */
    Optional<Document> get(String id);

    /**
     * Reads a document without copying it: {@code reader} sees the document under its lock and must not keep the
     * {@link Read} after it returns.
     *
     * @param id the document id
     * @param reader what to read
     * @param <T> the result type
     * @return what {@code reader} returned, or empty if there is no such document (or it returned null)
     */
    <T> Optional<T> read(String id, Function<Read, T> reader);

    /**
     * Applies {@code edit} to a document in one Automerge transaction, commits it as one change and persists
     * that change atomically.
     *
     * @param id the document id
     * @param edit the edit
     * @return the hash of the new change, or empty if {@code edit} changed nothing
     * @throws NoSuchDocumentException if there is no such document
     * @throws dev.plinth.ConflictException if another document store over the same store wrote the document since
     *     this one loaded it; nothing was persisted, and the next call works on the document as stored
     * @throws RuntimeException whatever {@code edit} throws; the transaction is rolled back and nothing persisted
     */
    Optional<ChangeHash> change(String id, Consumer<Transaction> edit);

    /**
     * Deletes a document with its whole history. Deletion is local: a replica that still has the document sends
     * it back on the next sync.
     *
     * @param id the document id
     * @return whether there was such a document
     */
    boolean delete(String id);

    /**
     * @param idPrefix a prefix of ids; empty for all
     * @return the ids of the live documents starting with {@code idPrefix}, in ascending UTF-8 byte order
     */
    List<String> ids(String idPrefix);

    /** @return the ids of every live document, in ascending UTF-8 byte order */
    default List<String> ids() {
        return ids("");
    }

    /**
     * Sets or clears a document's time to live, measured with {@link DocumentOptions#clock()}. Once expired the
     * document is absent to every method; its entries are reclaimed by compaction or by a later create.
     *
     * @param id the document id
     * @param ttl a positive duration, or {@code null} to clear the expiry
     * @throws NoSuchDocumentException if there is no such document
     * @throws IllegalArgumentException if {@code ttl} is zero or negative
     */
    void expireAfter(String id, Duration ttl);

    /**
     * @param id the document id
     * @return the document's heads (the hashes of its latest changes), or empty if there is no such document
     */
    Optional<ChangeHash[]> heads(String id);

    /**
     * The changes of a document that a replica with the given heads lacks, in Automerge's encoding, as
     * {@link #applyChanges} takes them.
     *
     * @param id the document id
     * @param since the heads the other replica has; empty for every change
     * @return the encoded changes, or empty if there is no such document
     */
    Optional<byte[]> changesSince(String id, ChangeHash[] since);

    /**
     * The whole document in Automerge's save format, as {@link Document#load} reads it.
     *
     * @param id the document id
     * @return the saved document, or empty if there is no such document
     */
    Optional<byte[]> save(String id);

    /**
     * Applies changes from another replica (as {@link #changesSince} or {@link Document#encodeChangesSince}
     * produce them), creating the document if it does not exist; what is new is persisted as one entry.
     *
     * @param id the document id
     * @param changes encoded changes
     * @return whether the document changed
     * @throws IllegalArgumentException if {@code changes} is not a valid encoding; nothing changes
     */
    boolean applyChanges(String id, byte[] changes);

    /**
     * Merges a whole document from another replica into this one, creating it if it does not exist; what is new
     * is persisted as one entry. {@code other} is not changed.
     *
     * @param id the document id
     * @param other the other replica's document
     * @return whether the document changed
     */
    boolean merge(String id, Document other);

    /**
     * Folds a document's change log into one saved snapshot, in one atomic write. Loading is then one snapshot
     * instead of many changes; the content is unchanged.
     *
     * @param id the document id
     * @return whether there was anything to fold
     */
    boolean compact(String id);

    /**
     * Starts a sync session with one peer. The session is not thread-safe; close it when done.
     *
     * @return a new session
     */
    SyncSession syncSession();
}
