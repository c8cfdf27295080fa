package dev.plinth.testkit.model;

import dev.plinth.ScanOptions;

/**
 * A generated range read: where, which options, through which API, and an optional seek part-way.
 * Immutable.
 *
 * @param ks the keyspace's name
 * @param range the range
 * @param reverse descending order
 * @param limit entry cap, {@link Long#MAX_VALUE} for none
 * @param keysOnly skip values
 * @param form which API reads it
 * @param seekAfter seek after this many entries (or at the end if fewer), or {@code -1} for no seek
 * @param seekKey the seek target
 */
record ReadSpec(String ks, KeyRange range, boolean reverse, long limit, boolean keysOnly, Form form,
                int seekAfter, byte[] seekKey) {
    /** The API a read goes through. */
    enum Form {
        /** {@code Keyspace.scan} (or {@code ReadView.scan} on a snapshot or transaction). */
        KEYSPACE_SCAN,
        /** {@code ReadView.scan(keyspace, ...)}. */
        VIEW_SCAN,
        /** {@code Keyspace.cursor} (or {@code ReadView.cursor} on a snapshot or transaction). */
        KEYSPACE_CURSOR,
        /** {@code ReadView.cursor(keyspace, ...)}. */
        VIEW_CURSOR
    }

    ScanOptions options() {
        ScanOptions o = ScanOptions.forward().withReverse(reverse).withKeysOnly(keysOnly);
        return limit == Long.MAX_VALUE ? o : o.withLimit(limit);
    }

    boolean isCursor() {
        return form == Form.KEYSPACE_CURSOR || form == Form.VIEW_CURSOR;
    }

    /** Whether the read walks its whole range (no limit, no seek), so all of it counts as read. */
    boolean readsWholeRange() {
        return limit == Long.MAX_VALUE && !(isCursor() && seekAfter >= 0);
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder(isCursor() ? "cursor " : "scan ").append(ks).append(' ').append(range);
        if (reverse) {
            sb.append(" reverse");
        }
        if (limit != Long.MAX_VALUE) {
            sb.append(" limit ").append(limit);
        }
        if (keysOnly) {
            sb.append(" keys-only");
        }
        if (form == Form.VIEW_SCAN || form == Form.VIEW_CURSOR) {
            sb.append(" (via view)");
        }
        if (isCursor() && seekAfter >= 0) {
            sb.append(" seek ").append(Bytes.key(seekKey)).append(" after ").append(seekAfter);
        }
        return sb.toString();
    }
}
