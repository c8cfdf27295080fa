package dev.plinth.rocksdb;

import dev.plinth.Durability;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Opening the engine directly through its provider, and small helpers for engine-level tests. */
final class RocksDbTestSupport {
    private RocksDbTestSupport() {
    }

    static Engine open(Path dir) {
        return open(dir, Map.of());
    }

    static Engine open(Path dir, Map<String, String> params) {
        return new RocksDbEngineProvider().open(config(dir, params));
    }

    static EngineConfig config(Path dir, Map<String, String> params) {
        return new EngineConfig("rocksdb:" + dir, "rocksdb", dir.toString(), params, InstantSource.system());
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static String s(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static void put(Engine e, EngineKeyspace ks, String k, String v) {
        e.apply(EngineBatch.builder(Durability.NONE).put(ks, b(k), b(v)).build());
    }

    /** The keys of a cursor, in its order. */
    static List<String> keys(EngineReader r, EngineKeyspace ks, String start, String end, boolean reverse) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = r.cursor(ks, ScanSpec.of(start == null ? null : b(start), end == null ? null : b(end)).reverse(reverse))) {
            while (c.next()) {
                out.add(s(c.key()));
            }
        }
        return out;
    }
}
