package dev.plinth.etcd;

import dev.plinth.spi.ChangeTracker;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.ScanSpec;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The view a batch's preconditions are checked against: the state at one revision {@code R}, which records
 * what the check read, so the batch can commit only if that is still the state. Each key read becomes a
 * compare of its mod revision (0 for an absent key) with its mod revision at {@code R}; each keyspace whose
 * range was read becomes a compare of its stamp key, which every batch that writes the keyspace rewrites.
 * Version preconditions ("unchanged since V") are answered from etcd's history: a key changed if its mod
 * revision at {@code R} is after {@code V} or it existed at {@code V} and not at {@code R}; a range changed if
 * any key in it was written after {@code V} or it holds fewer keys than at {@code V}. Not thread-safe: one
 * apply attempt uses it.
 */
final class PreconditionView extends EtcdView implements ChangeTracker {
    private record Read(EtcdKeyspace keyspace, long modRevision) {
    }

    private final Map<ByteSequence, Read> keys = new LinkedHashMap<>();
    private final Set<EtcdKeyspace> ranges = new LinkedHashSet<>();

    PreconditionView(EtcdEngine engine, long revision) {
        super(engine, revision);
    }

    @Override
    KeyValue entry(EtcdKeyspace ks, byte[] key) {
        KeyValue e = super.entry(ks, key);
        keys.putIfAbsent(ks.key(key), new Read(ks, e == null ? 0L : e.getModRevision()));
        return e;
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        ranges.add(engine.live(keyspace));
        return super.cursor(keyspace, scan);
    }

    @Override
    public boolean changedSince(EngineKeyspace keyspace, byte[] key, long version) {
        EtcdKeyspace ks = engine.live(keyspace);
        KeyValue now = entry(ks, key);
        if (now != null) {
            return now.getModRevision() > version;
        }
        return new EtcdView(engine, version).entry(ks, key) != null;
    }

    @Override
    public boolean changedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version) {
        EtcdKeyspace ks = engine.live(keyspace);
        ranges.add(ks);
        if (writtenAfter(ks, start, end, version)) {
            return true;
        }
        // nothing in the range was written since: it changed only if keys were deleted from it
        return count(ks, start, end, 0) != new EtcdView(engine, version).count(ks, start, end, 0);
    }

    /**
     * The compares that hold exactly when nothing this view read has changed since its revision.
     *
     * @param maxCompares how many compares one transaction may hold; beyond that, keys are guarded by
     *     their keyspace's stamp instead, which is coarser (any write to the keyspace fails it) but sound
     */
    List<Cmp> compares(int maxCompares) {
        List<Cmp> out = new ArrayList<>();
        Set<EtcdKeyspace> stamped = new LinkedHashSet<>(ranges);
        if (keys.size() + stamped.size() > maxCompares) {
            // every key read belongs to a keyspace the engine knows; guard them all by stamps
            for (Read r : keys.values()) {
                stamped.add(r.keyspace());
            }
        } else {
            for (Map.Entry<ByteSequence, Read> e : keys.entrySet()) {
                out.add(new Cmp(e.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(e.getValue().modRevision())));
            }
        }
        for (EtcdKeyspace ks : stamped) {
            List<KeyValue> kvs = engine.remote().read(engine.kv().get(ks.stamp(),
                    io.etcd.jetcd.options.GetOption.builder().withRevision(revision).build()),
                    "a read of the stamp of " + ks).getKvs();
            long mod = kvs.isEmpty() ? 0 : kvs.get(0).getModRevision();
            out.add(new Cmp(ks.stamp(), Cmp.Op.EQUAL, CmpTarget.modRevision(mod)));
        }
        return out;
    }
}
