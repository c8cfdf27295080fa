package dev.plinth.testkit.model;

import dev.plinth.Range;

/**
 * A range as the generator chose it, remembering which {@link Range} factory builds it so that every
 * factory is exercised. Immutable; the arrays are never changed.
 *
 * @param form which factory
 * @param a the first argument (start or prefix), or {@code null}
 * @param b the second argument (end), or {@code null}
 */
record KeyRange(Form form, byte[] a, byte[] b) {
    /** The {@link Range} factory. */
    enum Form {
        /** {@link Range#all()}. */
        ALL,
        /** {@link Range#of(byte[], byte[])}, either bound possibly {@code null}. */
        OF,
        /** {@link Range#prefix(byte[])}. */
        PREFIX,
        /** {@link Range#from(byte[])}. */
        FROM,
        /** {@link Range#until(byte[])}. */
        UNTIL
    }

    Range toRange() {
        switch (form) {
            case ALL:
                return Range.all();
            case OF:
                return Range.of(a, b);
            case PREFIX:
                return Range.prefix(a);
            case FROM:
                return Range.from(a);
            case UNTIL:
                return Range.until(b);
            default:
                throw new AssertionError(form);
        }
    }

    /** The inclusive start, or {@code null}. */
    byte[] start() {
        return toRange().start();
    }

    /** The exclusive end, or {@code null}. */
    byte[] end() {
        return toRange().end();
    }

    boolean contains(byte[] key) {
        return toRange().contains(key);
    }

    @Override
    public String toString() {
        switch (form) {
            case ALL:
                return "all";
            case PREFIX:
                return "prefix " + Bytes.key(a);
            default:
                Range r = toRange();
                return "[" + (r.start() == null ? "-inf" : Bytes.key(r.start())) + ", "
                        + (r.end() == null ? "+inf" : Bytes.key(r.end())) + ")";
        }
    }
}
