package dev.plinth.decorators.internal;

import dev.plinth.Durability;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * Holds writes in memory and writes them to the engine as one batch when a count, byte or age threshold is
 * reached, at {@link #flush()} and at {@link #close()}.
 *
 * <p>Only batches that may be lost on a process crash are held: durability {@link Durability#NONE}, no
 * preconditions, not reclaiming. Any other batch first writes what is held and then goes to the engine as
 * it is, so a {@link Durability#PROCESS} or {@link Durability#SYNC} write is never held, and a
 * compare-and-set or a transaction commit is checked by the engine against a state that includes every held
 * write. Held batches are written in order in one engine batch, so each stays atomic.
 *
 * <p>What is held is visible: point reads answer from an overlay of the held writes (puts, deletes and range
 * deletes, in order) before asking the engine; cursors and snapshots write what is held before they open,
 * so they see it too (and a snapshot never changes afterwards). The age threshold is checked by a timer,
 * which writes what is held once the oldest reaches it: one daemon thread ({@link #FLUSHER}) shared by every
 * buffer of the JVM. Reads, compaction and the timer check the age; writes do not, since a clock read per
 * held write cost more than holding it. A write the timer makes that fails leaves everything
 * held (counted in {@code buffer.timerFailures}) and tries again one age threshold later; the next write through
 * the buffer writes what is held before it is held itself, so it reports the engine's error (and is not held).
 *
 * <p>Thread-safe: {@link #lock} guards the held writes and the overlay, and is held while they are written
 * to the engine, so that no reader sees a write neither held nor applied.
 */
public final class BufferingEngine extends ForwardingEngine {
    /**
     * Writes idle buffers' old writes: one daemon thread for the JVM, whose tasks are short (one engine batch)
     * and cancelled when their buffer closes.
     */
    private static final ScheduledThreadPoolExecutor FLUSHER = flusher();

    private static ScheduledThreadPoolExecutor flusher() {
        ScheduledThreadPoolExecutor e = new ScheduledThreadPoolExecutor(1, r -> {
            Thread t = new Thread(r, "plinth-write-buffer-flusher");
            t.setDaemon(true);
            return t;
        });
        e.setRemoveOnCancelPolicy(true);
        return e;
    }

    /** Marks a held delete in the overlay; compared by identity. */
    private static final byte[] TOMBSTONE = new byte[0];

    private final int maxOps;
    private final long maxBytes;
    private final long maxAgeNanos;
    private final LongSupplier nanoClock;

    /** Guards every field below, and is held while they are written to the engine. */
    private final Object lock = new Object();
    private final List<EngineBatch.Mutation> held = new ArrayList<>();
    private long heldBytes;
    private long firstHeldAt;
    /**
     * Held puts and deletes, the latest per key of a keyspace. Hashed, not sorted: point reads are all it
     * answers (cursors write what is held first), and a range delete, rare, scans the held keys. One map for
     * every keyspace, cleared (never replaced) when what is held is written, so it keeps its table.
     */
    private final HashMap<OverlayKey, byte[]> overlay = new HashMap<>();
    /** Held range deletes by keyspace name, {start, end}; keys put after one are in {@link #overlay}. */
    private final Map<String, List<byte[][]>> deletedRanges = new HashMap<>();
    private long flushes;
    private long heldBatches;
    private long passedBatches;
    private long timerFlushes;
    private long timerFailures;
    /** The timer found the held writes due and failed to write them: the next write writes them first. */
    private boolean overdue;
    /** The timer's next check of this buffer; {@code null} while none is due. */
    private ScheduledFuture<?> timer;
    private boolean closed;

    /**
     * Wraps an engine.
     *
     * @param delegate the engine
     * @param maxOps write when this many mutations are held (at most the engine's batch limit)
     * @param maxBytes write when this many key and value bytes are held (at most the engine's batch limit)
     * @param maxAgeNanos write when the oldest held write is this old, by {@code nanoClock}
     * @param nanoClock the clock of the age threshold
     */
    public BufferingEngine(Engine delegate, int maxOps, long maxBytes, long maxAgeNanos, LongSupplier nanoClock) {
        super(delegate);
        if (maxOps < 1 || maxBytes < 1 || maxAgeNanos < 0) {
            throw new IllegalArgumentException("write buffer thresholds must be positive (" + maxOps
                    + " operations, " + maxBytes + " bytes, " + maxAgeNanos + " ns)");
        }
        this.maxOps = Math.min(maxOps, delegate.capabilities().maxBatchOps());
        this.maxBytes = Math.min(maxBytes, delegate.capabilities().maxBatchBytes());
        this.maxAgeNanos = maxAgeNanos;
        this.nanoClock = nanoClock;
    }

    @Override
    public boolean apply(EngineBatch batch) {
        long bytes = batch.mutationBytes();
        boolean holdable = batch.durability() == Durability.NONE && batch.preconditions().isEmpty()
                && !batch.reclaimsOnly() && batch.mutations().size() <= maxOps && bytes <= maxBytes;
        synchronized (lock) {
            if (!holdable) {
                writeHeldLocked();
                passedBatches++;
                return delegate().apply(batch);
            }
            if (overdue || held.size() + batch.mutations().size() > maxOps || heldBytes + bytes > maxBytes) {
                writeHeldLocked();
            }
            if (held.isEmpty()) {
                firstHeldAt = nanoClock.getAsLong();
                if (maxAgeNanos > 0) {
                    scheduleLocked(maxAgeNanos);
                }
            }
            for (EngineBatch.Mutation m : batch.mutations()) {
                holdLocked(m);
            }
            heldBytes += bytes;
            heldBatches++;
            // The age is left to the timer (scheduled when the first write was held) and to reads: a clock read
            // per held write cost a buffered put more than holding it.
            if (held.size() >= maxOps || heldBytes >= maxBytes || maxAgeNanos == 0) {
                writeHeldLocked();
            }
            return true;
        }
    }

    private void holdLocked(EngineBatch.Mutation m) {
        held.add(m);
        String ks = m.keyspace().name();
        switch (m.kind()) {
            case PUT -> overlay.put(new OverlayKey(ks, m.key()), m.value());
            case DELETE -> overlay.put(new OverlayKey(ks, m.key()), TOMBSTONE);
            case DELETE_RANGE -> {
                byte[] start = m.key();
                byte[] end = m.end();
                overlay.keySet().removeIf(k -> k.keyspace.equals(ks) && inRange(k.key, start, end));
                deletedRanges.computeIfAbsent(ks, k -> new ArrayList<>()).add(new byte[][] {start, end});
            }
        }
    }

    /** Whether a key is in {@code [start, end)}, a {@code null} bound being open. */
    private static boolean inRange(byte[] key, byte[] start, byte[] end) {
        return (start == null || Arrays.compareUnsigned(key, start) >= 0)
                && (end == null || Arrays.compareUnsigned(key, end) < 0);
    }

    /** Writes every held mutation in one batch, in order. Caller holds {@link #lock}. */
    private void writeHeldLocked() {
        if (held.isEmpty()) {
            return;
        }
        EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
        for (EngineBatch.Mutation m : held) {
            switch (m.kind()) {
                case PUT -> b.put(m.keyspace(), m.key(), m.value(), m.expiresAtMillis());
                case DELETE -> b.delete(m.keyspace(), m.key());
                case DELETE_RANGE -> b.deleteRange(m.keyspace(), m.key(), m.end());
            }
        }
        delegate().apply(b.build()); // unconditional: true, or it throws and everything stays held
        overdue = false;
        held.clear();
        heldBytes = 0;
        overlay.clear();
        deletedRanges.clear();
        flushes++;
    }

    /** Asks the timer to check this buffer after a delay, unless a check is due already. Caller holds {@link #lock}. */
    private void scheduleLocked(long delayNanos) {
        if (closed || (timer != null && !timer.isDone())) {
            return;
        }
        timer = FLUSHER.schedule(this::onTimer, Math.max(0, delayNanos), TimeUnit.NANOSECONDS);
    }

    /** The timer's check: writes what is held once old, or checks again when the oldest will be. */
    private void onTimer() {
        synchronized (lock) {
            timer = null;
            if (closed || held.isEmpty()) {
                return;
            }
            long age = nanoClock.getAsLong() - firstHeldAt;
            if (age < maxAgeNanos) {
                scheduleLocked(maxAgeNanos - age);
                return;
            }
            try {
                writeHeldLocked();
                timerFlushes++;
            } catch (RuntimeException e) {
                // Everything stays held. The next write through this buffer writes it first and so gets the
                // engine's error (apply no longer reads the clock, so it is told); the timer tries again meanwhile.
                timerFailures++;
                overdue = true;
                scheduleLocked(maxAgeNanos);
            }
        }
    }

    /** Writes what is held if the oldest held write reached the age threshold. */
    private void writeIfOld() {
        synchronized (lock) {
            if (!held.isEmpty() && nanoClock.getAsLong() - firstHeldAt >= maxAgeNanos) {
                writeHeldLocked();
            }
        }
    }

    private void writeHeld() {
        synchronized (lock) {
            writeHeldLocked();
        }
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        synchronized (lock) {
            writeIfOldLocked();
            byte[] v = overlay.isEmpty() ? null : overlay.get(new OverlayKey(keyspace.name(), key));
            if (v != null) {
                return v == TOMBSTONE ? null : v;
            }
            List<byte[][]> ranges = deletedRanges.get(keyspace.name());
            if (ranges != null) {
                for (byte[][] r : ranges) {
                    if (inRange(key, r[0], r[1])) {
                        return null;
                    }
                }
            }
        }
        return delegate().get(keyspace, key);
    }

    private void writeIfOldLocked() {
        if (!held.isEmpty() && nanoClock.getAsLong() - firstHeldAt >= maxAgeNanos) {
            writeHeldLocked();
        }
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        writeHeld();
        return delegate().cursor(keyspace, scan);
    }

    @Override
    public EngineSnapshot snapshot() {
        writeHeld();
        return delegate().snapshot();
    }

    @Override
    public boolean dropKeyspace(String name) {
        writeHeld();
        return delegate().dropKeyspace(name);
    }

    @Override
    public void flush() {
        writeHeld();
        delegate().flush();
    }

    @Override
    public void compact() {
        writeIfOld();
        delegate().compact();
    }

    /** Counters under {@code buffer.*}: flushes, held and passed batches, and what is held now. */
    @Override
    public Map<String, Long> stats() {
        Map<String, Long> out = new HashMap<>(delegate().stats());
        synchronized (lock) {
            out.put("buffer.flushes", flushes);
            out.put("buffer.heldBatches", heldBatches);
            out.put("buffer.passedBatches", passedBatches);
            out.put("buffer.heldOps", (long) held.size());
            out.put("buffer.heldBytes", heldBytes);
            out.put("buffer.timerFlushes", timerFlushes);
            out.put("buffer.timerFailures", timerFailures);
        }
        return out;
    }

    /** Stops the timer, writes what is held, then closes the engine even if that failed. */
    @Override
    public void close() {
        try {
            synchronized (lock) {
                closed = true;
                if (timer != null) {
                    timer.cancel(false);
                    timer = null;
                }
                writeHeldLocked();
            }
        } finally {
            super.close();
        }
    }

    /** A held key of a keyspace named {@code keyspace}, compared by content. */
    private static final class OverlayKey {
        final String keyspace;
        final byte[] key;
        private final int hash;

        OverlayKey(String keyspace, byte[] key) {
            this.keyspace = keyspace;
            this.key = key;
            this.hash = keyspace.hashCode() * 31 + Arrays.hashCode(key);
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof OverlayKey other && Arrays.equals(other.key, key) && other.keyspace.equals(keyspace);
        }

        @Override
        public int hashCode() {
            return hash;
        }
    }
}
