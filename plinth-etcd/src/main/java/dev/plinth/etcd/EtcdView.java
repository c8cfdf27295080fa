package dev.plinth.etcd;

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

    /** How many keys a range holds at this revision. */
    long count(EtcdKeyspace ks, byte[] start, byte[] end) {
        GetOption o = GetOption.builder().withRange(ks.upper(end)).withRevision(revision).withCountOnly(true).build();
        return engine.remote().read(engine.kv().get(ks.lower(start), o), "a count of a range in " + ks).getCount();
    }

    /**
     * Whether any key of a range was written after {@code version}, at this revision: the range's most recently
     * written key, by one request sorted by mod revision. (etcd applies its mod revision filters after counting,
     * so a count cannot answer this.)
     */
    boolean writtenAfter(EtcdKeyspace ks, byte[] start, byte[] end, long version) {
        GetOption o = GetOption.builder().withRange(ks.upper(end)).withRevision(revision).withKeysOnly(true)
                .withSortField(GetOption.SortTarget.MOD).withSortOrder(GetOption.SortOrder.DESCEND).withLimit(1).build();
        List<KeyValue> kvs = engine.remote().read(engine.kv().get(ks.lower(start), o), "a check of a range in " + ks).getKvs();
        return !kvs.isEmpty() && kvs.get(0).getModRevision() > version;
    }

    /** The mod revision of a keyspace's stamp at this revision: the last batch that wrote the keyspace, or 0. */
    long stampRevision(EtcdKeyspace ks) {
        List<KeyValue> kvs = engine.remote().read(engine.kv().get(ks.stamp(),
                GetOption.builder().withRevision(revision).build()), "a read of the stamp of " + ks).getKvs();
        return kvs.isEmpty() ? 0 : kvs.get(0).getModRevision();
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        if (revision == 0) {
            return engine.cursor(keyspace, scan);
        }
        EtcdKeyspace ks = engine.live(keyspace);
        return new EtcdCursor(engine.kv(), engine.remote(), ks, scan, revision, engine.options().pageSize(),
                engine::currentRevision, null);
    }

}
