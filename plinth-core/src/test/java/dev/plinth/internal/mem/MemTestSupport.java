package dev.plinth.internal.mem;

import dev.plinth.Durability;
import dev.plinth.KeyValue;
import dev.plinth.Store;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineReader;
import dev.plinth.spi.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/** Small helpers for the mem engine's SPI-level tests. */
final class MemTestSupport {
    private MemTestSupport() {
    }

    static MemEngine newEngine() {
        return new MemEngine("mem:test");
    }

    static EngineKeyspace defaultKs(MemEngine engine) {
        return engine.keyspace(Store.DEFAULT_KEYSPACE);
    }

    static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    static byte[] bytes(int... values) {
        byte[] out = new byte[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (byte) values[i];
        }
        return out;
    }

    static String str(byte[] b) {
        return b == null ? null : new String(b, StandardCharsets.UTF_8);
    }

    static String hex(byte[] b) {
        return b == null ? null : HexFormat.of().formatHex(b);
    }

    static EngineBatch.Builder batch() {
        return EngineBatch.builder(Durability.NONE);
    }

    static void put(MemEngine engine, EngineKeyspace ks, byte[] key, byte[] value) {
        if (!engine.apply(batch().put(ks, key, value).build())) {
            throw new AssertionError("unconditional put not applied");
        }
    }

    static void put(MemEngine engine, EngineKeyspace ks, String key, String value) {
        put(engine, ks, b(key), b(value));
    }

    static void delete(MemEngine engine, EngineKeyspace ks, String key) {
        if (!engine.apply(batch().delete(ks, b(key)).build())) {
            throw new AssertionError("unconditional delete not applied");
        }
    }

    /** Every entry of a range, in cursor order, as "key=value" strings. */
    static List<String> scan(EngineReader reader, EngineKeyspace ks, byte[] start, byte[] end, boolean reverse) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = reader.cursor(ks, ScanSpec.of(start, end).reverse(reverse))) {
            while (c.next()) {
                out.add(str(c.key()) + "=" + str(c.value()));
            }
        }
        return out;
    }

    static List<String> scan(EngineReader reader, EngineKeyspace ks) {
        return scan(reader, ks, null, null, false);
    }

    /** Every key of a range in cursor order, hex-encoded. */
    static List<String> hexKeys(EngineReader reader, EngineKeyspace ks, byte[] start, byte[] end, boolean reverse) {
        List<String> out = new ArrayList<>();
        try (EngineCursor c = reader.cursor(ks, new ScanSpec(start, end, reverse, true ? 0 : ScanSpec.FULL_VALUES))) {
            while (c.next()) {
                out.add(hex(c.key()));
            }
        }
        return out;
    }

    static List<KeyValue> entries(EngineReader reader, EngineKeyspace ks, byte[] start, byte[] end) {
        List<KeyValue> out = new ArrayList<>();
        try (EngineCursor c = reader.cursor(ks, ScanSpec.of(start, end))) {
            while (c.next()) {
                out.add(new KeyValue(c.key(), c.value()));
            }
        }
        return out;
    }

    static long stat(MemEngine engine, String name) {
        Long v = engine.stats().get(name);
        if (v == null) {
            throw new AssertionError("no stat " + name + " in " + engine.stats());
        }
        return v;
    }
}
