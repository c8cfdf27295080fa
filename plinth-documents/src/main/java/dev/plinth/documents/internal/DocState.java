package dev.plinth.documents.internal;

import java.util.concurrent.locks.ReentrantLock;
import org.automerge.ChangeHash;
import org.automerge.Document;

/**
 * The in-memory state of one document id of a collection. Every field is guarded by {@link #lock}; a state
 * removed from its collection's cache is marked {@link #evicted} under the lock, and a thread that then locks it
 * looks it up again.
 */
final class DocState {
    final String id;
    final ReentrantLock lock = new ReentrantLock();

    // guarded by lock
    boolean evicted;
    boolean loaded;
    /** The live document, or null when absent or expired. */
    Document doc;
    /** The stored header value (also of an expired document, whose entries remain until reclaimed), or null. */
    byte[] header;
    /** {@link #header} decoded, or null with it. */
    DocumentFormat.Header parsed;
    long expiresAt;
    /**
     * The heads of {@link #doc}, kept so that a change need not ask Automerge for them: after a local commit they
     * are exactly the new change's hash. Null when {@link #doc} is null.
     */
    ChangeHash[] heads;
    /** The sequence of the last change entry, or of the snapshot when there is none after it. */
    long lastSeq;
    /** The last change sequence the stored snapshot includes. */
    long throughSeq;
    boolean compactionQueued;

    DocState(String id) {
        this.id = id;
    }

    /** Forgets the loaded state, freeing the document; the next use loads it again. Lock held. */
    void unloadLocked() {
        if (doc != null) {
            doc.free();
        }
        doc = null;
        header = null;
        parsed = null;
        heads = null;
        loaded = false;
        compactionQueued = false;
    }
}
