package dev.plinth.documents.internal;

import dev.plinth.documents.SyncSession;
import java.io.ByteArrayOutputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.zip.CRC32C;
import org.automerge.SyncState;

/**
 * A sync session of one collection with one peer: an Automerge {@link SyncState} per document.
 *
 * <p>Message format ({@code docs/format/documents.md}): version byte, CRC32C of the rest, entry count, then per
 * entry the document id (length-prefixed UTF-8) and the Automerge sync message (length-prefixed).
 */
final class CollectionSyncSession implements SyncSession {
    private static final byte VERSION = 1;

    private final StoreDocumentCollection collection;
    private final Map<String, SyncState> states = new HashMap<>();
    private boolean closed;

    CollectionSyncSession(StoreDocumentCollection collection) {
        this.collection = collection;
        AutomergeLibrary.ensureLoaded();
    }

    @Override
    public Optional<byte[]> nextMessage() {
        checkOpen();
        Map<String, byte[]> entries = new LinkedHashMap<>();
        for (String id : collection.ids()) {
            collection.generateSync(id, state(id)).ifPresent(m -> entries.put(id, m));
        }
        return entries.isEmpty() ? Optional.empty() : Optional.of(encode(entries));
    }

    @Override
    public void receive(byte[] message) {
        checkOpen();
        java.util.Objects.requireNonNull(message, "message");
        for (Map.Entry<String, byte[]> e : decode(message).entrySet()) {
            String id = e.getKey();
            SyncState state = state(id);
            // A document the peer has and this side lacks is created (empty) at once, so that an empty
            // document, which has no change to send, exists on both sides too; the messages that follow fill it.
            while (!collection.receiveSync(id, state, e.getValue())) {
                collection.create(id);
            }
        }
    }

    private SyncState state(String id) {
        return states.computeIfAbsent(id, k -> new SyncState());
    }

    private void checkOpen() {
        if (closed) {
            throw new IllegalStateException("the sync session of collection '" + collection.name()
                    + "' is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        states.values().forEach(SyncState::free);
        states.clear();
    }

    private static byte[] encode(Map<String, byte[]> entries) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(VERSION);
            out.writeInt(0);
            out.writeInt(entries.size());
            for (Map.Entry<String, byte[]> e : entries.entrySet()) {
                byte[] id = e.getKey().getBytes(StandardCharsets.UTF_8);
                out.writeInt(id.length);
                out.write(id);
                out.writeInt(e.getValue().length);
                out.write(e.getValue());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        byte[] msg = bytes.toByteArray();
        ByteBuffer.wrap(msg, 1, 4).putInt(crc(msg));
        return msg;
    }

    private Map<String, byte[]> decode(byte[] msg) {
        if (msg.length < 9 || msg[0] != VERSION || ByteBuffer.wrap(msg, 1, 4).getInt() != crc(msg)) {
            throw new IllegalArgumentException("a sync message for collection '" + collection.name()
                    + "' is damaged or of an unknown version (" + msg.length + " bytes)");
        }
        ByteBuffer in = ByteBuffer.wrap(msg, 5, msg.length - 5);
        Map<String, byte[]> entries = new LinkedHashMap<>();
        try {
            int n = in.getInt();
            for (int i = 0; i < n; i++) {
                byte[] id = new byte[in.getInt()];
                in.get(id);
                byte[] m = new byte[in.getInt()];
                in.get(m);
                entries.put(new String(id, StandardCharsets.UTF_8), m);
            }
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("a sync message for collection '" + collection.name()
                    + "' is truncated", e);
        }
        return entries;
    }

    private static int crc(byte[] msg) {
        CRC32C crc = new CRC32C();
        crc.update(msg, 0, 1);
        crc.update(msg, 5, msg.length - 5);
        return (int) crc.getValue();
    }
}
