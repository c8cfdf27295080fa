package dev.plinth.raftlog;

import java.util.Locale;
import java.util.Objects;

/**
 * How the logs of our own (the shared log and the per-group segmented log) write their files: the size at which a
 * segment is closed, and whether entry payloads are LZ4-compressed. Immutable and thread safe; {@code with...}
 * methods return a changed copy.
 *
 * <p>Compression applies to what is written from now on and is decided per entry: a payload is stored compressed
 * only if it has at least 32 bytes and compression saves at least an eighth of it, so incompressible payloads cost
 * one attempt and nothing on disk. Every entry is read whichever way it was stored, so a log may be reopened with
 * compression switched on or off at any time. The stored bytes of every entry, compressed or not, carry a CRC32C
 * checked on every read before anything is decompressed (the format is in {@code docs/format/raftlog.md}).
 *
 * <p>In a URI's query (see {@link RaftLogs#open(String)}): {@code compression=lz4|none} and
 * {@code segmentBytes=N} with an optional {@code k}, {@code m} or {@code g} suffix (powers of 1024).
 */
public final class LogFileOptions {

    /** How entry payloads are written. */
    public enum Compression {
        /** Payloads are written as they are. */
        NONE,
        /**
         * Payloads are LZ4-compressed when that saves at least an eighth of them (lz4-java: its native compressor
         * where its library loads, else its pure Java one; always its pure Java, bounds-checked decompressor).
         */
        LZ4
    }

    /** The defaults: segments of {@link RaftLogs#DEFAULT_SEGMENT_BYTES}, no compression. */
    public static final LogFileOptions DEFAULTS = new LogFileOptions(RaftLogs.DEFAULT_SEGMENT_BYTES, Compression.NONE);

    /** The smallest segment size accepted: more than a segment's 16-byte header. */
    public static final long MIN_SEGMENT_BYTES = 17;

    private final long segmentBytes;
    private final Compression compression;

    private LogFileOptions(long segmentBytes, Compression compression) {
        this.segmentBytes = segmentBytes;
        this.compression = compression;
    }

    /** The size at which a segment is closed and a new one begun. */
    public long segmentBytes() {
        return segmentBytes;
    }

    /** How payloads are written. */
    public Compression compression() {
        return compression;
    }

    /**
     * A copy with another segment size.
     *
     * @param bytes at least {@link #MIN_SEGMENT_BYTES}
     * @return the copy
     * @throws IllegalArgumentException if {@code bytes} is smaller
     */
    public LogFileOptions withSegmentBytes(long bytes) {
        if (bytes < MIN_SEGMENT_BYTES) {
            throw new IllegalArgumentException("A Raft log segment must be allowed at least " + MIN_SEGMENT_BYTES
                    + " bytes, but was given " + bytes + ".");
        }
        return new LogFileOptions(bytes, compression);
    }

    /**
     * A copy with another compression.
     *
     * @param compression how payloads are written from now on
     * @return the copy
     */
    public LogFileOptions withCompression(Compression compression) {
        return new LogFileOptions(segmentBytes, Objects.requireNonNull(compression, "compression"));
    }

    /**
     * Reads options from a URI query such as {@code compression=lz4&segmentBytes=16m}; what the query does not
     * name keeps its default. Every problem is reported before anything is opened.
     *
     * @param query the query without its {@code ?}, empty or {@code null} for the defaults
     * @param uri   the whole URI, named in error messages
     * @return the options
     * @throws IllegalArgumentException naming the URI and every unknown parameter or bad value
     */
    public static LogFileOptions parse(String query, String uri) {
        LogFileOptions o = DEFAULTS;
        if (query == null || query.isEmpty()) {
            return o;
        }
        StringBuilder problems = new StringBuilder();
        for (String pair : query.split("&")) {
            int eq = pair.indexOf('=');
            String name = eq < 0 ? pair : pair.substring(0, eq);
            String value = eq < 0 ? "" : pair.substring(eq + 1);
            try {
                switch (name) {
                    case "compression" -> o = o.withCompression(compression(value));
                    case "segmentBytes" -> o = o.withSegmentBytes(size(value));
                    default -> throw new IllegalArgumentException("unknown parameter '" + name
                            + "' (known: compression, segmentBytes)");
                }
            } catch (IllegalArgumentException e) {
                problems.append(problems.length() == 0 ? "" : "; ").append(e.getMessage());
            }
        }
        if (problems.length() > 0) {
            throw new IllegalArgumentException("Cannot open the Raft log " + uri + ": " + problems + ".");
        }
        return o;
    }

    private static Compression compression(String value) {
        return switch (value.toLowerCase(Locale.ROOT)) {
            case "lz4" -> Compression.LZ4;
            case "none" -> Compression.NONE;
            default -> throw new IllegalArgumentException("compression must be lz4 or none, not '" + value + "'");
        };
    }

    private static long size(String value) {
        String v = value.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (v.endsWith("k") || v.endsWith("m") || v.endsWith("g")) {
            unit = switch (v.charAt(v.length() - 1)) {
                case 'k' -> 1L << 10;
                case 'm' -> 1L << 20;
                default -> 1L << 30;
            };
            v = v.substring(0, v.length() - 1);
        }
        try {
            return Math.multiplyExact(Long.parseLong(v), unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("segmentBytes must be a number of bytes such as 65536 or 64m, not '"
                    + value + "'");
        }
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof LogFileOptions other && other.segmentBytes == segmentBytes
                && other.compression == compression;
    }

    @Override
    public int hashCode() {
        return Long.hashCode(segmentBytes) * 31 + compression.hashCode();
    }

    @Override
    public String toString() {
        return "segmentBytes=" + segmentBytes + "&compression=" + compression.name().toLowerCase(Locale.ROOT);
    }
}
