package dev.plinth.testkit.model;

import java.util.AbstractMap;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.NavigableMap;
import java.util.TreeMap;

/**
 * The model a store is compared with: per keyspace, a sorted map of key to value and expiry instant.
 * Expired entries are kept (they are invisible) so that snapshot copies can tell what they held. Not
 * thread-safe.
 */
final class Oracle {
    /** The expiry of an entry written without a time to live. */
    static final long NEVER = Long.MAX_VALUE;

    /**
     * One stored value.
     *
     * @param value the value
     * @param expiresAt epoch millis from which the entry is invisible, or {@link #NEVER}
     */
    record Entry(byte[] value, long expiresAt) {
        boolean visibleAt(long now) {
            return expiresAt > now;
        }
    }

    private final TreeMap<String, TreeMap<byte[], Entry>> spaces = new TreeMap<>();

    Oracle() {
    }

    /** A copy that later changes to either side do not affect (entries are immutable). */
    Oracle copy() {
        Oracle o = new Oracle();
        for (Map.Entry<String, TreeMap<byte[], Entry>> e : spaces.entrySet()) {
            o.spaces.put(e.getKey(), new TreeMap<>(e.getValue()));
        }
        return o;
    }

    boolean exists(String ks) {
        return spaces.containsKey(ks);
    }

    List<String> names() {
        return new ArrayList<>(spaces.keySet());
    }

    /** Creates the keyspace if absent; returns whether it was created. */
    boolean create(String ks) {
        if (spaces.containsKey(ks)) {
            return false;
        }
        spaces.put(ks, new TreeMap<>(Bytes.UNSIGNED));
        return true;
    }

    boolean drop(String ks) {
        return spaces.remove(ks) != null;
    }

    /** The visible value of a key, or {@code null}. */
    byte[] get(String ks, byte[] key, long now) {
        Entry e = map(ks).get(key);
        return e != null && e.visibleAt(now) ? e.value() : null;
    }

    /** The stored entry of a key, expired or not, or {@code null}. */
    Entry entry(String ks, byte[] key) {
        return map(ks).get(key);
    }

    void put(String ks, byte[] key, byte[] value, long expiresAt) {
        map(ks).put(key, new Entry(value, expiresAt));
    }

    void delete(String ks, byte[] key) {
        map(ks).remove(key);
    }

    void deleteRange(String ks, byte[] start, byte[] end) {
        sub(map(ks), start, end).clear();
    }

    /**
     * Every stored entry of {@code [start, end)}, expired ones included, in the given direction. The
     * pairs are copies: a {@code TreeMap}'s own entries change with the map.
     */
    List<Map.Entry<byte[], Entry>> range(String ks, byte[] start, byte[] end, boolean reverse) {
        NavigableMap<byte[], Entry> m = sub(map(ks), start, end);
        List<Map.Entry<byte[], Entry>> out = new ArrayList<>(m.size());
        for (Map.Entry<byte[], Entry> e : (reverse ? m.descendingMap() : m).entrySet()) {
            out.add(new AbstractMap.SimpleImmutableEntry<>(e));
        }
        return out;
    }

    /** Every future expiry instant after {@code now}, sorted, without duplicates. */
    List<Long> futureExpiries(long now) {
        TreeMap<Long, Boolean> out = new TreeMap<>();
        for (TreeMap<byte[], Entry> m : spaces.values()) {
            for (Entry e : m.values()) {
                if (e.expiresAt() != NEVER && e.expiresAt() > now) {
                    out.put(e.expiresAt(), Boolean.TRUE);
                }
            }
        }
        return new ArrayList<>(out.keySet());
    }

    /** Number of visible entries in a keyspace. */
    int visibleCount(String ks, long now) {
        int n = 0;
        for (Entry e : map(ks).values()) {
            if (e.visibleAt(now)) {
                n++;
            }
        }
        return n;
    }

    private TreeMap<byte[], Entry> map(String ks) {
        TreeMap<byte[], Entry> m = spaces.get(ks);
        if (m == null) {
            throw new IllegalStateException("model has no keyspace " + ks);
        }
        return m;
    }

    private static NavigableMap<byte[], Entry> sub(TreeMap<byte[], Entry> m, byte[] start, byte[] end) {
        if (start != null && end != null) {
            if (Bytes.UNSIGNED.compare(start, end) >= 0) {
                return m.subMap(start, true, start, false);
            }
            return m.subMap(start, true, end, false);
        }
        if (start != null) {
            return m.tailMap(start, true);
        }
        if (end != null) {
            return m.headMap(end, false);
        }
        return m;
    }
}
