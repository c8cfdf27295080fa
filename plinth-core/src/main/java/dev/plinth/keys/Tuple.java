package dev.plinth.keys;

import dev.plinth.Range;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.UUID;

/**
 * An immutable list of elements that encodes to a key whose unsigned byte order is the tuple's own order
 * ({@link #compareTo}), element by element, and whose prefixes encode to prefixes: the keys of every tuple that
 * starts with {@code t} are exactly the keys in {@link #range()} of {@code t}. The byte format is specified in
 * {@code docs/format/keys.md} and is stable: stores persist keys built with it.
 *
 * <p>Elements are {@code null}, {@code byte[]} (copied in and out), {@link String}, {@link Long} (also given as
 * {@link Integer}, {@link Short} or {@link Byte}), {@link Double} (also given as {@link Float}),
 * {@link Boolean} and {@link UUID}. Across types the order is that list's order; within a type it is:
 * unsigned byte order for byte strings, code point order for strings (their UTF-8 bytes), numeric order for
 * integers, {@link Double#compare} order for doubles (every NaN is one canonical NaN), {@code false} before
 * {@code true}, unsigned 128-bit order for UUIDs. A tuple that is a prefix of another sorts first.
 *
 * <p>For code that writes many keys of one shape, {@link KeyWriter} and {@link KeyReader} read and write the same
 * bytes without building tuples. Thread-safe (immutable).
 */
public final class Tuple implements Comparable<Tuple> {
    private static final Tuple EMPTY = new Tuple(new Object[0]);

    /** Elements in canonical form: null, byte[], String, Long, Double, Boolean or UUID. Never changed. */
    private final Object[] elements;

    private Tuple(Object[] elements) {
        this.elements = elements;
    }

    /**
     * The empty tuple, which encodes to no bytes.
     *
     * @return the empty tuple
     */
    public static Tuple empty() {
        return EMPTY;
    }

    /**
     * A tuple of the given elements.
     *
     * @param elements the elements, each of a supported type or null; byte arrays are copied
     * @return the tuple
     * @throws IllegalArgumentException if an element has an unsupported type, or a string cannot be encoded
     */
    public static Tuple of(Object... elements) {
        Object[] canonical = new Object[elements.length];
        for (int i = 0; i < elements.length; i++) {
            canonical[i] = canonical(elements[i], i);
        }
        return new Tuple(canonical);
    }

    /**
     * A tuple of the elements of a list.
     *
     * @param elements the elements
     * @return the tuple
     * @throws IllegalArgumentException as {@link #of(Object...)}
     */
    public static Tuple fromList(List<?> elements) {
        return of(elements.toArray());
    }

    /**
     * This tuple with more elements at the end.
     *
     * @param more the elements to add
     * @return a new tuple
     * @throws IllegalArgumentException as {@link #of(Object...)}
     */
    public Tuple add(Object... more) {
        Object[] all = Arrays.copyOf(elements, elements.length + more.length);
        for (int i = 0; i < more.length; i++) {
            all[elements.length + i] = canonical(more[i], elements.length + i);
        }
        return new Tuple(all);
    }

    private static Object canonical(Object e, int index) {
        if (e == null || e instanceof String || e instanceof Long || e instanceof Boolean || e instanceof UUID) {
            if (e instanceof String s) {
                KeyWriter.requireEncodable(s); // refuses unpaired surrogates now, not at pack()
            }
            return e;
        }
        if (e instanceof byte[] b) {
            return b.clone();
        }
        if (e instanceof Integer || e instanceof Short || e instanceof Byte) {
            return ((Number) e).longValue();
        }
        if (e instanceof Double d) {
            return Double.isNaN(d) ? Double.NaN : d;
        }
        if (e instanceof Float f) {
            return Float.isNaN(f) ? Double.NaN : f.doubleValue();
        }
        throw new IllegalArgumentException("element " + index + " is a " + e.getClass().getName()
                + ", which a tuple cannot hold; use null, byte[], String, Long, Integer, Double, Boolean or UUID");
    }

    /**
     * The number of elements.
     *
     * @return the size
     */
    public int size() {
        return elements.length;
    }

    /**
     * An element, in canonical form: {@code null}, a copy of a {@code byte[]}, or a {@link String},
     * {@link Long}, {@link Double}, {@link Boolean} or {@link UUID}.
     *
     * @param index the position
     * @return the element
     * @throws IndexOutOfBoundsException if there is no such element
     */
    public Object get(int index) {
        Object e = elements[Objects.checkIndex(index, elements.length)];
        return e instanceof byte[] b ? b.clone() : e;
    }

    /**
     * An integer element.
     *
     * @param index the position
     * @return the value
     * @throws ClassCastException if the element is not an integer
     */
    public long getLong(int index) {
        return (Long) elements[Objects.checkIndex(index, elements.length)];
    }

    /**
     * A string element.
     *
     * @param index the position
     * @return the value
     * @throws ClassCastException if the element is not a string
     */
    public String getString(int index) {
        return (String) elements[Objects.checkIndex(index, elements.length)];
    }

    /**
     * A byte string element.
     *
     * @param index the position
     * @return a copy of the value
     * @throws ClassCastException if the element is not a byte string
     */
    public byte[] getBytes(int index) {
        return ((byte[]) elements[Objects.checkIndex(index, elements.length)]).clone();
    }

    /**
     * The elements, in canonical form ({@link #get(int)}).
     *
     * @return a new unmodifiable list
     */
    public List<Object> toList() {
        List<Object> out = new ArrayList<>(elements.length);
        for (int i = 0; i < elements.length; i++) {
            out.add(get(i));
        }
        return Collections.unmodifiableList(out);
    }

    /**
     * The first {@code n} elements.
     *
     * @param n how many
     * @return the prefix tuple
     * @throws IndexOutOfBoundsException if {@code n} is negative or above {@link #size()}
     */
    public Tuple prefix(int n) {
        Objects.checkFromToIndex(0, n, elements.length);
        return new Tuple(Arrays.copyOf(elements, n));
    }

    /**
     * Encodes the tuple.
     *
     * @return a new array
     */
    public byte[] pack() {
        return packInto(new KeyWriter(16 + 9 * elements.length)).toByteArray();
    }

    /**
     * Encodes the tuple's elements after whatever the writer holds.
     *
     * @param writer the writer
     * @return the writer
     */
    public KeyWriter packInto(KeyWriter writer) {
        for (Object e : elements) {
            if (e == null) {
                writer.writeNull();
            } else if (e instanceof byte[] b) {
                writer.writeBytes(b);
            } else if (e instanceof String s) {
                writer.writeString(s);
            } else if (e instanceof Long l) {
                writer.writeLong(l);
            } else if (e instanceof Double d) {
                writer.writeDouble(d);
            } else if (e instanceof Boolean b) {
                writer.writeBoolean(b);
            } else {
                writer.writeUuid((UUID) e);
            }
        }
        return writer;
    }

    /**
     * Decodes a key that holds only tuple elements.
     *
     * @param key the key
     * @return the tuple
     * @throws IllegalArgumentException if the key is malformed (see {@link KeyReader})
     */
    public static Tuple unpack(byte[] key) {
        return unpack(key, 0, key.length);
    }

    /**
     * Decodes part of an array that holds only tuple elements.
     *
     * @param bytes the array
     * @param offset where the key starts
     * @param length its length
     * @return the tuple
     * @throws IllegalArgumentException if the key is malformed (see {@link KeyReader})
     */
    public static Tuple unpack(byte[] bytes, int offset, int length) {
        KeyReader r = new KeyReader(bytes, offset, length);
        List<Object> out = new ArrayList<>();
        while (r.hasMore()) {
            switch (r.peekType()) {
                case NULL -> {
                    r.readNull();
                    out.add(null);
                }
                case BYTES -> out.add(r.readBytes());
                case STRING -> out.add(r.readString());
                case INTEGER -> out.add(r.readLong());
                case DOUBLE -> out.add(r.readDouble());
                case BOOLEAN -> out.add(r.readBoolean());
                case UUID -> out.add(r.readUuid());
                default -> throw new AssertionError();
            }
        }
        return new Tuple(out.toArray());
    }

    /**
     * The keys of every tuple that starts with this one and has more elements: from this tuple's encoding
     * followed by 0x00 to its encoding followed by 0xFF. (The key of this tuple itself is not in it; use
     * {@link Range#prefix(byte[])} of {@link #pack()} for that too.)
     *
     * @return the range
     */
    public Range range() {
        byte[] p = pack();
        byte[] start = Arrays.copyOf(p, p.length + 1);
        byte[] end = Arrays.copyOf(p, p.length + 1);
        end[p.length] = (byte) 0xFF;
        return Range.of(start, end);
    }

    /**
     * Compares element by element in the order described in the class documentation; the same order as the
     * unsigned byte order of {@link #pack()}.
     *
     * @param other the other tuple
     * @return negative, zero or positive
     */
    @Override
    public int compareTo(Tuple other) {
        int n = Math.min(elements.length, other.elements.length);
        for (int i = 0; i < n; i++) {
            int c = compareElements(elements[i], other.elements[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(elements.length, other.elements.length);
    }

    private static int rank(Object e) {
        if (e == null) {
            return 0;
        } else if (e instanceof byte[]) {
            return 1;
        } else if (e instanceof String) {
            return 2;
        } else if (e instanceof Long) {
            return 3;
        } else if (e instanceof Double) {
            return 4;
        } else if (e instanceof Boolean b) {
            return b ? 6 : 5;
        }
        return 7;
    }

    private static int compareElements(Object a, Object b) {
        int ra = rank(a);
        int rb = rank(b);
        if (ra != rb) {
            return Integer.compare(ra, rb);
        }
        if (a instanceof byte[] x) {
            return Arrays.compareUnsigned(x, (byte[]) b);
        } else if (a instanceof String x) {
            return compareCodePoints(x, (String) b);
        } else if (a instanceof Long x) {
            return Long.compare(x, (Long) b);
        } else if (a instanceof Double x) {
            return Double.compare(x, (Double) b);
        } else if (a instanceof UUID x) {
            UUID y = (UUID) b;
            int c = Long.compareUnsigned(x.getMostSignificantBits(), y.getMostSignificantBits());
            return c != 0 ? c : Long.compareUnsigned(x.getLeastSignificantBits(), y.getLeastSignificantBits());
        }
        return 0; // null, or booleans of the same value
    }

    /** Code point order, which is the order of UTF-8 bytes; {@link String#compareTo} orders UTF-16 units. */
    private static int compareCodePoints(String a, String b) {
        int i = 0;
        int j = 0;
        while (i < a.length() && j < b.length()) {
            int ca = a.codePointAt(i);
            int cb = b.codePointAt(j);
            if (ca != cb) {
                return Integer.compare(ca, cb);
            }
            i += Character.charCount(ca);
            j += Character.charCount(cb);
        }
        return Integer.compare(a.length() - i, b.length() - j);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Tuple t && elements.length == t.elements.length && compareTo(t) == 0;
    }

    @Override
    public int hashCode() {
        int h = 1;
        for (Object e : elements) {
            int eh;
            if (e instanceof byte[] b) {
                eh = Arrays.hashCode(b);
            } else if (e instanceof Double d) {
                eh = Double.hashCode(d); // canonical NaN, and -0.0 differs from 0.0 as in compare
            } else {
                eh = Objects.hashCode(e);
            }
            h = 31 * h + eh;
        }
        return h;
    }

    @Override
    public String toString() {
        StringBuilder sb = new StringBuilder("(");
        for (int i = 0; i < elements.length; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            Object e = elements[i];
            if (e instanceof byte[] b) {
                sb.append("b\"");
                for (byte x : b) {
                    sb.append(x >= 0x20 && x < 0x7F && x != '"' && x != '\\' ? String.valueOf((char) x)
                            : String.format("\\x%02x", x & 0xFF));
                }
                sb.append('"');
            } else if (e instanceof String s) {
                sb.append('"').append(s).append('"');
            } else {
                sb.append(e);
            }
        }
        return sb.append(')').toString();
    }
}
