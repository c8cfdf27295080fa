package dev.plinth.lsm.internal.manifest;

import dev.plinth.CorruptionException;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the manifest records: the whole durable state of the store's structure, written whole in every
 * edit (so recovery needs only the last valid edit). Immutable.
 *
 * @param logNumber the first write-ahead log segment still needed: everything in lower segments is in tables
 * @param nextFileNumber the next number for a table or manifest file
 * @param lastSeq the newest sequence number held by the tables
 * @param nextKeyspaceId the next keyspace id
 * @param keyspaces the live keyspaces by id, the default one (id 0) included
 * @param tables the live table file numbers, oldest first
 */
public record VersionState(long logNumber, long nextFileNumber, long lastSeq, int nextKeyspaceId,
                           Map<Integer, String> keyspaces, List<Long> tables) {
    /** Checks and copies the parts. */
    public VersionState {
        keyspaces = java.util.Collections.unmodifiableMap(new TreeMap<>(keyspaces));
        tables = List.copyOf(tables);
    }

    /**
     * The state of a new store.
     *
     * @param defaultName the default keyspace's name
     * @return the state: no tables, log from segment 1
     */
    public static VersionState empty(String defaultName) {
        return new VersionState(1, 1, 0, 1, Map.of(0, defaultName), List.of());
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeLong(logNumber);
            out.writeLong(nextFileNumber);
            out.writeLong(lastSeq);
            out.writeInt(nextKeyspaceId);
            out.writeInt(keyspaces.size());
            for (Map.Entry<Integer, String> e : keyspaces.entrySet()) {
                out.writeInt(e.getKey());
                out.writeUTF(e.getValue());
            }
            out.writeInt(tables.size());
            for (long t : tables) {
                out.writeLong(t);
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static VersionState decode(byte[] b, String where) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            long log = in.readLong();
            long next = in.readLong();
            long seq = in.readLong();
            int nextKs = in.readInt();
            int n = in.readInt();
            if (n < 0 || n > b.length) {
                throw new IOException("a count of " + n + " keyspaces");
            }
            Map<Integer, String> ks = new TreeMap<>();
            for (int i = 0; i < n; i++) {
                ks.put(in.readInt(), in.readUTF());
            }
            int t = in.readInt();
            if (t < 0 || t > b.length) {
                throw new IOException("a count of " + t + " tables");
            }
            List<Long> tables = new ArrayList<>();
            for (int i = 0; i < t; i++) {
                tables.add(in.readLong());
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes after the edit's end");
            }
            return new VersionState(log, next, seq, nextKs, ks, tables);
        } catch (IOException e) {
            throw new CorruptionException("a manifest edit of " + where + " passed its checksum but does not decode: "
                    + e.getMessage(), e);
        }
    }
}
