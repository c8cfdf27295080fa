package dev.plinth.documents;

import java.util.Arrays;
import java.util.Base64;
import java.util.Objects;
import org.automerge.AmValue;
import org.automerge.MapEntry;
import org.automerge.ObjectId;
import org.automerge.Read;

/**
 * Renders an Automerge document as JSON: maps as objects with keys in sorted order, lists as arrays, text as a
 * string, counters and integers as numbers, byte arrays as base64 strings, timestamps as epoch milliseconds. Two
 * documents with the same content render to the same string, which is how tests compare replicas.
 * Stateless and thread-safe.
 */
public final class DocumentJson {
    private DocumentJson() {
    }

    /**
     * @param doc a document or a read view of one
     * @return the document's current content as JSON
     * @throws NullPointerException if {@code doc} is null
     */
    public static String toJson(Read doc) {
        Objects.requireNonNull(doc, "doc");
        StringBuilder out = new StringBuilder();
        map(doc, ObjectId.ROOT, out);
        return out.toString();
    }

    private static void map(Read doc, ObjectId obj, StringBuilder out) {
        MapEntry[] entries = doc.mapEntries(obj).orElse(new MapEntry[0]);
        Arrays.sort(entries, (a, b) -> a.getKey().compareTo(b.getKey()));
        out.append('{');
        for (int i = 0; i < entries.length; i++) {
            if (i > 0) {
                out.append(',');
            }
            string(entries[i].getKey(), out);
            out.append(':');
            value(doc, entries[i].getValue(), out);
        }
        out.append('}');
    }

    private static void value(Read doc, AmValue v, StringBuilder out) {
        if (v instanceof AmValue.Map) {
            map(doc, ((AmValue.Map) v).getId(), out);
        } else if (v instanceof AmValue.List) {
            AmValue[] items = doc.listItems(((AmValue.List) v).getId()).orElse(new AmValue[0]);
            out.append('[');
            for (int i = 0; i < items.length; i++) {
                if (i > 0) {
                    out.append(',');
                }
                value(doc, items[i], out);
            }
            out.append(']');
        } else if (v instanceof AmValue.Text) {
            string(doc.text(((AmValue.Text) v).getId()).orElse(""), out);
        } else if (v instanceof AmValue.Str) {
            string(((AmValue.Str) v).getValue(), out);
        } else if (v instanceof AmValue.Int) {
            out.append(((AmValue.Int) v).getValue());
        } else if (v instanceof AmValue.UInt) {
            out.append(Long.toUnsignedString(((AmValue.UInt) v).getValue()));
        } else if (v instanceof AmValue.Counter) {
            out.append(((AmValue.Counter) v).getValue());
        } else if (v instanceof AmValue.F64) {
            double d = ((AmValue.F64) v).getValue();
            out.append(Double.isFinite(d) ? Double.toString(d) : "null");
        } else if (v instanceof AmValue.Bool) {
            out.append(((AmValue.Bool) v).getValue());
        } else if (v instanceof AmValue.Bytes) {
            string(Base64.getEncoder().encodeToString(((AmValue.Bytes) v).getValue()), out);
        } else if (v instanceof AmValue.Timestamp) {
            out.append(((AmValue.Timestamp) v).getValue().getTime());
        } else {
            out.append("null");
        }
    }

    private static void string(String s, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\r' -> out.append("\\r");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }
}
