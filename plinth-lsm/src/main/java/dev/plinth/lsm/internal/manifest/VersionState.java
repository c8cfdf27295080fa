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
 * @param tables the live table file numbers: level 0 oldest first, then each deeper level in key order
 * @param levels the level of each table of {@code tables}, in the same order
 */
public record VersionState(long logNumber, long nextFileNumber, long lastSeq, int nextKeyspaceId,
                           Map<Integer, String> keyspaces, List<Long> tables, List<Integer> levels) {
    /**
     * Marks the levels section of an edit ({@code "LVL1"} in ASCII); an edit that ends after its tables, as the
     * first version of this code wrote them, has every table in level 0.
     */
    static final int LEVELS_TAG = 0x4C564C31;

    /**
     * Checks and copies the parts.
     *
     * @throws IllegalArgumentException if there is not one level per table
     */
    public VersionState {
        keyspaces = java.util.Collections.unmodifiableMap(new TreeMap<>(keyspaces));
        tables = List.copyOf(tables);
        levels = List.copyOf(levels);
        if (levels.size() != tables.size()) {
            throw new IllegalArgumentException(tables.size() + " tables but " + levels.size() + " levels");
        }
    }

    /**
     * A state with every table in level 0.
     *
     * @param logNumber the first log segment still needed
     * @param nextFileNumber the next file number
     * @param lastSeq the newest sequence number the tables hold
     * @param nextKeyspaceId the next keyspace id
     * @param keyspaces the live keyspaces
     * @param tables the tables, oldest first
     */
    public VersionState(long logNumber, long nextFileNumber, long lastSeq, int nextKeyspaceId,
                        Map<Integer, String> keyspaces, List<Long> tables) {
        this(logNumber, nextFileNumber, lastSeq, nextKeyspaceId, keyspaces, tables,
                java.util.Collections.nCopies(tables.size(), 0));
    }

    /**
     * This state with another file number counter.
     *
     * @param next the next file number
     * @return the new state
     */
    public VersionState withNextFileNumber(long next) {
        return new VersionState(logNumber, next, lastSeq, nextKeyspaceId, keyspaces, tables, levels);
    }

    /**
     * This state with other tables.
     *
     * @param nextFile the next file number
     * @param tables the tables
     * @param levels their levels
     * @return the new state
     */
    public VersionState withTables(long nextFile, List<Long> tables, List<Integer> levels) {
        return new VersionState(logNumber, nextFile, lastSeq, nextKeyspaceId, keyspaces, tables, levels);
    }

    /**
     * The state of a new store.
     *
     * @param defaultName the default keyspace's name
     * @return the state: no tables, log from segment 1
     */
    public static VersionState empty(String defaultName) {
        return new VersionState(1, 1, 0, 1, Map.of(0, defaultName), List.of(), List.of());
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
            out.writeInt(LEVELS_TAG);
            for (int l : levels) {
                out.writeByte(l);
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
            List<Integer> levels = new ArrayList<>();
            if (in.available() == 0) {
                levels.addAll(java.util.Collections.nCopies(t, 0)); // written before levels: all in level 0
            } else {
                int tag = in.readInt();
                if (tag != LEVELS_TAG) {
                    throw new IOException("0x" + Integer.toHexString(tag) + " where the levels section starts");
                }
                for (int i = 0; i < t; i++) {
                    levels.add(in.readUnsignedByte());
                }
            }
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes after the edit's end");
            }
            return new VersionState(log, next, seq, nextKs, ks, tables, levels);
        } catch (IOException e) {
            throw new CorruptionException("a manifest edit of " + where + " passed its checksum but does not decode: "
                    + e.getMessage(), e);
        }
    }
}
