package dev.plinth.testkit.model;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/**
 * What a cursor over a frozen view must return, checked one {@code next()} at a time.
 *
 * <p>A view taken at {@code t0} and read at a later {@code now} may legitimately treat an entry that
 * expired in between either way (the API does not say whether a snapshot freezes the clock), so such
 * entries are optional: the cursor may return or skip them. Entries visible at {@code now} must be
 * returned; entries already expired at {@code t0} must not. Not thread-safe.
 */
final class CursorModel {
    private final List<Map.Entry<byte[], Oracle.Entry>> entries;
    private final long t0;
    private final boolean reverse;
    private final long limit;
    private final boolean keysOnly;
    private int pos;
    private long returned;
    private boolean ended;

    /**
     * Models a cursor.
     *
     * @param view the model as the cursor's view holds it
     * @param t0 the clock when the view was taken
     * @param ks the keyspace
     * @param start range start or {@code null}
     * @param end range end or {@code null}
     * @param reverse direction
     * @param limit entry cap
     * @param keysOnly whether values are skipped
     */
    CursorModel(Oracle view, long t0, String ks, byte[] start, byte[] end, boolean reverse, long limit,
                boolean keysOnly) {
        List<Map.Entry<byte[], Oracle.Entry>> all = view.range(ks, start, end, reverse);
        this.entries = new ArrayList<>(all.size());
        for (Map.Entry<byte[], Oracle.Entry> e : all) {
            if (e.getValue().visibleAt(t0)) {
                entries.add(e);
            }
        }
        this.t0 = t0;
        this.reverse = reverse;
        this.limit = limit;
        this.keysOnly = keysOnly;
    }

    private boolean optional(Oracle.Entry e, long now) {
        return !e.visibleAt(now);
    }

    private boolean before(byte[] a, byte[] b) {
        int c = Bytes.UNSIGNED.compare(a, b);
        return reverse ? c > 0 : c < 0;
    }

    /**
     * Checks one {@code next()}.
     *
     * @param has what {@code next()} returned
     * @param key the cursor's key if {@code has}
     * @param value the cursor's value if {@code has} and not keys-only
     * @param now the clock now
     * @return {@code null} if the cursor behaved, else what differed
     */
    String next(boolean has, byte[] key, byte[] value, long now) {
        if (ended || returned >= limit) {
            return has ? "returned " + Bytes.key(key) + " after "
                    + (ended ? "the end" : "reaching the limit " + limit) : null;
        }
        if (!has) {
            ended = true;
            for (int j = pos; j < entries.size(); j++) {
                if (!optional(entries.get(j).getValue(), now)) {
                    return "ended, but " + Bytes.key(entries.get(j).getKey()) + " should come next"
                            + (returned > 0 ? " (after " + returned + " entries)" : "");
                }
            }
            pos = entries.size();
            return null;
        }
        int j = pos;
        while (j < entries.size() && before(entries.get(j).getKey(), key)) {
            if (!optional(entries.get(j).getValue(), now)) {
                return "returned " + Bytes.key(key) + ", but " + Bytes.key(entries.get(j).getKey())
                        + " should come first";
            }
            j++;
        }
        if (j == entries.size() || !Arrays.equals(entries.get(j).getKey(), key)) {
            return "returned " + Bytes.key(key) + ", which the model does not hold there"
                    + (j < entries.size() ? " (expected " + Bytes.key(entries.get(j).getKey()) + ")"
                    : " (expected the end)");
        }
        byte[] want = entries.get(j).getValue().value();
        if (!keysOnly && !Arrays.equals(want, value)) {
            return "returned " + Bytes.key(key) + " = " + Bytes.value(value) + ", expected "
                    + Bytes.value(want);
        }
        pos = j + 1;
        returned++;
        return null;
    }

    /**
     * Models {@code seek(key)}.
     *
     * @param key the seek target
     */
    void seek(byte[] key) {
        ended = false;
        int j = 0;
        while (j < entries.size() && before(entries.get(j).getKey(), key)) {
            j++;
        }
        pos = j;
    }

    /** The clock when the view was taken. */
    long t0() {
        return t0;
    }

    /**
     * Everything the view holds for the cursor's range, in its order, for messages; entries that expired
     * after the view was taken are marked optional.
     *
     * @param now the clock now
     * @return a rendering of at most 16 entries
     */
    String expected(long now) {
        StringBuilder sb = new StringBuilder().append(entries.size()).append(" entries [");
        for (int j = 0; j < entries.size() && j < 16; j++) {
            Map.Entry<byte[], Oracle.Entry> e = entries.get(j);
            if (j > 0) {
                sb.append(", ");
            }
            sb.append(Bytes.key(e.getKey()));
            if (!keysOnly) {
                sb.append('=').append(Bytes.value(e.getValue().value()));
            }
            if (optional(e.getValue(), now)) {
                sb.append(" (optional: expired since)");
            }
        }
        sb.append(entries.size() > 16 ? ", ...]" : "]");
        if (limit != Long.MAX_VALUE) {
            sb.append(", limit ").append(limit);
        }
        return sb.toString();
    }
}
