package dev.plinth.cli;

import java.io.PrintStream;

/**
 * How {@code get} and {@code scan} print keys and values; documented in {@code docs/cli.md}.
 */
public enum OutputFormat {
    /** Escaped text ({@link ByteText#escape(byte[])}); key and value separated by a tab. */
    TEXT,
    /** Lower-case hex; key and value separated by a tab. */
    HEX,
    /** Standard base64 with padding; key and value separated by a tab. */
    BASE64,
    /** One JSON object a line, {@link ByteText#jsonBytes(String, byte[])} members {@code key} and {@code value}. */
    JSON,
    /** The value's bytes exactly, nothing else ({@code get} only). */
    RAW;

    /**
     * Formats bytes in this format (not {@link #JSON} or {@link #RAW}).
     *
     * @param b the bytes
     * @return the text
     */
    public String bytes(byte[] b) {
        return switch (this) {
            case TEXT -> ByteText.escape(b);
            case HEX -> ByteText.hex(b);
            case BASE64 -> ByteText.base64(b);
            case JSON, RAW -> throw new IllegalStateException(this + " formats whole entries");
        };
    }

    /**
     * Prints one entry as one line ({@link #RAW}: the value's bytes alone).
     *
     * @param out where to print
     * @param key the key, or {@code null} to print only the value
     * @param value the value, or {@code null} to print only the key
     */
    public void print(PrintStream out, byte[] key, byte[] value) {
        switch (this) {
            case RAW -> out.write(value, 0, value.length);
            case JSON -> {
                StringBuilder sb = new StringBuilder("{");
                if (key != null) {
                    sb.append(ByteText.jsonBytes("key", key));
                }
                if (value != null) {
                    sb.append(key != null ? "," : "").append(ByteText.jsonBytes("value", value));
                }
                Text.print(out, sb.append("}\n").toString());
            }
            default -> {
                if (key != null && value != null) {
                    Text.print(out, bytes(key) + "\t" + bytes(value) + "\n");
                } else {
                    Text.print(out, bytes(key != null ? key : value) + "\n");
                }
            }
        }
    }
}
