package dev.plinth.documents;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.Objects;
import java.util.Optional;

/**
 * Runs a {@link SyncSession} to completion over a pair of byte streams (a TCP socket, a pipe), in lock step: the
 * initiator sends a frame, the responder answers with one, and so on until a round in which neither had anything
 * to send. A frame is a 4-byte big-endian length and that many bytes of a sync message; length 0 means "nothing
 * to send". Both sides must use this class, one as initiator and one not. Stateless and thread-safe; each call
 * uses its session and streams from one thread.
 */
public final class StreamSync {
    /** The largest frame accepted from a peer; a larger length is treated as a damaged stream. */
    public static final int MAX_FRAME_BYTES = 256 << 20;

    private StreamSync() {
    }

    /**
     * Syncs until both sides are quiet. Does not close the streams or the session.
     *
     * @param session this side's session
     * @param in the stream from the peer
     * @param out the stream to the peer
     * @param initiator whether this side sends the first frame (exactly one side must)
     * @return the number of rounds
     * @throws UncheckedIOException if a stream fails or ends mid-conversation
     * @throws IllegalArgumentException if the peer sends a frame longer than {@link #MAX_FRAME_BYTES} or a
     *         message the session rejects
     */
    public static int run(SyncSession session, InputStream in, OutputStream out, boolean initiator) {
        Objects.requireNonNull(session, "session");
        DataInputStream din = new DataInputStream(Objects.requireNonNull(in, "in"));
        DataOutputStream dout = new DataOutputStream(Objects.requireNonNull(out, "out"));
        try {
            for (int round = 1; ; round++) {
                boolean sent;
                boolean received;
                if (initiator) {
                    sent = send(session, dout);
                    received = receive(session, din);
                } else {
                    received = receive(session, din);
                    sent = send(session, dout);
                }
                if (!sent && !received) {
                    return round;
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("the sync stream failed: " + e.getMessage(), e);
        }
    }

    private static boolean send(SyncSession session, DataOutputStream out) throws IOException {
        Optional<byte[]> m = session.nextMessage();
        out.writeInt(m.map(b -> b.length).orElse(0));
        if (m.isPresent()) {
            out.write(m.get());
        }
        out.flush();
        return m.isPresent();
    }

    private static boolean receive(SyncSession session, DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > MAX_FRAME_BYTES) {
            throw new IllegalArgumentException("the peer sent a sync frame of " + n + " bytes; at most "
                    + MAX_FRAME_BYTES + " are accepted");
        }
        if (n == 0) {
            return false;
        }
        byte[] m = new byte[n];
        in.readFully(m);
        session.receive(m);
        return true;
    }
}
