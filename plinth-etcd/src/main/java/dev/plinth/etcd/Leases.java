package dev.plinth.etcd;

import io.etcd.jetcd.Lease;
import java.time.InstantSource;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Shared leases, one per expiry bucket: every entry whose expiry falls in the same bucket of
 * {@link EtcdOptions#leaseBucketMillis()} is attached to the same lease, which runs out at the bucket's end,
 * never before the entry's expiry. A million entries with a time to live are a few leases, not a million.
 * The core hides expired entries on every read itself; leases only reclaim them. Thread-safe.
 */
final class Leases {
    /** A lease the engine granted, with when (on the monotonic clock) it is too near its end to hand out. */
    private record Granted(long id, long usableUntilNanos) {
    }

    /** etcd raises shorter leases to its own minimum anyway. */
    private static final long MIN_TTL_SECONDS = 2;

    private final Lease client;
    private final Remote remote;
    private final InstantSource clock;
    private final long bucketMillis;
    private final ConcurrentHashMap<Long, Granted> byBucket = new ConcurrentHashMap<>();

    Leases(Lease client, Remote remote, InstantSource clock, long bucketMillis) {
        this.client = client;
        this.remote = remote;
        this.clock = clock;
        this.bucketMillis = bucketMillis;
    }

    /**
     * The lease for an entry that expires at {@code expiresAtMillis} of the store's clock.
     *
     * @return the lease id
     */
    long leaseFor(long expiresAtMillis) {
        long bucket = Math.floorDiv(expiresAtMillis, bucketMillis) + 1;
        long now = System.nanoTime();
        Granted g = byBucket.get(bucket);
        if (g != null && now - g.usableUntilNanos < 0) {
            return g.id;
        }
        long bucketEnd = bucket * bucketMillis;
        long ttl = Math.max(MIN_TTL_SECONDS, Math.floorDiv(bucketEnd - clock.millis() + 999, 1000) + 1);
        long id = remote.read(client.grant(ttl), "granting a lease of " + ttl + " s").getID();
        // handed out only while at least half its life is left, so a put never names a lease that just ran out
        Granted fresh = new Granted(id, now + ttl * 500_000_000L);
        byBucket.put(bucket, fresh);
        byBucket.values().removeIf(x -> now - x.usableUntilNanos >= 0);
        return id;
    }

    /** How many leases are in use. */
    int size() {
        return byBucket.size();
    }
}
