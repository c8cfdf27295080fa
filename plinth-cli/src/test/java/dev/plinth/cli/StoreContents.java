package dev.plinth.cli;

import dev.plinth.Cursor;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;

/** Test data: random binary contents, and a store's contents read through the public API. */
final class StoreContents {
    private StoreContents() {
    }

    /**
     * Everything a store holds, read with the public API: keyspace, then hex key, to hex value.
     *
     * @param uri the store
     * @return the contents, keyspaces and keys sorted (hex sorts like unsigned bytes)
     */
    static Map<String, Map<String, String>> read(String uri) {
        Map<String, Map<String, String>> all = new TreeMap<>();
        try (Store store = Plinth.open(uri)) {
            for (String name : store.keyspaces()) {
                Map<String, String> entries = new LinkedHashMap<>();
                try (Cursor c = store.keyspace(name).cursor(Range.all(), ScanOptions.forward())) {
                    while (c.next()) {
                        entries.put(HexFormat.of().formatHex(c.key()), HexFormat.of().formatHex(c.value()));
                    }
                }
                all.put(name, entries);
            }
        }
        return all;
    }

    /**
     * Writes random binary entries into a store through the public API: keys with 0x00 and 0xFF bytes,
     * empty values, a value larger than the dump reader's first buffer, an empty keyspace.
     *
     * @param uri the store, created
     * @param seed the random seed
     * @return what was written, as {@link #read(String)} shows it
     */
    static Map<String, Map<String, String>> fillRandom(String uri, long seed) {
        Random rnd = new Random(seed);
        try (Store store = Plinth.open(uri)) {
            store.createKeyspace("empty");
            for (String name : new String[] {"default", "a", "b.c"}) {
                var ks = store.createKeyspace(name);
                int n = 200 + rnd.nextInt(300);
                for (int i = 0; i < n; i++) {
                    byte[] key = new byte[1 + rnd.nextInt(40)];
                    rnd.nextBytes(key);
                    if (i % 7 == 0) {
                        key[0] = (byte) (i % 2 == 0 ? 0x00 : 0xFF);
                    }
                    byte[] value = new byte[i % 11 == 0 ? 0 : rnd.nextInt(300)];
                    rnd.nextBytes(value);
                    ks.put(key, value);
                }
            }
            byte[] big = new byte[200_000];
            rnd.nextBytes(big);
            store.createKeyspace("a").put(new byte[] {(byte) 0xFF, (byte) 0xFF}, big);
        }
        return read(uri);
    }

    /**
     * A seed from {@code -Dplinth.seed}, or a fresh one; printed so that a failure can be replayed.
     *
     * @return the seed
     */
    /** A count as the commands print it, with thousands separators. */
    static String count(long n) {
        return String.format(java.util.Locale.ROOT, "%,d", n);
    }

    static long seed() {
        long seed = Long.getLong("plinth.seed", System.nanoTime());
        System.out.println("plinth.seed=" + seed);
        return seed;
    }
}
