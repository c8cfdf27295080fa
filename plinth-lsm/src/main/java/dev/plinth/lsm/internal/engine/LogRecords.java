package dev.plinth.lsm.internal.engine;

import dev.plinth.CorruptionException;
import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import dev.plinth.lsm.internal.key.RangeTombstone;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;

/**
 * The payloads of write-ahead log records (the framing is the WAL's): a batch of versions and range
 * deletes, a keyspace created, a keyspace dropped. Big-endian, as {@link DataOutputStream} writes; the
 * layout is in {@code docs/format/wal.md}. Stateless.
 */
final class LogRecords {
    /** Record type: a batch. */
    static final byte BATCH = 1;
    /** Record type: a keyspace created. */
    static final byte CREATE_KEYSPACE = 2;
    /** Record type: a keyspace dropped. */
    static final byte DROP_KEYSPACE = 3;
    /**
     * Record type: the store was closed cleanly. Written last, so that damage at rest to the record before
     * it has a valid record after it and is reported, never taken for a torn tail.
     */
    static final byte CLOSE = 4;
    private static final byte OP_ENTRY = 1;
    private static final byte OP_RANGE = 2;

    /** A decoded record. */
    sealed interface Record permits Batch, CreateKeyspace, DropKeyspace, Close {
    }

    /** The clean-close mark. */
    record Close() implements Record {
    }

    /** Versions ({@link Entry}) and range deletes ({@link RangeTombstone}) in sequence order. */
    record Batch(List<Object> ops) implements Record {
    }

    /** A keyspace and its id. */
    record CreateKeyspace(int id, String name) implements Record {
    }

    /** A dropped keyspace's id. */
    record DropKeyspace(int id) implements Record {
    }

    private LogRecords() {
    }

    /**
     * Encodes a batch into one array of exactly its size (no stream, no growing buffer): the record is made
     * once per write, on the writer's thread, under the engine's write lock.
     */
    static byte[] batch(List<Object> ops) {
        int size = 1 + 4;
        for (Object op : ops) {
            if (op instanceof Entry e) {
                size = Math.addExact(size, 1 + 4 + 8 + 1 + fieldSize(e.key()) + fieldSize(e.value()));
            } else {
                RangeTombstone t = (RangeTombstone) op;
                size = Math.addExact(size, 1 + 4 + 8 + 1 + fieldSize(t.start()) + fieldSize(t.end()));
            }
        }
        byte[] b = new byte[size];
        b[0] = BATCH;
        int p = putInt(b, 1, ops.size());
        for (Object op : ops) {
            if (op instanceof Entry e) {
                b[p++] = OP_ENTRY;
                p = putInt(b, p, e.keyspace());
                p = putLong(b, p, e.seq());
                b[p++] = e.kind();
                p = putField(b, p, e.key());
                p = putField(b, p, e.value());
            } else {
                RangeTombstone t = (RangeTombstone) op;
                b[p++] = OP_RANGE;
                p = putInt(b, p, t.keyspace());
                p = putLong(b, p, t.seq());
                b[p++] = (byte) (t.reclaim() ? 1 : 0);
                p = putField(b, p, t.start());
                p = putField(b, p, t.end());
            }
        }
        assert p == size;
        return b;
    }

    private static int fieldSize(byte[] f) {
        return 4 + (f == null ? 0 : f.length);
    }

    /** A length (-1 for {@code null}) and the bytes, as {@link DataOutputStream} would write them. */
    private static int putField(byte[] b, int p, byte[] f) {
        if (f == null) {
            return putInt(b, p, -1);
        }
        p = putInt(b, p, f.length);
        System.arraycopy(f, 0, b, p, f.length);
        return p + f.length;
    }

    private static int putInt(byte[] b, int p, int v) {
        b[p] = (byte) (v >>> 24);
        b[p + 1] = (byte) (v >>> 16);
        b[p + 2] = (byte) (v >>> 8);
        b[p + 3] = (byte) v;
        return p + 4;
    }

    private static int putLong(byte[] b, int p, long v) {
        putInt(b, p, (int) (v >>> 32));
        return putInt(b, p + 4, (int) v);
    }

    static byte[] createKeyspace(int id, String name) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(CREATE_KEYSPACE);
            out.writeInt(id);
            out.writeUTF(name);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static byte[] close() {
        return new byte[] {CLOSE};
    }

    static byte[] dropKeyspace(int id) {
        return new byte[] {DROP_KEYSPACE, (byte) (id >>> 24), (byte) (id >>> 16), (byte) (id >>> 8), (byte) id};
    }

    /**
     * Decodes a record whose checksum held.
     *
     * @param payload the record
     * @param where the store and segment, for the message
     * @return the record
     * @throws CorruptionException if it does not decode
     */
    static Record decode(byte[] payload, String where) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(payload))) {
            byte type = in.readByte();
            Record r = switch (type) {
                case BATCH -> {
                    int n = in.readInt();
                    if (n < 0 || n > payload.length) {
                        throw new IOException("a batch of " + n + " operations");
                    }
                    List<Object> ops = new ArrayList<>(n);
                    for (int i = 0; i < n; i++) {
                        byte op = in.readByte();
                        int ks = in.readInt();
                        long seq = in.readLong();
                        if (op == OP_ENTRY) {
                            byte kind = in.readByte();
                            if (!Kind.isValid(kind)) {
                                throw new IOException("an entry of unknown kind " + kind);
                            }
                            byte[] key = readBytes(in, payload.length);
                            byte[] value = readBytes(in, payload.length);
                            if (key == null || (kind == Kind.PUT) != (value != null)) {
                                throw new IOException("an entry whose key or value does not fit its kind");
                            }
                            ops.add(new Entry(ks, key, seq, kind, value));
                        } else if (op == OP_RANGE) {
                            boolean reclaim = in.readBoolean();
                            ops.add(new RangeTombstone(ks, readBytes(in, payload.length), readBytes(in, payload.length),
                                    seq, reclaim));
                        } else {
                            throw new IOException("an operation of unknown type " + op);
                        }
                    }
                    yield new Batch(ops);
                }
                case CREATE_KEYSPACE -> new CreateKeyspace(in.readInt(), in.readUTF());
                case DROP_KEYSPACE -> new DropKeyspace(in.readInt());
                case CLOSE -> new Close();
                default -> throw new IOException("a record of unknown type " + type);
            };
            if (in.available() != 0) {
                throw new IOException(in.available() + " bytes after the record's end");
            }
            return r;
        } catch (IOException e) {
            throw new CorruptionException("a write-ahead log record of " + where + " passed its checksum but does"
                    + " not decode: " + e.getMessage() + "; nothing was changed", e);
        }
    }

    private static byte[] readBytes(DataInputStream in, int limit) throws IOException {
        int n = in.readInt();
        if (n == -1) {
            return null;
        }
        if (n < 0 || n > limit) {
            throw new IOException("a length of " + n + " bytes");
        }
        byte[] b = in.readNBytes(n);
        if (b.length != n) {
            throw new IOException("a field of " + n + " bytes cut off after " + b.length);
        }
        return b;
    }
}
