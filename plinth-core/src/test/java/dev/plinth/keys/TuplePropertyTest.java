package dev.plinth.keys;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/**
 * Seeded random tuples of mixed types: byte order of the encodings is tuple order (compared with an order
 * computed from the elements, not from the bytes), decoding gives the tuple back, a prefix encodes to a prefix,
 * and every element is self-delimiting. The seed
 * is printed; replay one with {@code -Dplinth.seed=N}.
 */
class TuplePropertyTest {
    private static final int TUPLES = 4000;

    private static long seed() {
        String fixed = System.getProperty("plinth.seed", "").trim();
        return fixed.matches("-?\\d+") ? Long.parseLong(fixed) : System.nanoTime(); // unset, or an unfilled ${...}
    }

    /** Values near the edges of each type, where encodings change length or sign. */
    private static final long[] EDGE_LONGS = {0, 1, -1, 255, 256, -255, -256, 65535, 65536, -65536,
        Integer.MAX_VALUE, Integer.MIN_VALUE, Long.MAX_VALUE, Long.MIN_VALUE, Long.MAX_VALUE - 1,
        Long.MIN_VALUE + 1, 1L << 55, -(1L << 55), (1L << 56) - 1, -(1L << 56)};
    private static final double[] EDGE_DOUBLES = {0.0, -0.0, 1.0, -1.0, Double.MIN_VALUE, -Double.MIN_VALUE,
        Double.MAX_VALUE, -Double.MAX_VALUE, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.NaN};

    private static Object element(Random r) {
        switch (r.nextInt(9)) {
            case 0:
                return null;
            case 1: {
                byte[] b = new byte[r.nextInt(6)];
                for (int i = 0; i < b.length; i++) {
                    b[i] = (byte) (r.nextInt(4) == 0 ? (r.nextBoolean() ? 0 : 0xFF) : r.nextInt(256));
                }
                return b;
            }
            case 2: {
                StringBuilder sb = new StringBuilder();
                int n = r.nextInt(5);
                for (int i = 0; i < n; i++) {
                    switch (r.nextInt(5)) {
                        case 0 -> sb.append('\0');
                        case 1 -> sb.append((char) ('a' + r.nextInt(3)));
                        case 2 -> sb.append((char) (0x80 + r.nextInt(0x780)));
                        case 3 -> sb.append((char) (0xE000 + r.nextInt(0x1FFF)));
                        default -> sb.appendCodePoint(0x10000 + r.nextInt(0x1000));
                    }
                }
                return sb.toString();
            }
            case 3:
                return EDGE_LONGS[r.nextInt(EDGE_LONGS.length)] + (r.nextBoolean() ? 0 : r.nextInt(3) - 1);
            case 4:
                return r.nextLong() >> r.nextInt(64);
            case 5:
                return r.nextBoolean() ? EDGE_DOUBLES[r.nextInt(EDGE_DOUBLES.length)] : r.nextGaussian() * 1e6;
            case 6:
                return r.nextBoolean();
            case 7:
                return new UUID(r.nextInt(3) - 1, r.nextInt(3) - 1);
            default:
                return (long) r.nextInt(5);
        }
    }

    private static Tuple tuple(Random r) {
        Object[] e = new Object[r.nextInt(5)];
        for (int i = 0; i < e.length; i++) {
            e[i] = element(r);
        }
        return Tuple.of(e);
    }

    @Test
    void byteOrderIsTupleOrderAndEncodingRoundTrips() {
        long seed = seed();
        System.out.println("TuplePropertyTest seed " + seed + " (replay with -Dplinth.seed=" + seed + ")");
        Random r = new Random(seed);
        List<Tuple> tuples = new ArrayList<>();
        for (int i = 0; i < TUPLES; i++) {
            Tuple t = tuple(r);
            // Tuples that share prefixes, so that comparisons reach deep elements.
            if (!tuples.isEmpty() && r.nextInt(3) == 0) {
                Tuple base = tuples.get(r.nextInt(tuples.size()));
                t = base.prefix(r.nextInt(base.size() + 1)).add(tuple(r).toList().toArray());
            }
            tuples.add(t);
        }
        for (int i = 0; i < TUPLES; i++) {
            Tuple a = tuples.get(i);
            byte[] pa = a.pack();
            assertThat(Tuple.unpack(pa)).as("seed %d: unpack(pack(%s))", seed, a).isEqualTo(a);
            for (int k = 0; k <= a.size(); k++) {
                byte[] pp = a.prefix(k).pack();
                assertThat(Arrays.mismatch(pp, pa)).as("seed %d: %s of %s is a byte prefix", seed, a.prefix(k), a)
                        .isIn(-1, pp.length);
            }
            for (int j = 0; j < 8; j++) {
                Tuple b = tuples.get(r.nextInt(TUPLES));
                int byTuple = Integer.signum(a.compareTo(b));
                int byBytes = Integer.signum(Arrays.compareUnsigned(pa, b.pack()));
                assertThat(byBytes).as("seed %d: order of %s and %s", seed, a, b).isEqualTo(byTuple);
                if (a.size() < b.size() && a.equals(b.prefix(a.size()))) {
                    assertThat(a.range().contains(b.pack())).as("seed %d: %s in range of %s", seed, b, a).isTrue();
                } else if (!b.equals(a)) {
                    boolean extendsA = b.size() > a.size() && b.prefix(a.size()).equals(a);
                    assertThat(a.range().contains(b.pack())).as("seed %d: %s in range of %s", seed, b, a)
                            .isEqualTo(extendsA);
                }
            }
        }
    }

    /**
     * Every element is self-delimiting: a tuple's encoding is the concatenation of its elements' encodings,
     * and a {@link KeyReader} reading element by element ends each read exactly where that element's encoding
     * ends, returning the element.
     */
    @Test
    void elementsAreSelfDelimitingAndTheReaderStopsAtEachEnd() {
        long seed = seed();
        System.out.println("TuplePropertyTest reader seed " + seed + " (replay with -Dplinth.seed=" + seed + ")");
        Random r = new Random(seed);
        for (int i = 0; i < TUPLES; i++) {
            Tuple t = tuple(r);
            byte[] packed = t.pack();
            KeyReader reader = new KeyReader(packed);
            int end = 0;
            for (Object e : t.toList()) {
                byte[] alone = Tuple.of(e).pack();
                assertThat(Arrays.copyOfRange(packed, end, Math.min(packed.length, end + alone.length)))
                        .as("seed %d: element %s of %s encodes alone as within the tuple", seed, Tuple.of(e), t)
                        .isEqualTo(alone);
                end += alone.length;
                Object got = switch (reader.peekType()) {
                    case NULL -> {
                        reader.readNull();
                        yield null;
                    }
                    case BYTES -> reader.readBytes();
                    case STRING -> reader.readString();
                    case INTEGER -> reader.readLong();
                    case DOUBLE -> reader.readDouble();
                    case BOOLEAN -> reader.readBoolean();
                    case UUID -> reader.readUuid();
                };
                assertThat(reader.position()).as("seed %d: reader position after %s in %s", seed, Tuple.of(e), t)
                        .isEqualTo(end);
                assertThat(Tuple.of(got)).as("seed %d: element of %s", seed, t).isEqualTo(Tuple.of(e));
            }
            assertThat(end).isEqualTo(packed.length);
            assertThat(reader.hasMore()).isFalse();
        }
    }
}
