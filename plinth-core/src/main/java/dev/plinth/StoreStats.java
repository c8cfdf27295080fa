package dev.plinth;

import java.util.Collections;
import java.util.Map;
import java.util.TreeMap;

/**
 * A point-in-time reading of a store's counters. Immutable.
 *
 * <p>{@link #counters()} holds engine-specific counters under dotted names (for the in-memory engine
 * {@code mem.keys}, {@code mem.versions}, ...); the names each engine reports are documented with it.
 *
 * @param engine the engine's URI scheme
 * @param openCursors cursors open now
 * @param openSnapshots snapshots open now
 * @param openTransactions transactions open now
 * @param counters engine counters by name, sorted
 */
public record StoreStats(String engine, int openCursors, int openSnapshots, int openTransactions,
                         Map<String, Long> counters) {
    /**
     * Makes a reading; copies the counters.
     *
     * @param engine the engine's URI scheme
     * @param openCursors cursors open now
     * @param openSnapshots snapshots open now
     * @param openTransactions transactions open now
     * @param counters engine counters by name
     */
    public StoreStats {
        counters = Collections.unmodifiableMap(new TreeMap<>(counters));
    }

    /**
     * One counter.
     *
     * @param name the counter's name
     * @return its value, or {@code -1} if the engine does not report it
     */
    public long counter(String name) {
        return counters.getOrDefault(name, -1L);
    }
}
