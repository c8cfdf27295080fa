package dev.plinth.etcd;

import io.etcd.jetcd.Lease;
import java.time.InstantSource;
import java.util.Iterator;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;

/**
 * Shared leases, one per expiry bucket: every entry whose expiry falls in the same bucket of
 * {@link EtcdOptions#leaseBucketMillis()} is attached to the same lease, which runs out at the bucket's end,
 * never before the entry's expiry. A million entries with a time to live are a few leases, not a million.
 * The core hides expired entries on every read itself; leases only reclaim them: etcd when a lease runs out
 * in real time, or {@link #revokeExpired()} when the store's clock (which tests may move) says a bucket has
 * ended. Thread-safe.
 */
final class Leases {
    /** A lease the engine granted for a bucket. Its mutable fields are guarded by the object itself. */
    private static final class Granted {
        final long id;
        final long usableUntilNanos;
        final long expiresNanos;
        /** The latest expiry of an entry attached to it. */
        long latestExpiryMillis;
        /** Set once it is being revoked: no entry is attached to it from then on. */
        boolean closing;

        Granted(long id, long latestExpiryMillis, long usableUntilNanos, long expiresNanos) {
            this.id = id;
            this.latestExpiryMillis = latestExpiryMillis;
            this.usableUntilNanos = usableUntilNanos;
            this.expiresNanos = expiresNanos;
        }

        /** Attaches an entry unless the lease is being revoked. */
        synchronized boolean attach(long expiresAtMillis) {
            if (closing) {
                return false;
            }
            latestExpiryMillis = Math.max(latestExpiryMillis, expiresAtMillis);
            return true;
        }

        /** Marks it for revocation if every entry attached to it expired by {@code nowMillis}. */
        synchronized boolean closeIfExpired(long nowMillis) {
            if (latestExpiryMillis <= nowMillis) {
                closing = true;
            }
            return closing;
        }
    }

    /** etcd raises shorter leases to its own minimum anyway. */
    private static final long MIN_TTL_SECONDS = 2;
    /** etcd's largest lease; an entry expiring later gets no lease and is never reclaimed by etcd. */
    static final long MAX_TTL_SECONDS = 9_000_000_000L;

    private final Lease client;
    private final Remote remote;
    private final InstantSource clock;
    private final long bucketMillis;
    private final ConcurrentHashMap<Long, Granted> byBucket = new ConcurrentHashMap<>();
    private final ConcurrentLinkedQueue<Granted> granted = new ConcurrentLinkedQueue<>();

    Leases(Lease client, Remote remote, InstantSource clock, long bucketMillis) {
        this.client = client;
        this.remote = remote;
        this.clock = clock;
        this.bucketMillis = bucketMillis;
    }

    /**
     * The lease for an entry that expires at {@code expiresAtMillis} of the store's clock.
     *
     * @return the lease id, or 0 (no lease) for an expiry beyond the longest lease etcd grants
     */
    long leaseFor(long expiresAtMillis) {
        long bucket = Math.floorDiv(expiresAtMillis, bucketMillis) + 1;
        long now = System.nanoTime();
        Granted g = byBucket.get(bucket);
        if (g != null && now - g.usableUntilNanos < 0 && g.attach(expiresAtMillis)) {
            return g.id;
        }
        long bucketEnd;
        long ttl;
        try {
            bucketEnd = Math.multiplyExact(bucket, bucketMillis);
            ttl = Math.max(MIN_TTL_SECONDS, Math.floorDiv(Math.subtractExact(bucketEnd, clock.millis()) + 999, 1000) + 1);
        } catch (ArithmeticException e) {
            return 0;
        }
        if (ttl > MAX_TTL_SECONDS) {
            return 0;
        }
        long id = remote.read(client.grant(ttl), "granting a lease of " + ttl + " s").getID();
        // handed out only while at least half its life is left, so a put never names a lease that just ran out
        Granted fresh = new Granted(id, expiresAtMillis, now + ttl * 500_000_000L, now + ttl * 1_000_000_000L);
        byBucket.put(bucket, fresh);
        granted.add(fresh);
        byBucket.values().removeIf(x -> now - x.usableUntilNanos >= 0);
        return id;
    }

    /**
     * Revokes every lease this engine granted whose entries all expired by the store's clock, which deletes
     * them. A lease being revoked is never handed out again, and one is revoked only if no entry attached to it
     * expires later than now.
     *
     * @return how many leases were revoked
     */
    int revokeExpired() {
        long nowMillis = clock.millis();
        long nowNanos = System.nanoTime();
        int revoked = 0;
        for (Iterator<Granted> it = granted.iterator(); it.hasNext(); ) {
            Granted g = it.next();
            if (nowNanos - g.expiresNanos >= 0) {
                it.remove(); // etcd let it run out already
            } else if (g.closeIfExpired(nowMillis)) {
                byBucket.values().remove(g);
                try {
                    remote.read(client.revoke(g.id), "revoking an expired lease");
                } catch (dev.plinth.StorageIOException e) {
                    if (e.getCause() == null || e.getCause().getMessage() == null
                            || !e.getCause().getMessage().contains("lease not found")) {
                        throw e;
                    }
                }
                it.remove();
                revoked++;
            }
        }
        return revoked;
    }

    /** How many leases the engine tracks. */
    int size() {
        return granted.size();
    }
}
