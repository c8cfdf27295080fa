package dev.plinth.cli.bench;

import java.util.PriorityQueue;

/**
 * Hands out ids for new records and tracks which of them are surely written, so that readers choose
 * only keys that must exist (YCSB's "acknowledged counter"). Ids are allocated in order; an id is
 * acknowledged once its write returned; {@link #limit()} is the length of the longest prefix of ids that
 * are all written. A read of an id below the limit that finds nothing is therefore a real miss.
 *
 * <p>Thread-safe. {@link #limit()} is a volatile read; allocate and acknowledge take {@link #lock}, which
 * inserts (a few percent of operations) can afford.
 */
final class InsertCounter {
    private final Object lock = new Object();
    // Guarded by lock:
    private long next;
    private final PriorityQueue<Long> written = new PriorityQueue<>();
    // Written under lock, read without it.
    private volatile long limit;

    /**
     * Starts after the loaded records.
     *
     * @param loaded records {@code 0 .. loaded - 1} already exist
     */
    InsertCounter(long loaded) {
        this.next = loaded;
        this.limit = loaded;
    }

    /**
     * Allocates the next id.
     *
     * @return a new id, never handed out before
     */
    long allocate() {
        synchronized (lock) {
            return next++;
        }
    }

    /**
     * Records that the write of an allocated id returned.
     *
     * @param id an id from {@link #allocate()}
     */
    void acknowledge(long id) {
        synchronized (lock) {
            written.add(id);
            long l = limit;
            while (!written.isEmpty() && written.peek() == l) {
                written.poll();
                l++;
            }
            limit = l;
        }
    }

    /**
     * Ids below this are all written.
     *
     * @return the acknowledged prefix length
     */
    long limit() {
        return limit;
    }
}
