package dev.plinth.documents;

import java.util.Optional;

/**
 * One side of a conversation that brings two {@link DocumentCollection}s to the same state with Automerge's
 * sync protocol, over any transport that carries byte messages in order.
 *
 * <p>Each side calls {@link #nextMessage()} and sends what it returns, and passes every message it receives to
 * {@link #receive(byte[])}. The two collections are in sync when neither side has a message to send after the
 * last one was received. A document the peer has and this side lacks is created here, empty, as soon as its
 * first message arrives; every change a message brings is persisted before {@link #receive} returns. Deletions
 * are not synced.
 *
 * <p>Not thread-safe: one thread (or one transport callback at a time) uses a session. It holds Automerge sync
 * state in native memory: {@link #close()} it; close is idempotent.
 */
public interface SyncSession extends AutoCloseable {
    /**
     * The next message for the peer: for every document where the sync protocol has something to say, its
     * message, and the ids this side holds so the peer learns of documents it lacks.
     *
     * @return the message, or empty when there is nothing to send until a new message arrives or a document
     *         changes
     * @throws IllegalStateException if the session is closed
     */
    Optional<byte[]> nextMessage();

    /**
     * Takes a message from the peer and persists whatever changes it brings.
     *
     * @param message a message from the peer's {@link #nextMessage()}
     * @throws IllegalArgumentException if {@code message} is not a valid sync message; documents it had already
     *         updated keep their updates
     * @throws IllegalStateException if the session is closed
     */
    void receive(byte[] message);

    @Override
    void close();
}
