package dev.plinth.bench.peers;

import dev.plinth.bench.KvTarget;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.Map;
import org.iq80.leveldb.CompressionType;
import org.iq80.leveldb.DB;
import org.iq80.leveldb.DBIterator;
import org.iq80.leveldb.Options;
import org.iq80.leveldb.WriteBatch;
import org.iq80.leveldb.WriteOptions;
import org.iq80.leveldb.impl.DbImpl;
import org.iq80.leveldb.impl.Iq80DBFactory;

/**
 * The pure-Java port of LevelDB ({@code org.iq80.leveldb:leveldb}), the nearest relative of the lsm engine:
 * its own defaults (4 MiB write buffer, 4 KiB blocks, restart points every 16 keys) except compression,
 * which is off because its Snappy codecs are optional dependencies, left off the class path. Writes go to its log with
 * {@code sync=false} (fast) or {@code sync=true}. Thread-safe for {@link #get}, {@link #put} and
 * {@link #scan} as LevelDB is; {@link #putBatch} is driven from one thread.
 */
public final class LevelDbTarget implements KvTarget {
    private final DB db;
    private final WriteOptions writeOptions;
    private boolean closed;

    /** Opens (creating) a database in {@code dir}. */
    public LevelDbTarget(Path dir, Durable durable) {
        Options options = new Options().createIfMissing(true).compressionType(CompressionType.NONE);
        writeOptions = new WriteOptions().sync(durable == Durable.SYNC);
        try {
            db = Iq80DBFactory.factory.open(dir.toFile(), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot open iq80 LevelDB in " + dir, e);
        }
    }

    @Override
    public byte[] get(byte[] key) {
        return db.get(key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        db.put(key, value, writeOptions);
    }

    @Override
    public void putBatch(byte[][] keys, byte[][] values, int from, int count) {
        try (WriteBatch batch = db.createWriteBatch()) {
            for (int i = from; i < from + count; i++) {
                batch.put(keys[i], values[i]);
            }
            db.write(batch, writeOptions);
        } catch (IOException e) {
            throw new UncheckedIOException("iq80 LevelDB batch failed", e);
        }
    }

    @Override
    public long scan(byte[] start, int limit, Sink sink) {
        long sum = 0;
        try (DBIterator it = db.iterator()) {
            it.seek(start);
            for (int n = 0; n < limit && it.hasNext(); n++) {
                Map.Entry<byte[], byte[]> e = it.next();
                byte[] v = e.getValue();
                sink.accept(e.getKey(), v);
                sum += 1 + v.length;
            }
        } catch (IOException e) {
            throw new UncheckedIOException("iq80 LevelDB iterator failed", e);
        }
        return sum;
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            db.close();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot close iq80 LevelDB", e);
        }
    }

    /**
     * Writes the memtable to a table. The port's whole-range {@code compactRange} is not implemented in
     * 0.12, so the tables are left where its background compaction put them.
     */
    @Override
    public void settle() {
        try {
            ((DbImpl) db).compactMemTable();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot flush iq80 LevelDB's memtable", e);
        }
    }
}
