package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.lmdbjava.Cursor;
import org.lmdbjava.Dbi;
import org.lmdbjava.DbiFlags;
import org.lmdbjava.Env;
import org.lmdbjava.EnvFlags;
import org.lmdbjava.GetOp;
import org.lmdbjava.SeekOp;
import org.lmdbjava.Txn;

/**
 * Raw LMDB through {@code lmdbjava} with direct {@link ByteBuffer}s: one unnamed database, a map of
 * {@link #INITIAL_MAP_SIZE} that doubles whenever a write finds it full (as Plinth's {@code lmdb:} engine
 * grows its own), {@code MDB_NOSYNC} (fast) or LMDB's default fsync on commit (sync). Each write is its own
 * write transaction; each read its own read transaction; keys and values are copied to {@code byte[]} like
 * every other target's. Needs the add-opens flags of {@code docs/performance.md}. Not thread-safe (shared
 * buffers).
 */
public final class LmdbTarget implements KvTarget {
    /** The map size at open, as Plinth's {@code lmdb:} default; too small for 10,000,000 entries of 116 B. */
    private static final long INITIAL_MAP_SIZE = 1L << 30;
    private static final int MAX_VALUE = 1 << 20;

    private final Env<ByteBuffer> env;
    private final Dbi<ByteBuffer> dbi;
    private final ByteBuffer keyBuf = ByteBuffer.allocateDirect(511);
    private final ByteBuffer valBuf = ByteBuffer.allocateDirect(MAX_VALUE);
    private boolean closed;

    /** Opens (creating) an environment in the existing directory {@code dir}. */
    public LmdbTarget(Path dir, Durable durable) {
        EnvFlags[] flags = durable == Durable.SYNC
                ? new EnvFlags[0]
                : new EnvFlags[] {EnvFlags.MDB_NOSYNC};
        env = Env.create().setMapSize(INITIAL_MAP_SIZE).setMaxDbs(1).open(dir.toFile(), flags);
        dbi = env.openDbi((byte[]) null, DbiFlags.MDB_CREATE);
    }

    private ByteBuffer key(byte[] key) {
        keyBuf.clear();
        keyBuf.put(key).flip();
        return keyBuf;
    }

    private ByteBuffer value(byte[] value) {
        valBuf.clear();
        valBuf.put(value).flip();
        return valBuf;
    }

    private static byte[] bytes(ByteBuffer b) {
        byte[] out = new byte[b.remaining()];
        b.get(out);
        return out;
    }

    @Override
    public byte[] get(byte[] key) {
        try (Txn<ByteBuffer> txn = env.txnRead()) {
            ByteBuffer v = dbi.get(txn, key(key));
            return v == null ? null : bytes(v);
        }
    }

    @Override
    public void put(byte[] key, byte[] value) {
        while (true) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                dbi.put(txn, key(key), value(value));
                txn.commit();
                return;
            } catch (Env.MapFullException e) {
                growMap();
            }
        }
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        while (true) {
            try (Txn<ByteBuffer> txn = env.txnWrite()) {
                for (int i = from; i < from + count; i++) {
                    dbi.put(txn, key(keys[i]), value(values[i]));
                }
                txn.commit();
                return;
            } catch (Env.MapFullException e) {
                growMap();
            }
        }
    }

    /**
     * Doubles the map after a write found it full. The write's transaction was aborted as it closed and this
     * target opens no other, so none is open, which is when LMDB may remap the file; the write is then retried.
     */
    private void growMap() {
        env.setMapSize(env.info().mapSize * 2);
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> c = dbi.openCursor(txn)) {
            boolean ok = c.get(key(start), GetOp.MDB_SET_RANGE);
            for (int n = 0; n < limit && ok; n++) {
                byte[] k = bytes(c.key());
                byte[] v = bytes(c.val());
                sink.accept(k, v);
                sum += 1 + v.length;
                ok = c.seek(SeekOp.MDB_NEXT);
            }
        }
        return sum;
    }

    /** Hands the cursor's own buffers into the map to the sink: no copy, valid until the next step. */
    @Override
    public long scanLending(byte[] start, int limit, Sink arrays, ViewSink views) {
        long sum = 0;
        try (Txn<ByteBuffer> txn = env.txnRead(); Cursor<ByteBuffer> c = dbi.openCursor(txn)) {
            boolean ok = c.get(key(start), GetOp.MDB_SET_RANGE);
            for (int n = 0; n < limit && ok; n++) {
                ByteBuffer v = c.val();
                views.accept(c.key(), v);
                sum += 1 + v.remaining();
                ok = c.seek(SeekOp.MDB_NEXT);
            }
        }
        return sum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        dbi.close();
        env.close();
    }
}
