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
 * revision at {@code R} is after {@code V}, or it existed at {@code V} and not at {@code R} and a batch wrote
 * its keyspace since {@code V}; a range changed if any key in it was written after {@code V}, or it holds
 * another number of keys than at {@code V} and a batch wrote the keyspace since. A key that a lease removed
 * (its time to live ran out) is not a change: leases do not rewrite the stamp. Not thread-safe: one
 * apply attempt uses it.
 */
final class PreconditionView extends EtcdView implements ChangeTracker {
    private record Read(EtcdKeyspace keyspace, long modRevision) {
    }

    private final Map<ByteSequence, Read> keys = new LinkedHashMap<>();
    private final Set<EtcdKeyspace> ranges = new LinkedHashSet<>();
    private final Map<EtcdKeyspace, Long> stamps = new java.util.HashMap<>();

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
        // absent now: a change only if it was there then and a batch (not a lease running out) removed it
        return new EtcdView(engine, version).entry(ks, key) != null && stamp(ks) > version;
    }

    @Override
    public boolean changedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version) {
        EtcdKeyspace ks = engine.live(keyspace);
        ranges.add(ks);
        if (writtenAfter(ks, start, end, version)) {
            return true;
        }
        // nothing in the range was written since: it changed only if a batch (not a lease) deleted keys from it
        return stamp(ks) > version && count(ks, start, end) != new EtcdView(engine, version).count(ks, start, end);
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
            out.add(new Cmp(ks.stamp(), Cmp.Op.EQUAL, CmpTarget.modRevision(stamp(ks))));
        }
        return out;
    }

    private long stamp(EtcdKeyspace ks) {
        return stamps.computeIfAbsent(ks, this::stampRevision);
    }
}
