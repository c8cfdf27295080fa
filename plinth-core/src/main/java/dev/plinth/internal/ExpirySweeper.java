package dev.plinth.internal;

import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.ScanSpec;
import java.util.ArrayList;
import java.util.List;

/**
 * Deletes expired entries during {@link dev.plinth.Store#compact()} on engines without native time to
 * live, so their space is reclaimed. Each delete is conditional on the entry still holding the expired
 * stored form, so a concurrent overwrite is never lost. Not thread-safe; one per sweep.
 */
final class ExpirySweeper {
    /** Expired entries deleted per engine batch. */
    static final int CHUNK = 1000;

    private final CoreStore store;

    ExpirySweeper(CoreStore store) {
        this.store = store;
    }

    /**
     * Sweeps the given keyspaces.
     *
     * @return how many expired entries were deleted
     */
    long sweep(List<CoreKeyspace> keyspaces) {
        long now = store.now();
        long deleted = 0;
        for (CoreKeyspace ks : keyspaces) {
            List<byte[][]> expired = new ArrayList<>();
            store.guard().enter();
            // Only the header of each value, which holds the expiry: live values are not copied out at all.
            ScanSpec headers = ScanSpec.all().valuesUpTo(ValueCodec.EXPIRY_PREFIX);
            try (EngineCursor c = store.engine().cursor(ks.engineKeyspace, headers)) {
                while (c.next()) {
                    if (!ValueCodec.isLive(c.value(), now)) {
                        // The delete is conditional on the whole stored value, read now; if it changed since
                        // the cursor's view and is live, it is left alone.
                        byte[] stored = store.engine().get(ks.engineKeyspace, c.key());
                        if (stored == null || ValueCodec.isLive(stored, now)) {
                            continue;
                        }
                        expired.add(new byte[][] {c.key(), stored});
                        if (expired.size() >= CHUNK) {
                            deleted += delete(ks, expired);
                            expired.clear();
                        }
                    }
                }
            } finally {
                store.guard().exit();
            }
            deleted += delete(ks, expired);
        }
        return deleted;
    }

    private long delete(CoreKeyspace ks, List<byte[][]> expired) {
        if (expired.isEmpty()) {
            return 0;
        }
        // Sweeping loses nothing on a crash (the entries are already invisible): the weakest level will do.
        var durability = store.checks().capabilities().durabilities().iterator().next();
        // Reclaiming: a version-keeping engine does not count these deletes as changes, so transactions
        // that saw the entries expired do not conflict with the sweep.
        EngineBatch.Builder all = EngineBatch.builder(durability).reclaiming();
        for (byte[][] e : expired) {
            all.delete(ks.engineKeyspace, e[0]).requireValue(ks.engineKeyspace, e[0], e[1]);
        }
        if (store.apply(all.build())) {
            return expired.size();
        }
        long n = 0; // someone wrote some of these keys meanwhile: one at a time
        for (byte[][] e : expired) {
            if (store.apply(EngineBatch.builder(durability).reclaiming().delete(ks.engineKeyspace, e[0])
                    .requireValue(ks.engineKeyspace, e[0], e[1]).build())) {
                n++;
            }
        }
        return n;
    }
}
