package dev.plinth.internal;

import dev.plinth.CorruptionException;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.EntrySink;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.LentBytes;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The core's integrity check of everything an engine returns, the innermost layer the core reads through.
 * Every stored value must have a known header and, when it carries a checksum, match it; every key a cursor
 * returns must be non-empty, inside the cursor's range and strictly after the previous one in the cursor's
 * direction. Anything else is damage, reported as {@link CorruptionException} naming the store, keyspace
 * and key, and never returned as data. When the store keeps checksums
 * ({@link dev.plinth.Capabilities#checksumValues()}), cursors read whole values so that each is checked,
 * also for the core's keys-only and expiry-only reads.
 *
 * <p>Thread-safe as the engine is; its cursors are not, as engine cursors are not.
 */
final class CheckedEngine extends ForwardingEngine {
    private final String uri;
    private final boolean checksums;

    CheckedEngine(Engine delegate, String uri, boolean checksums) {
        super(delegate);
        this.uri = uri;
        this.checksums = checksums;
    }

    @Override
    public byte[] get(EngineKeyspace keyspace, byte[] key) {
        return checkWhole(keyspace, key, delegate().get(keyspace, key));
    }

    @Override
    public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
        return new CheckedCursor(delegate().cursor(keyspace, widen(scan)), keyspace, scan);
    }

    @Override
    public EngineSnapshot snapshot() {
        return new CheckedSnapshot(delegate().snapshot());
    }

    private ScanSpec widen(ScanSpec scan) {
        return checksums && !scan.fullValues() ? scan.valuesUpTo(ScanSpec.FULL_VALUES) : scan;
    }

    /** A whole stored value, checked against its header and checksum; {@code null} passes. */
    private byte[] checkWhole(EngineKeyspace ks, byte[] key, byte[] raw) {
        if (raw == null) {
            return null;
        }
        try {
            ValueCodec.valueOffset(raw);
        } catch (CorruptionException e) {
            throw unknownHeader(ks, key, raw);
        }
        if (!ValueCodec.checksumMatches(key, raw)) {
            throw checksumMismatch(ks, key);
        }
        return raw;
    }

    /** The start of a stored value, of which the reader asked only {@code wanted} bytes. */
    private byte[] checkPrefix(EngineKeyspace ks, byte[] key, byte[] raw, int wanted) {
        if (!knownPrefix(raw.length == 0 ? -1 : raw[0], raw.length, wanted)) {
            throw unknownHeader(ks, key, raw);
        }
        return raw;
    }

    /**
     * A lent stored value and key, checked in place as {@link #checkWhole} or, when the reader asked only
     * {@code wanted} bytes and the store keeps no checksums, {@link #checkPrefix} checks arrays; nothing is
     * copied unless the check fails.
     */
    private void checkLent(EngineKeyspace ks, ByteBuffer key, ByteBuffer raw, int wanted, CRC32C crc) {
        if (wanted != ScanSpec.FULL_VALUES && !checksums) {
            int length = raw.remaining();
            if (!knownPrefix(length == 0 ? -1 : raw.get(raw.position()), length, wanted)) {
                throw unknownHeader(ks, copy(key), copy(raw));
            }
            return;
        }
        try {
            ValueCodec.valueOffset(raw);
        } catch (CorruptionException e) {
            throw unknownHeader(ks, copy(key), copy(raw));
        }
        if (!ValueCodec.checksumMatches(key, raw, crc)) {
            throw checksumMismatch(ks, copy(key));
        }
    }

    /** Whether a value's first {@code length} bytes, of which the reader wants {@code wanted}, start with a known header. */
    private static boolean knownPrefix(int header, int length, int wanted) {
        return length > 0 && switch (header) {
            case ValueCodec.PLAIN, ValueCodec.CHECKED_PLAIN -> true;
            case ValueCodec.EXPIRING, ValueCodec.CHECKED_EXPIRING -> length >= Math.min(wanted, ValueCodec.EXPIRY_PREFIX);
            default -> false;
        };
    }

    private static byte[] copy(ByteBuffer lent) {
        byte[] out = new byte[lent.remaining()];
        lent.get(lent.position(), out);
        return out;
    }

    private CorruptionException unknownHeader(EngineKeyspace ks, byte[] key, byte[] raw) {
        return damagedValue(ks, "the value of key " + Bytes.hex(key) + " has an unknown header or is cut short ("
                + Bytes.hex(Arrays.copyOf(raw, Math.min(raw.length, ValueCodec.MAX_OVERHEAD))) + ")");
    }

    private CorruptionException checksumMismatch(EngineKeyspace ks, byte[] key) {
        return damagedValue(ks, "the value of key " + Bytes.hex(key) + " does not match its CRC32C checksum");
    }

    private CorruptionException damagedValue(EngineKeyspace ks, String what) {
        return new DamagedValueException(message(ks, what));
    }

    private CorruptionException damaged(EngineKeyspace ks, String what) {
        return new CorruptionException(message(ks, what));
    }

    private String message(EngineKeyspace ks, String what) {
        return ("Store " + uri + " is damaged: in keyspace '" + ks.name() + "', " + what
                + ". The damaged entry was not returned; plinth verify lists every damaged entry.");
    }

    /**
     * A value that failed its checks while the engine's walk itself is sound: a cursor may go on past it.
     * Damage to keys, by contrast, means the engine's structure is broken, and walking on could make a
     * native engine read garbage.
     */
    static final class DamagedValueException extends CorruptionException {
        private static final long serialVersionUID = 1L;

        DamagedValueException(String message) {
            super(message);
        }
    }

    /** A snapshot whose reads are checked. */
    private final class CheckedSnapshot implements EngineSnapshot {
        private final EngineSnapshot snapshot;

        CheckedSnapshot(EngineSnapshot snapshot) {
            this.snapshot = snapshot;
        }

        @Override
        public byte[] get(EngineKeyspace keyspace, byte[] key) {
            return checkWhole(keyspace, key, snapshot.get(keyspace, key));
        }

        @Override
        public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
            return new CheckedCursor(snapshot.cursor(keyspace, widen(scan)), keyspace, scan);
        }

        @Override
        public long version() {
            return snapshot.version();
        }

        @Override
        public void close() {
            snapshot.close();
        }
    }

    /**
     * A cursor whose entries are checked. A damaged value throws {@link DamagedValueException} from
     * {@link #next()} after the engine's cursor moved past it, so a caller that reports it may call
     * {@link #next()} again to go on; after any other failure it must not.
     */
    private final class CheckedCursor implements EngineCursor {
        private final EngineCursor cursor;
        private final EngineKeyspace ks;
        private final ScanSpec scan;
        /**
         * The bound a walk goes towards: the end going forward, the start in reverse; {@code null} when unbounded.
         * Every key is compared with it unless {@link #farDiffers} tells the comparison's answer.
         */
        private final byte[] far;
        /**
         * The last key returned or sought, its first {@link #previousLength} bytes, which the next key must
         * follow; {@code null} at the start. The engine's own array after {@link #next()} or the caller's
         * target after a seek, which nobody changes; after {@link #lend} one of the cursor's two
         * {@link #lentKeys}.
         */
        private byte[] previous;
        private int previousLength;
        /** Whether {@link #previous} was sought rather than returned, so the next key may equal it. */
        private boolean sought;
        /**
         * Where {@link #previous}, a key returned and so on the inner side of {@link #far} (before the end, after
         * the start), first differs from {@link #far} ({@link LentBytes#mismatch}); -1 when not known (after a
         * seek, at the start, or where {@link #previous} equals the start in reverse). A key that agrees with
         * {@link #previous} up to and past that position agrees with the bound up to it and there is on the same
         * side of it as {@link #previous} (its byte there is the one {@link #previous} has, or the bound ends there
         * and both keys go on): so it is inside too, and only keys that differ from {@link #previous} at or before
         * that position are compared with the bound ({@link #checkKey}).
         */
        private int farDiffers = -1;
        /**
         * The two arrays a lent key is copied into before it is checked, alternately: the one not holding
         * {@link #previous} takes the next key, which is then compared with {@link #previous} as arrays. Made on
         * first use, grown (both) when a key does not fit.
         */
        private byte[][] lentKeys;
        /** The checksum lent values are checked with, reused; made on first use. */
        private CRC32C crc;
        private byte[] key;
        private byte[] value;

        CheckedCursor(EngineCursor cursor, EngineKeyspace ks, ScanSpec scan) {
            this.cursor = cursor;
            this.ks = ks;
            this.scan = scan;
            this.far = scan.reverse() ? scan.start() : scan.end();
        }

        @Override
        public boolean next() {
            key = null;
            value = null;
            if (!cursor.next()) {
                return false;
            }
            byte[] k = cursor.key();
            byte[] v = cursor.value();
            if (k == null) {
                throw damaged(ks, "a cursor returned an empty key" + after());
            }
            int differs = checkKey(k, k.length);
            if (scan.fullValues() || checksums) {
                checkWhole(ks, k, v);
            } else {
                checkPrefix(ks, k, v, scan.valueBytes());
            }
            follow(k, k.length, differs);
            key = k;
            value = v;
            return true;
        }

        @Override
        public boolean lendsEntries() {
            return cursor.lendsEntries();
        }

        /**
         * Lends the engine's entries on, each checked in place before the sink sees it, as {@link #next()} checks:
         * the key first copied into one of {@link #lentKeys}, where it is compared as an array.
         */
        @Override
        public boolean lend(EntrySink sink) {
            key = null;
            value = null;
            if (crc == null) {
                crc = new CRC32C();
            }
            return cursor.lend((k, v) -> {
                int length = k.remaining();
                byte[] copy = lentKeyArray(length);
                k.get(k.position(), copy, 0, length);
                int differs = checkKey(copy, length);
                checkLent(ks, k, v, scan.valueBytes(), crc);
                follow(copy, length, differs);
                return sink.entry(k, v);
            });
        }

        /** The one of {@link #lentKeys} that does not hold {@link #previous}, with room for {@code length} bytes. */
        private byte[] lentKeyArray(int length) {
            byte[][] keys = lentKeys;
            if (keys == null || keys[0].length < length) {
                int size = Math.max(64, length);
                byte[][] grown = {new byte[size], new byte[size]};
                if (keys != null && (previous == keys[0] || previous == keys[1])) {
                    // previous stays readable, in the array the next key does not take
                    System.arraycopy(previous, 0, grown[1], 0, previousLength);
                    previous = grown[1];
                }
                lentKeys = grown;
                keys = grown;
            }
            return previous == keys[0] ? keys[1] : keys[0];
        }

        /** The walk moved to {@code k}'s first {@code length} bytes, which passed every check. */
        private void follow(byte[] k, int length, int differs) {
            previous = k;
            previousLength = length;
            sought = false;
            farDiffers = differs;
        }

        /**
         * Checks the first {@code length} bytes of {@code k} as the key the walk moved to: not empty, inside the
         * range and after the previous key in the cursor's direction.
         *
         * @return where the key first differs from {@link #far}, or -1 when that is not known; for
         *     {@link #farDiffers} once the entry is accepted
         * @throws CorruptionException if it is not such a key
         */
        private int checkKey(byte[] k, int length) {
            if (length == 0) {
                throw damaged(ks, "a cursor returned an empty key" + after());
            }
            boolean reverse = scan.reverse();
            // A key after the previous one (checked below) is past the bound the walk comes from whenever
            // the previous key was: only the first key after opening or seeking is compared with it.
            byte[] near = reverse ? scan.end() : scan.start();
            if (near != null && (previous == null || sought)) {
                int c = Arrays.compareUnsigned(k, 0, length, near, 0, near.length);
                if (reverse ? c >= 0 : c < 0) {
                    throw outOfRange(Arrays.copyOf(k, length));
                }
            }
            // Where the key first differs from the previous one decides their order, and (see farDiffers) often
            // that the key is inside the far bound too: then that bound is not compared with.
            int differs = -2;
            int order = 0;
            if (previous != null) {
                differs = LentBytes.mismatch(k, 0, length, previous, 0, previousLength);
                if (differs < 0) {
                    order = 0;
                } else if (differs == Math.min(length, previousLength)) {
                    order = length - previousLength;
                } else {
                    order = (k[differs] & 0xFF) - (previous[differs] & 0xFF);
                }
            }
            int farDiffersNext = -1;
            if (far != null) {
                if (!sought && farDiffers >= 0 && differs > farDiffers) {
                    // The key agrees with the previous one, which is inside the bound, up to and past where that
                    // one differs from the bound: it is inside too, and differs from the bound where that one does.
                    farDiffersNext = farDiffers;
                } else {
                    int c = Arrays.compareUnsigned(k, 0, length, far, 0, far.length);
                    if (reverse ? c < 0 : c >= 0) {
                        throw outOfRange(Arrays.copyOf(k, length));
                    }
                    farDiffersNext = c == 0 ? -1 : LentBytes.mismatch(k, 0, length, far, 0, far.length);
                }
            }
            if (previous != null && !ordered(order)) {
                throw outOfOrder(Arrays.copyOf(k, length));
            }
            return farDiffersNext;
        }

        /** Whether a key that compares {@code c} with the previous one follows it in the cursor's direction. */
        private boolean ordered(int c) {
            return scan.reverse() ? (sought ? c <= 0 : c < 0) : (sought ? c >= 0 : c > 0);
        }

        private CorruptionException outOfRange(byte[] k) {
            return damaged(ks, "a cursor over " + Bytes.hex(scan.start()) + " to " + Bytes.hex(scan.end())
                    + " returned key " + Bytes.hex(k) + ", outside that range" + after());
        }

        private CorruptionException outOfOrder(byte[] k) {
            return damaged(ks, "a " + (scan.reverse() ? "reverse" : "forward") + " cursor returned key "
                    + Bytes.hex(k) + " out of order" + after());
        }

        private String after() {
            return previous == null ? ""
                    : (sought ? " after seeking to " : " after key ") + Bytes.hex(Arrays.copyOf(previous, previousLength));
        }

        @Override
        public byte[] key() {
            if (key == null) {
                throw new IllegalStateException("cursor is not on an entry");
            }
            return key;
        }

        @Override
        public byte[] value() {
            if (value == null) {
                throw new IllegalStateException("cursor is not on an entry");
            }
            return value;
        }

        @Override
        public void seek(byte[] target) {
            key = null;
            value = null;
            cursor.seek(target);
            previous = target;
            previousLength = target.length;
            sought = true;
            farDiffers = -1;
        }

        @Override
        public void close() {
            cursor.close();
        }
    }
}
