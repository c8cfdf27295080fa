package dev.plinth.documents.example;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.documents.DocumentCollection;
import dev.plinth.documents.DocumentJson;
import dev.plinth.documents.DocumentStore;
import dev.plinth.documents.StreamSync;
import dev.plinth.documents.SyncSession;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;

/**
 * Two processes syncing one collection over TCP on 127.0.0.1. Run one side as
 * {@code serve STORE_URI COLLECTION PORT} (port 0 picks a free one; the chosen port is printed as
 * {@code listening PORT}) and the other as {@code connect STORE_URI COLLECTION PORT}. Each side syncs once with
 * {@link StreamSync}, prints every document of the collection as {@code doc ID JSON}, and exits.
 */
public final class TcpSyncExample {
    private TcpSyncExample() {
    }

    /**
     * @param args {@code serve|connect STORE_URI COLLECTION PORT}
     */
    public static void main(String[] args) {
        if (args.length != 4 || !(args[0].equals("serve") || args[0].equals("connect"))) {
            System.err.println("usage: TcpSyncExample serve|connect STORE_URI COLLECTION PORT");
            System.exit(2);
        }
        boolean serve = args[0].equals("serve");
        try (Store store = Plinth.open(args[1]); DocumentStore docs = DocumentStore.open(store)) {
            DocumentCollection collection = docs.collection(args[2]);
            int rounds = serve ? serve(collection, Integer.parseInt(args[3]))
                    : connect(collection, Integer.parseInt(args[3]));
            docs.flush();
            System.out.println("synced in " + rounds + " rounds");
            for (String id : collection.ids()) {
                System.out.println("doc " + id + " " + collection.read(id, DocumentJson::toJson).orElse("{}"));
            }
        }
    }

    /** Accepts one connection on 127.0.0.1 and syncs over it as the responder. */
    public static int serve(DocumentCollection collection, int port) {
        try (ServerSocket server = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
            System.out.println("listening " + server.getLocalPort());
            System.out.flush();
            try (Socket socket = server.accept(); SyncSession session = collection.syncSession()) {
                return StreamSync.run(session, new BufferedInputStream(socket.getInputStream()),
                        new BufferedOutputStream(socket.getOutputStream()), false);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("serving sync on port " + port + " failed: " + e.getMessage(), e);
        }
    }

    /** Connects to 127.0.0.1:{@code port} and syncs as the initiator. */
    public static int connect(DocumentCollection collection, int port) {
        try (Socket socket = new Socket(InetAddress.getLoopbackAddress(), port);
             SyncSession session = collection.syncSession()) {
            return StreamSync.run(session, new BufferedInputStream(socket.getInputStream()),
                    new BufferedOutputStream(socket.getOutputStream()), true);
        } catch (IOException e) {
            throw new UncheckedIOException("syncing with 127.0.0.1:" + port + " failed: " + e.getMessage(), e);
        }
    }
}
