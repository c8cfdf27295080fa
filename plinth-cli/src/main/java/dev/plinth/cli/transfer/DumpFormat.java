package dev.plinth.cli.transfer;

import java.util.regex.Pattern;

/**
 * The constants of the dump file format, version {@value #VERSION}, described byte by byte in
 * {@code docs/format/dump.md}. All integers are unsigned and big-endian; every checksum is CRC32C.
 *
 * <pre>
 * file    = header frame* trailer-frame
 * header  = magic(8) version(u16) flags(u16) crc32c-of-the-12-bytes-before(u32)
 * frame   = type(u8) length(u32) payload(length) crc32c-of-type-length-payload(u32)
 * order   = (KEYSPACE ENTRY* KEYSPACE_END)* TRAILER, keyspaces by ascending name, keys ascending
 * </pre>
 */
public final class DumpFormat {
    /** The first eight bytes of every dump: {@code 0x89 'P' 'L' 'D' 'M' 'P' '\r' '\n'}. */
    static final byte[] MAGIC = {(byte) 0x89, 'P', 'L', 'D', 'M', 'P', '\r', '\n'};
    /** The format version this code writes and the only one it reads. */
    public static final int VERSION = 1;
    /** Bytes of the file header: magic, version, flags, checksum. */
    static final int HEADER_SIZE = 16;
    /** Bytes a frame adds around its payload: type, length, checksum. */
    static final int FRAME_OVERHEAD = 9;

    /** Frame type: starts a keyspace's section; the payload is its name in ASCII. */
    static final int KEYSPACE = 0x01;
    /** Frame type: one entry; the payload is key length (u32), key, value. */
    static final int ENTRY = 0x02;
    /** Frame type: ends a section; the payload is its entry count, key bytes and value bytes (u64 each). */
    static final int KEYSPACE_END = 0x03;
    /**
     * Frame type: the last frame; the payload is keyspace count (u32), entry count, key bytes, value bytes
     * (u64 each), and the CRC32C of every byte of the file before this frame (u32).
     */
    static final int TRAILER = 0x04;

    /** Payload bytes of a {@link #KEYSPACE_END} frame. */
    static final int KEYSPACE_END_SIZE = 24;
    /** Payload bytes of a {@link #TRAILER} frame. */
    static final int TRAILER_SIZE = 32;
    /** The largest payload a reader accepts; a longer length field is damage. */
    static final long MAX_PAYLOAD = Integer.MAX_VALUE - 64;

    /** Valid keyspace names, as the store API accepts them. */
    static final Pattern KEYSPACE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private DumpFormat() {
    }
}
