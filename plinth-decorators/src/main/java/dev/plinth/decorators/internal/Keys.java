package dev.plinth.decorators.internal;

import java.nio.charset.StandardCharsets;

/** Keys in messages: printable ASCII as text, anything else in hex, long keys shortened. */
public final class Keys {
    /** Bytes of a key shown before it is shortened. */
    static final int SHOWN = 48;

    private Keys() {
    }

    /**
     * A key for a message.
     *
     * @param key the key, or {@code null}
     * @return {@code "abc"} or {@code 0x00ff...}, with the length when shortened
     */
    public static String show(byte[] key) {
        if (key == null) {
            return "(unbounded)";
        }
        int n = Math.min(key.length, SHOWN);
        boolean printable = true;
        for (int i = 0; i < n; i++) {
            if (key[i] < 0x20 || key[i] > 0x7e) {
                printable = false;
                break;
            }
        }
        String suffix = key.length > n ? "... (" + key.length + " bytes)" : "";
        if (printable) {
            return "\"" + new String(key, 0, n, StandardCharsets.US_ASCII) + "\"" + suffix;
        }
        StringBuilder sb = new StringBuilder("0x");
        for (int i = 0; i < n; i++) {
            sb.append(Character.forDigit((key[i] >> 4) & 0xf, 16)).append(Character.forDigit(key[i] & 0xf, 16));
        }
        return sb.append(suffix).toString();
    }
}
