package dev.plinth.documents.internal;

import dev.plinth.CorruptionException;
import dev.plinth.Range;
import dev.plinth.keys.KeyReader;
import dev.plinth.keys.KeyWriter;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.zip.CRC32C;

/**
 * The key layout and value encodings of document collections, as specified in {@code docs/format/documents.md}.
 * Every key is a tuple under the shared key encoding whose first element is a region tag, so each region is one
 * contiguous range: collection markers, document headers, snapshots, and change entries ordered by document then
 * sequence. Every value starts with {@link #VERSION} and carries a CRC32C of what follows it.
 */
public final class DocumentFormat {
    /** The keyspace that holds every collection of a document store. */
    public static final String KEYSPACE = "plinth.documents";
    /** The format version byte that starts every value but a header. */
    public static final byte VERSION = 1;
    /**
     * The format version byte of a header: version 2 adds the incarnation and the write counter to version 1's
     * expiry. A version 1 header is still read (as incarnation 0, write 0) and replaced by the next write.
     */
    public static final byte HEADER_VERSION = 2;

    static final long COLLECTION = 0;
    static final long HEADER = 1;
    static final long SNAPSHOT = 2;
    static final long CHANGE = 3;

    private static final int CRC_BYTES = 4;
    private static final int HEADER_V1_BYTES = 1 + CRC_BYTES + 8;
    private static final int HEADER_BYTES = 1 + CRC_BYTES + 8 + 8 + 8;
    private static final int SNAPSHOT_PREFIX = 1 + CRC_BYTES + 8;
    private static final int CHANGE_PREFIX = 1 + CRC_BYTES;

    private DocumentFormat() {
    }

    /** The key of a collection's marker. */
    public static byte[] collectionKey(String collection) {
        return new KeyWriter().writeLong(COLLECTION).writeString(collection).toByteArray();
    }

    /** The range of every collection marker. */
    public static Range collectionRange() {
        return Range.prefix(new KeyWriter().writeLong(COLLECTION).toByteArray());
    }

    /** The collection name of a marker key. */
    public static String collectionOf(byte[] key) {
        KeyReader r = new KeyReader(key);
        r.readLong();
        return r.readString();
    }

    /** The key of a document's header. */
    public static byte[] headerKey(String collection, String id) {
        return new KeyWriter().writeLong(HEADER).writeString(collection).writeString(id).toByteArray();
    }

    /**
     * The range of the headers of a collection whose ids start with {@code idPrefix}: the encoded prefix string
     * without its terminator, because a string's encoding is its bytes followed by the terminator.
     */
    public static Range headerRange(String collection, String idPrefix) {
        byte[] withTerminator = new KeyWriter().writeLong(HEADER).writeString(collection).writeString(idPrefix)
                .toByteArray();
        return Range.prefix(Arrays.copyOf(withTerminator, withTerminator.length - 1));
    }

    /** The document id of a header key. */
    public static String idOfHeader(byte[] key) {
        KeyReader r = new KeyReader(key);
        r.readLong();
        r.readString();
        return r.readString();
    }

    /** The key of a document's snapshot. */
    public static byte[] snapshotKey(String collection, String id) {
        return new KeyWriter().writeLong(SNAPSHOT).writeString(collection).writeString(id).toByteArray();
    }

    /** The key of one change entry of a document. */
    public static byte[] changeKey(String collection, String id, long seq) {
        return new KeyWriter().writeLong(CHANGE).writeString(collection).writeString(id).writeLong(seq)
                .toByteArray();
    }

    /** The range of every change entry of a document. */
    public static Range changeRange(String collection, String id) {
        return Range.prefix(new KeyWriter().writeLong(CHANGE).writeString(collection).writeString(id)
                .toByteArray());
    }

    /** The range of the change entries of a document from sequence {@code from}, inclusive. */
    public static Range changesFrom(String collection, String id, long from) {
        return Range.of(changeKey(collection, id, from), changeRange(collection, id).end());
    }

    /** The range of the change entries of a document up to sequence {@code through}, inclusive. */
    public static Range changesThrough(String collection, String id, long through) {
        return Range.of(changeRange(collection, id).start(), changeKey(collection, id, through + 1));
    }

    /** The sequence number of a change key. */
    public static long seqOfChange(byte[] key) {
        KeyReader r = new KeyReader(key);
        r.readLong();
        r.readString();
        r.readString();
        return r.readLong();
    }

    /** The value of a collection marker. */
    public static byte[] collectionValue() {
        return new byte[] {VERSION};
    }

    /**
     * A header value: the expiry time in epoch milliseconds ({@code 0} for none), the incarnation (a random number
     * drawn when the document is created, so a document deleted and created again never repeats a header it had)
     * and the write counter (one more on every write to the document, so no header value repeats within an
     * incarnation). A writer's precondition "header equal to what I read" therefore fails after any other write.
     */
    public static byte[] headerValue(long expiresAtMillis, long incarnation, long writes) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_BYTES);
        b.put(HEADER_VERSION).putInt(0).putLong(expiresAtMillis).putLong(incarnation).putLong(writes);
        return sealed(b.array());
    }

    /** A version 1 header value (expiry only), as earlier code wrote it; kept to test that it is still read. */
    public static byte[] headerValueV1(long expiresAtMillis) {
        ByteBuffer b = ByteBuffer.allocate(HEADER_V1_BYTES);
        b.put(VERSION).putInt(0).putLong(expiresAtMillis);
        return sealed(b.array());
    }

    /** A header value, checked and decoded; {@code where} names the document for the error. */
    public static Header header(byte[] value, String where) {
        String what = where + " header";
        if (value.length > 0 && value[0] == VERSION) {
            check(value, HEADER_V1_BYTES, VERSION, what);
            return new Header(ByteBuffer.wrap(value, 1 + CRC_BYTES, 8).getLong(), 0, 0);
        }
        check(value, HEADER_BYTES, HEADER_VERSION, what);
        ByteBuffer b = ByteBuffer.wrap(value, 1 + CRC_BYTES, 24);
        return new Header(b.getLong(), b.getLong(), b.getLong());
    }

    /** The expiry of a header value, checked; {@code where} names the document for the error. */
    public static long expiryOf(byte[] header, String where) {
        return header(header, where).expiresAt();
    }

    /**
     * A decoded header.
     *
     * @param expiresAt the expiry in epoch milliseconds, {@code 0} for none
     * @param incarnation the random number drawn when the document was created ({@code 0} in a version 1 header)
     * @param writes the number of writes to the document since it was created ({@code 0} in a version 1 header)
     */
    public record Header(long expiresAt, long incarnation, long writes) {
        /** The value of the header the next write stores, with expiry {@code newExpiresAt}. */
        public byte[] next(long newExpiresAt) {
            return headerValue(newExpiresAt, incarnation, writes + 1);
        }
    }

    /** A snapshot value: the last change sequence it includes, then the saved document. */
    public static byte[] snapshotValue(long throughSeq, byte[] saved) {
        ByteBuffer b = ByteBuffer.allocate(SNAPSHOT_PREFIX + saved.length);
        b.put(VERSION).putInt(0).putLong(throughSeq).put(saved);
        return sealed(b.array());
    }

    /** The last change sequence a checked snapshot value includes. */
    public static long throughSeqOf(byte[] snapshot, String where) {
        check(snapshot, SNAPSHOT_PREFIX, VERSION, where + " snapshot");
        return ByteBuffer.wrap(snapshot, 1 + CRC_BYTES, 8).getLong();
    }

    /** The saved document of a snapshot value already checked by {@link #throughSeqOf}. */
    public static byte[] savedOf(byte[] snapshot) {
        return Arrays.copyOfRange(snapshot, SNAPSHOT_PREFIX, snapshot.length);
    }

    /** A change entry value: Automerge's encoded changes. */
    public static byte[] changeValue(byte[] changes) {
        byte[] out = new byte[CHANGE_PREFIX + changes.length];
        out[0] = VERSION;
        System.arraycopy(changes, 0, out, CHANGE_PREFIX, changes.length);
        return sealed(out);
    }

    /** The encoded changes of a change entry value, checked; {@code where} names the document and sequence. */
    public static byte[] changesOf(byte[] value, String where) {
        check(value, CHANGE_PREFIX, VERSION, where);
        return Arrays.copyOfRange(value, CHANGE_PREFIX, value.length);
    }

    /** The 4 bytes that open every Automerge chunk. */
    private static final byte[] AUTOMERGE_MAGIC = {(byte) 0x85, 0x6F, 0x4A, (byte) 0x83};
    /** Magic, checksum and chunk type: the bytes of a chunk before its length. */
    private static final int CHUNK_HEAD = 4 + 4 + 1;

    /**
     * Checks that {@code bytes} is a whole number of Automerge chunks (documents or changes): each the magic
     * bytes, a 4-byte checksum, a type byte, an unsigned LEB128 body length and exactly that many bytes, the last
     * ending where {@code bytes} ends. Automerge 0.0.7's {@code applyEncodedChanges} stops without an error at the
     * first chunk it cannot parse and drops everything after it, so bytes must pass this before they reach it.
     * The checksum and the body are left to Automerge.
     *
     * @return {@code null} if the framing is whole (also for no bytes at all), else a sentence saying what is wrong
     */
    public static String chunkProblem(byte[] bytes) {
        int at = 0;
        int chunk = 0;
        while (at < bytes.length) {
            chunk++;
            if (bytes.length - at < CHUNK_HEAD + 1) {
                return "chunk " + chunk + " at byte " + at + " is cut short (" + (bytes.length - at) + " bytes left)";
            }
            for (int i = 0; i < AUTOMERGE_MAGIC.length; i++) {
                if (bytes[at + i] != AUTOMERGE_MAGIC[i]) {
                    return "chunk " + chunk + " at byte " + at + " does not start with Automerge's magic bytes";
                }
            }
            int p = at + CHUNK_HEAD;
            long length = 0;
            int shift = 0;
            while (true) {
                if (p >= bytes.length || shift > 56) {
                    return "chunk " + chunk + " at byte " + at + " has no valid length";
                }
                int b = bytes[p++] & 0xFF;
                length |= (long) (b & 0x7F) << shift;
                shift += 7;
                if ((b & 0x80) == 0) {
                    break;
                }
            }
            if (length > bytes.length - p) {
                return "chunk " + chunk + " at byte " + at + " declares " + length + " bytes but " + (bytes.length - p)
                        + " follow";
            }
            at = p + (int) length;
        }
        return null;
    }

    private static byte[] sealed(byte[] value) {
        ByteBuffer.wrap(value, 1, CRC_BYTES).putInt(crc(value));
        return value;
    }

    private static int crc(byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(value, 0, 1);
        crc.update(value, 1 + CRC_BYTES, value.length - 1 - CRC_BYTES);
        return (int) crc.getValue();
    }

    private static void check(byte[] value, int minLength, byte version, String what) {
        if (value.length > 0 && value[0] != version) {
            throw new CorruptionException("the " + what + " has format version " + value[0] + "; this code reads "
                    + version);
        }
        if (value.length < minLength) {
            throw new CorruptionException("the " + what + " is " + value.length + " bytes, shorter than the "
                    + minLength + " of its format");
        }
        int stored = ByteBuffer.wrap(value, 1, CRC_BYTES).getInt();
        if (stored != crc(value)) {
            throw new CorruptionException("the " + what + " fails its CRC32C check");
        }
    }
}
