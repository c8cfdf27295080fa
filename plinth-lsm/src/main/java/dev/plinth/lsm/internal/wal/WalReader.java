package dev.plinth.lsm.internal.wal;

import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;

/**
 * Reads one write-ahead log segment for recovery and says exactly where its valid records end and what
 * follows them. It decides nothing: {@link WalRecovery} weighs the scans of all segments. Stateless.
 */
public final class WalReader {
    private WalReader() {
    }

    /** How the valid records of a segment end. */
    public enum Ending {
        /** Zeros after the last record, and nothing valid further in the segment: the normal end. */
        CLEAN,
        /** Bytes that are no valid fragment, or a record missing its last fragment. */
        DAMAGED,
        /** The header is missing or wrong. */
        BAD_HEADER
    }

    /**
     * What a segment holds.
     *
     * @param name the file
     * @param records the complete records in order, up to the first problem
     * @param end the offset just past the last complete record (where the next record would go)
     * @param ending how the records end
     * @param problemAt where the problem starts ({@code end} for a clean ending)
     * @param problem what is wrong, or {@code null} for a clean ending
     * @param validAfter whether a valid fragment follows the problem in this segment (then it is damage in
     *     the middle, never a torn tail)
     * @param size the file's size
     */
    public record Scan(String name, List<byte[]> records, long end, Ending ending, long problemAt, String problem,
                       boolean validAfter, long size) {
        /**
         * Whether the segment holds any valid fragment at all, records or not.
         *
         * @return {@code true} if something valid was written to it
         */
        public boolean holdsData() {
            return !records.isEmpty() || validAfter;
        }
    }

    /**
     * Reads a whole segment.
     *
     * @param vfs the file system
     * @param name the segment's name
     * @param number its number, from the name
     * @return the scan
     */
    public static Scan scan(Vfs vfs, String name, long number) {
        return scan(vfs, name, number, WalFormat.MAGIC);
    }

    /**
     * Reads a whole file in the log format with another magic number (the manifest's).
     *
     * @param vfs the file system
     * @param name the file
     * @param number its number, from the name
     * @param magic the file type's magic number
     * @return the scan
     */
    public static Scan scan(Vfs vfs, String name, long number, long magic) {
        byte[] b;
        try (VfsFile f = vfs.openRead(name)) {
            long size = f.size();
            if (size > Integer.MAX_VALUE - 8) {
                throw new dev.plinth.CorruptionException("log-format file " + vfs.location(name) + " is "
                        + size + " bytes, more than a segment can be");
            }
            b = new byte[(int) size];
            f.read(0, ByteBuffer.wrap(b));
        }
        return scan(name, number, b, magic);
    }

    static Scan scan(String name, long number, byte[] b, long magic) {
        List<byte[]> records = new ArrayList<>();
        if (b.length < WalFormat.HEADER_SIZE) {
            return new Scan(name, records, 0, Ending.BAD_HEADER, 0, "the file is shorter than a segment header",
                    false, b.length);
        }
        byte[] h = new byte[WalFormat.HEADER_SIZE];
        System.arraycopy(b, 0, h, 0, h.length);
        String bad = WalFormat.checkHeader(h, magic, number);
        if (bad != null) {
            return new Scan(name, records, 0, Ending.BAD_HEADER, 0, bad, validFrom(b, WalFormat.HEADER_SIZE), b.length);
        }
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int pos = WalFormat.HEADER_SIZE;
        int end = pos;
        ByteArrayOutputStream pending = null;
        int pendingStart = -1;
        while (true) {
            if (pos >= b.length) {
                if (pending != null) {
                    return damaged(name, records, end, pendingStart, "a record at offset " + pendingStart
                            + " has no last fragment", false, b.length);
                }
                return new Scan(name, records, end, Ending.CLEAN, end, null, false, b.length);
            }
            int room = WalFormat.BLOCK_SIZE - pos % WalFormat.BLOCK_SIZE;
            if (room < WalFormat.FRAGMENT_HEADER) {
                pos += room;
                continue;
            }
            if (pos + WalFormat.FRAGMENT_HEADER > b.length) {
                return damaged(name, records, end, pos, "a fragment header at offset " + pos + " is cut off", false,
                        b.length);
            }
            int crc = buf.getInt(pos);
            int len = Short.toUnsignedInt(buf.getShort(pos + 4));
            byte type = b[pos + 6];
            if (crc == 0 && len == 0 && type == 0) {
                boolean after = validFrom(b, pos);
                if (pending != null) {
                    return damaged(name, records, end, pendingStart, "a record at offset " + pendingStart
                            + " has no last fragment", after, b.length);
                }
                if (after) {
                    return damaged(name, records, end, pos, "zeros at offset " + pos + " are followed by valid records",
                            true, b.length);
                }
                return new Scan(name, records, end, Ending.CLEAN, end, null, false, b.length);
            }
            String why = fragmentProblem(b, pos, crc, len, type, room);
            if (why != null) {
                int at = pending != null ? pendingStart : pos;
                return damaged(name, records, end, at, why, validFrom(b, pos + 1), b.length);
            }
            int payload = pos + WalFormat.FRAGMENT_HEADER;
            switch (type) {
                case WalFormat.FULL -> {
                    if (pending != null) {
                        return damaged(name, records, end, pendingStart, "a record at offset " + pendingStart
                                + " has no last fragment before the record at offset " + pos, true, b.length);
                    }
                    byte[] r = new byte[len];
                    System.arraycopy(b, payload, r, 0, len);
                    records.add(r);
                    end = payload + len;
                }
                case WalFormat.FIRST -> {
                    if (pending != null) {
                        return damaged(name, records, end, pendingStart, "a record at offset " + pendingStart
                                + " has no last fragment before the record at offset " + pos, true, b.length);
                    }
                    pending = new ByteArrayOutputStream();
                    pending.write(b, payload, len);
                    pendingStart = pos;
                }
                default -> {
                    if (pending == null) {
                        return damaged(name, records, end, pos, "a continuing fragment at offset " + pos
                                + " follows no first fragment", validFrom(b, pos + 1), b.length);
                    }
                    pending.write(b, payload, len);
                    if (type == WalFormat.LAST) {
                        records.add(pending.toByteArray());
                        pending = null;
                        end = payload + len;
                    }
                }
            }
            pos = payload + len;
        }
    }

    private static Scan damaged(String name, List<byte[]> records, int end, int at, String why, boolean after, int size) {
        return new Scan(name, records, end, Ending.DAMAGED, at, why, after, size);
    }

    /** Why the bytes at {@code pos} are no valid fragment, or {@code null} if they are one. */
    private static String fragmentProblem(byte[] b, int pos, int crc, int len, byte type, int room) {
        if (type < WalFormat.FULL || type > WalFormat.LAST) {
            return "the fragment at offset " + pos + " has unknown type " + type;
        }
        if (len > room - WalFormat.FRAGMENT_HEADER || pos + WalFormat.FRAGMENT_HEADER + len > b.length) {
            return "the fragment at offset " + pos + " says " + len + " bytes, more than its block holds";
        }
        if (crc != WalFormat.fragmentCrc(type, b, pos + WalFormat.FRAGMENT_HEADER, len)) {
            return "the fragment at offset " + pos + " fails its CRC32C";
        }
        return null;
    }

    /**
     * Whether a valid fragment starts anywhere from {@code from} to the end of its block, or at the start
     * of any later block (where every fragment after a damaged one must begin).
     */
    static boolean validFrom(byte[] b, int from) {
        ByteBuffer buf = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        int blockEnd = (from / WalFormat.BLOCK_SIZE + 1) * WalFormat.BLOCK_SIZE;
        for (int p = from; p + WalFormat.FRAGMENT_HEADER <= Math.min(blockEnd, b.length); p++) {
            if (validAt(buf, b, p)) {
                return true;
            }
        }
        for (long p = blockEnd; p + WalFormat.FRAGMENT_HEADER <= b.length; p += WalFormat.BLOCK_SIZE) {
            if (validAt(buf, b, (int) p)) {
                return true;
            }
        }
        return false;
    }

    private static boolean validAt(ByteBuffer buf, byte[] b, int p) {
        byte type = b[p + 6];
        if (type < WalFormat.FULL || type > WalFormat.LAST) {
            return false;
        }
        int len = Short.toUnsignedInt(buf.getShort(p + 4));
        int room = WalFormat.BLOCK_SIZE - p % WalFormat.BLOCK_SIZE;
        return fragmentProblem(b, p, buf.getInt(p), len, type, room) == null;
    }
}
