package dev.plinth.ycsb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import site.ycsb.ByteArrayByteIterator;
import site.ycsb.ByteIterator;

/**
 * Encodes a YCSB record (field name to bytes) as one Plinth value: the field count, then for each field
 * its name's length, the name in UTF-8, its value's length and the value, every length a big-endian
 * 32-bit integer. Stateless and thread-safe.
 */
final class FieldCodec {
    private FieldCodec() {
    }

    /** Encodes {@code fields} in their iteration order. */
    static byte[] encode(Map<String, byte[]> fields) {
        int size = 4;
        Map<byte[], byte[]> raw = new LinkedHashMap<>();
        for (Map.Entry<String, byte[]> e : fields.entrySet()) {
            byte[] name = e.getKey().getBytes(StandardCharsets.UTF_8);
            raw.put(name, e.getValue());
            size += 8 + name.length + e.getValue().length;
        }
        ByteBuffer out = ByteBuffer.allocate(size);
        out.putInt(raw.size());
        for (Map.Entry<byte[], byte[]> e : raw.entrySet()) {
            out.putInt(e.getKey().length).put(e.getKey());
            out.putInt(e.getValue().length).put(e.getValue());
        }
        return out.array();
    }

    /**
     * Decodes a value written by {@link #encode}, keeping only the fields in {@code only} ({@code null}
     * keeps all).
     *
     * @throws IllegalArgumentException if {@code value} is not such an encoding
     */
    static Map<String, byte[]> decode(byte[] value, Set<String> only) {
        try {
            ByteBuffer in = ByteBuffer.wrap(value);
            int count = in.getInt();
            if (count < 0) {
                throw new IllegalArgumentException("negative field count " + count);
            }
            Map<String, byte[]> fields = new LinkedHashMap<>();
            for (int i = 0; i < count; i++) {
                byte[] name = new byte[in.getInt()];
                in.get(name);
                byte[] bytes = new byte[in.getInt()];
                in.get(bytes);
                String field = new String(name, StandardCharsets.UTF_8);
                if (only == null || only.contains(field)) {
                    fields.put(field, bytes);
                }
            }
            if (in.hasRemaining()) {
                throw new IllegalArgumentException(in.remaining() + " trailing bytes");
            }
            return fields;
        } catch (RuntimeException e) {
            if (e instanceof IllegalArgumentException) {
                throw e;
            }
            throw new IllegalArgumentException("not a YCSB record encoding (" + value.length + " bytes): " + e, e);
        }
    }

    /** Copies YCSB's one-shot iterators to arrays, keeping the order. */
    static Map<String, byte[]> toBytes(Map<String, ByteIterator> values) {
        Map<String, byte[]> out = new LinkedHashMap<>();
        for (Map.Entry<String, ByteIterator> e : values.entrySet()) {
            out.put(e.getKey(), e.getValue().toArray());
        }
        return out;
    }

    /** Wraps decoded fields for YCSB, adding them to {@code into}. */
    static void toIterators(Map<String, byte[]> fields, Map<String, ByteIterator> into) {
        for (Map.Entry<String, byte[]> e : fields.entrySet()) {
            into.put(e.getKey(), new ByteArrayByteIterator(e.getValue()));
        }
    }
}
