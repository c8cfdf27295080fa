package dev.plinth.lsm.internal.key;

/**
 * What a point entry records. The byte values are written to the log and to tables; never renumber.
 */
public final class Kind {
    /** A value. */
    public static final byte PUT = 1;
    /** A delete of a present key. */
    public static final byte DELETE = 2;
    /**
     * A delete of an entry whose time to live ran out: hides it like {@link #DELETE}, but changes nothing
     * as far as version preconditions are concerned.
     */
    public static final byte RECLAIM = 3;

    private Kind() {
    }

    /**
     * Whether a kind hides the key.
     *
     * @param kind the kind
     * @return {@code true} for either delete
     */
    public static boolean isDelete(byte kind) {
        return kind == DELETE || kind == RECLAIM;
    }

    /**
     * Whether a byte is a known kind.
     *
     * @param kind the byte
     * @return {@code true} if known
     */
    public static boolean isValid(byte kind) {
        return kind >= PUT && kind <= RECLAIM;
    }
}
