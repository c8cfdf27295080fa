package dev.plinth.etcd;

import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.ScanSpec;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.options.GetOption;
import java.util.List;

/**
 * Point reads and cursors of one engine at one revision. Thread-safe.
 */
class EtcdView implements EngineReader {
    final EtcdEngine engine;
    final long revision;

    EtcdView(EtcdEngine engine, long revision) {
        this.engine = engine;
        this.revision = revision;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        KeyValue kv = entry(engine.live(keyspace), key);
        return kv == null ? null : kv.getValue().getBytes();
    }

    /** The entry of a key at this view's revision, with its revisions, or {@code null}. */
    KeyValue entry(EtcdKeyspace ks, byte[] key) {
        GetResponse r = engine.remote().read(engine.kv().get(ks.key(key),
                GetOption.builder().withRevision(revision).build()), "a read of a key in " + ks);
        List<KeyValue> kvs = r.getKvs();
        return kvs.isEmpty() ? null : kvs.get(0);
    }

    /** How many keys of a range exist at this revision, counting only those last written at or before {@code maxMod}. */
    long count(EtcdKeyspace ks, byte[] start, byte[] end, long maxMod) {
        GetOption.Builder o = GetOption.builder().withRange(ks.upper(end)).withRevision(revision).withCountOnly(true);
        if (maxMod > 0) {
            o.withMaxModRevision(maxMod);
        }
        return engine.remote().read(engine.kv().get(ks.lower(start), o.build()), "a count of a range in " + ks)
                .getCount();
    }

    /** Whether any key of a range was written after {@code version}, at this revision. */
    boolean writtenAfter(EtcdKeyspace ks, byte[] start, byte[] end, long version) {
        GetOption o = GetOption.builder().withRange(ks.upper(end)).withRevision(revision).withCountOnly(true)
                .withMinModRevision(version + 1).build();
        return engine.remote().read(engine.kv().get(ks.lower(start), o), "a check of a range in " + ks).getCount() > 0;
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        EtcdKeyspace ks = engine.live(keyspace);
        return new EtcdCursor(engine.kv(), engine.remote(), ks, scan, revision, engine.options().pageSize());
    }

    /** Throws if the keyspace was dropped; snapshots taken before a drop fail too, as the SPI asks. */
    static void requireLive(EtcdEngine engine, EngineKeyspace keyspace) {
        if (!engine.isLive(keyspace)) {
            throw new NoSuchKeyspaceException("keyspace '" + keyspace.name() + "' of " + engine.remote().store()
                    + " was dropped");
        }
    }
}
