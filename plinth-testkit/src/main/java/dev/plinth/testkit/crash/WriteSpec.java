package dev.plinth.testkit.crash;

import dev.plinth.Durability;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;
import java.util.zip.CRC32C;

/**
 * One write of the crash workload, a pure function of the run's seed and the write's sequence number, so
 * that the child that writes it and the parent that checks it agree on every byte without exchanging
 * data, and a write the child started but never acknowledged can still be recognised.
 *
 * <p>Keys are {@code w/<seq>} for a single put and {@code w/<seq>/<part>} for the parts of a batch, with
 * {@link #SEQ_DIGITS} and {@link #PART_DIGITS} fixed-width decimal numbers: byte order is sequence order,
 * and every part of write {@code n} sorts after {@code w/<n>} and before {@code w/<n+1>}. A single put goes
 * to one of the two keyspaces; the parts of a batch alternate between them, so every batch spans both.
 * Each value starts with the write's sequence number and part (when long enough to hold them), so a value
 * found under the wrong key is recognised as such.
 *
 * <p>Immutable and thread-safe; the arrays of {@link Part} must not be changed.
 *
 * @param seq the sequence number, 0 or more
 * @param kind single put or batch
 * @param durability the durability the write asks for
 * @param parts what the write puts: one part for a single put, {@link #MIN_BATCH_PARTS} to
 *     {@link #MAX_BATCH_PARTS} for a batch
 */
record WriteSpec(long seq, Kind kind, Durability durability, List<Part> parts) {
    /** The first keyspace the workload writes to. */
    static final String KEYSPACE_A = "crash-a";
    /** The second keyspace the workload writes to. */
    static final String KEYSPACE_B = "crash-b";
    /** Every key of the workload starts with this. */
    static final String KEY_PREFIX = "w/";
    /** Width of the sequence number in keys. */
    static final int SEQ_DIGITS = 12;
    /** Width of the part number in batch keys. */
    static final int PART_DIGITS = 2;
    /** The fewest parts of a batch. */
    static final int MIN_BATCH_PARTS = 2;
    /** The most parts of a batch. */
    static final int MAX_BATCH_PARTS = 8;
    /** The part number of a single put, which has no part suffix in its key. */
    static final int SINGLE = -1;
    /** The percentage of writes that are batches. */
    static final int BATCH_PERCENT = 30;

    /** Whether a write is one put or an atomic batch. */
    enum Kind {
        /** One {@code Keyspace.put}. */
        SINGLE("S"),
        /** One {@code Store.write(WriteBatch)} of several puts across both keyspaces. */
        BATCH("B");

        private final String code;

        Kind(String code) {
            this.code = code;
        }

        String code() {
            return code;
        }

        static Kind ofCode(String code) {
            for (Kind k : values()) {
                if (k.code.equals(code)) {
                    return k;
                }
            }
            throw new IllegalArgumentException("unknown write kind code " + code);
        }
    }

    /**
     * One put of a write.
     *
     * @param keyspace the keyspace's name
     * @param index the part number, or {@link #SINGLE}
     * @param key the key
     * @param value the value
     */
    record Part(String keyspace, int index, byte[] key, byte[] value) {
    }

    /**
     * The write with sequence number {@code seq} of the run with {@code seed}.
     *
     * @param seed the run's seed
     * @param seq the sequence number, 0 or more
     * @param levels the durability levels to choose from, in a fixed order; not empty
     * @return the write
     */
    static WriteSpec of(long seed, long seq, List<Durability> levels) {
        if (seq < 0) {
            throw new IllegalArgumentException("sequence number must be >= 0, got " + seq);
        }
        if (levels.isEmpty()) {
            throw new IllegalArgumentException("no durability level to choose from");
        }
        SplittableRandom r = new SplittableRandom(mix(seed ^ mix(seq + 0x9E3779B97F4A7C15L)));
        boolean batch = r.nextInt(100) < BATCH_PERCENT;
        Durability durability = levels.get(r.nextInt(levels.size()));
        List<Part> parts = new ArrayList<>();
        if (batch) {
            int n = r.nextInt(MIN_BATCH_PARTS, MAX_BATCH_PARTS + 1);
            for (int i = 0; i < n; i++) {
                String ks = i % 2 == 0 ? KEYSPACE_A : KEYSPACE_B;
                parts.add(new Part(ks, i, key(seq, i), value(r, seq, i)));
            }
        } else {
            String ks = r.nextBoolean() ? KEYSPACE_A : KEYSPACE_B;
            parts.add(new Part(ks, SINGLE, key(seq), value(r, seq, SINGLE)));
        }
        return new WriteSpec(seq, batch ? Kind.BATCH : Kind.SINGLE, durability, List.copyOf(parts));
    }

    /**
     * A CRC32C over every keyspace name, key and value of the write, recorded with its acknowledgement so
     * that the checker knows the child wrote what it regenerates.
     *
     * @return the checksum
     */
    int contentCrc() {
        CRC32C crc = new CRC32C();
        for (Part p : parts) {
            crc.update(p.keyspace().getBytes(StandardCharsets.US_ASCII));
            crc.update(p.key());
            crc.update(intBytes(p.value().length));
            crc.update(p.value());
        }
        return (int) crc.getValue();
    }

    /**
     * The part of this write stored in {@code keyspace} under part number {@code index}.
     *
     * @param keyspace the keyspace's name
     * @param index the part number or {@link #SINGLE}
     * @return the part, or {@code null} if this write has none there
     */
    Part part(String keyspace, int index) {
        for (Part p : parts) {
            if (p.index() == index && p.keyspace().equals(keyspace)) {
                return p;
            }
        }
        return null;
    }

    /**
     * A short description: {@code write 42 (SYNC batch of 4)}.
     *
     * @return the description
     */
    String describe() {
        return "write " + seq + " (" + durability + (kind == Kind.BATCH ? " batch of " + parts.size() : " single put")
                + ")";
    }

    /**
     * The key of single write {@code seq}; also the lowest key of every part of batch {@code seq}.
     *
     * @param seq the sequence number
     * @return {@code w/<seq>}
     */
    static byte[] key(long seq) {
        return String.format("%s%0" + SEQ_DIGITS + "d", KEY_PREFIX, seq).getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * The key of part {@code part} of batch {@code seq}.
     *
     * @param seq the sequence number
     * @param part the part number
     * @return {@code w/<seq>/<part>}
     */
    static byte[] key(long seq, int part) {
        return String.format("%s%0" + SEQ_DIGITS + "d/%0" + PART_DIGITS + "d", KEY_PREFIX, seq, part)
                .getBytes(StandardCharsets.US_ASCII);
    }

    /**
     * Reads a workload key back.
     *
     * @param key a key found in the store
     * @return {@code {seq, part}} with part {@link #SINGLE} for a single write's key, or {@code null} if
     *     the key has no workload shape
     */
    static long[] parseKey(byte[] key) {
        int p = KEY_PREFIX.length();
        if (key.length != p + SEQ_DIGITS && key.length != p + SEQ_DIGITS + 1 + PART_DIGITS) {
            return null;
        }
        for (int i = 0; i < p; i++) {
            if (key[i] != KEY_PREFIX.charAt(i)) {
                return null;
            }
        }
        long seq = digits(key, p, SEQ_DIGITS);
        if (seq < 0) {
            return null;
        }
        if (key.length == p + SEQ_DIGITS) {
            return new long[] {seq, SINGLE};
        }
        if (key[p + SEQ_DIGITS] != '/') {
            return null;
        }
        long part = digits(key, p + SEQ_DIGITS + 1, PART_DIGITS);
        return part < 0 ? null : new long[] {seq, part};
    }

    private static long digits(byte[] b, int from, int n) {
        long v = 0;
        for (int i = from; i < from + n; i++) {
            if (b[i] < '0' || b[i] > '9') {
                return -1;
            }
            v = v * 10 + (b[i] - '0');
        }
        return v;
    }

    /**
     * A value: mostly 9 to 200 bytes, sometimes empty, sometimes several KiB (to cross page and block
     * boundaries); the first 9 bytes, when there is room, are the sequence number and the part.
     */
    private static byte[] value(SplittableRandom r, long seq, int part) {
        int shape = r.nextInt(100);
        int len;
        if (shape < 3) {
            len = 0;
        } else if (shape < 5) {
            len = r.nextInt(4096, 16385);
        } else {
            len = r.nextInt(9, 201);
        }
        byte[] v = new byte[len];
        for (int i = 0; i < len; i++) {
            v[i] = (byte) r.nextInt(256);
        }
        if (len >= 9) {
            for (int i = 0; i < 8; i++) {
                v[i] = (byte) (seq >>> (56 - 8 * i));
            }
            v[8] = (byte) part;
        }
        return v;
    }

    private static byte[] intBytes(int v) {
        return new byte[] {(byte) (v >>> 24), (byte) (v >>> 16), (byte) (v >>> 8), (byte) v};
    }

    /** The murmur3 64-bit finaliser: neighbouring inputs give unrelated outputs. */
    private static long mix(long z) {
        z = (z ^ (z >>> 33)) * 0xff51afd7ed558ccdL;
        z = (z ^ (z >>> 33)) * 0xc4ceb9fe1a85ec53L;
        return z ^ (z >>> 33);
    }
}
