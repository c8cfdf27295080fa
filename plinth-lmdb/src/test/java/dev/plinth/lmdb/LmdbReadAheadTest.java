package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An LMDB cursor over a read transaction reads entries ahead of its caller. What it hands out must be what a
 * step at a time would: across the read-ahead sizes, after seeks, in reverse, for keys-only scans that
 * then ask for a value, and not at all once its snapshot is closed, though entries are still buffered.
 */
class LmdbReadAheadTest {
    private static final int ENTRIES = 100;

    @TempDir
    Path dir;

    private static byte[] key(int i) {
        return String.format("k%03d", i).getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] value(int i) {
        return ("value " + i).getBytes(StandardCharsets.UTF_8);
    }

    private Engine open() {
        Engine engine = new LmdbEngineProvider().open(new EngineConfig("lmdb:" + dir, "lmdb", dir.toString(),
                Map.of(), Clock.systemUTC()));
        EngineKeyspace ks = engine.keyspace("default");
        EngineBatch.Builder b = EngineBatch.builder(Durability.NONE);
        for (int i = 0; i < ENTRIES; i++) {
            b.put(ks, key(i), value(i));
        }
        engine.apply(b.build());
        return engine;
    }

    private static List<String> walk(EngineCursor c, int max) {
        List<String> keys = new ArrayList<>();
        while (keys.size() < max && c.next()) {
            keys.add(new String(c.key(), StandardCharsets.UTF_8) + "=" + new String(c.value(), StandardCharsets.UTF_8));
        }
        return keys;
    }

    private static List<String> expected(int from, int to, boolean reverse) {
        List<String> out = new ArrayList<>();
        for (int i = from; i < to; i++) {
            out.add(new String(key(i), StandardCharsets.UTF_8) + "=" + new String(value(i), StandardCharsets.UTF_8));
        }
        if (reverse) {
            Collections.reverse(out);
        }
        return out;
    }

    @Test
    void walksSeeksAndReverseReturnEveryEntryOnce() {
        try (Engine engine = open()) {
            EngineKeyspace ks = engine.keyspace("default");
            try (EngineCursor c = engine.cursor(ks, ScanSpec.of(key(10), key(90)))) {
                assertThat(walk(c, Integer.MAX_VALUE)).isEqualTo(expected(10, 90, false));
                assertThat(c.next()).isFalse();
            }
            try (EngineCursor c = engine.cursor(ks, ScanSpec.all().reverse(true))) {
                assertThat(walk(c, Integer.MAX_VALUE)).isEqualTo(expected(0, ENTRIES, true));
            }
            try (EngineCursor c = engine.cursor(ks, ScanSpec.all())) {
                assertThat(walk(c, 20)).isEqualTo(expected(0, 20, false)); // entries are read ahead past 20
                c.seek(key(50));
                assertThat(walk(c, 3)).isEqualTo(expected(50, 53, false));
                c.seek(key(5));
                assertThat(walk(c, Integer.MAX_VALUE)).isEqualTo(expected(5, ENTRIES, false));
            }
        }
    }

    @Test
    void aKeysOnlyCursorStillGivesTheValueAskedFor() {
        try (Engine engine = open()) {
            EngineKeyspace ks = engine.keyspace("default");
            try (EngineCursor c = engine.cursor(ks, ScanSpec.all().valuesUpTo(0))) {
                for (int i = 0; i < 40; i++) {
                    assertThat(c.next()).isTrue();
                    assertThat(c.key()).isEqualTo(key(i));
                    if (i % 7 == 3) {
                        assertThat(c.value()).isEqualTo(value(i));
                    }
                }
            }
        }
    }

    @Test
    void aCursorWhoseSnapshotClosedHandsOutNothingItReadAhead() {
        try (Engine engine = open()) {
            EngineKeyspace ks = engine.keyspace("default");
            EngineSnapshot snapshot = engine.snapshot();
            EngineCursor c = snapshot.cursor(ks, ScanSpec.all());
            assertThat(walk(c, 4)).isEqualTo(expected(0, 4, false)); // 1 + 2 + 4 read: 3 still buffered
            snapshot.close();
            assertThatThrownBy(c::next).isInstanceOf(IllegalStateException.class);
            c.close();
        }
    }

    @Test
    void aClosedSnapshotKeepsItsVersionWhenItsPooledTransactionServesAnotherReader() {
        try (Engine engine = open()) {
            EngineKeyspace ks = engine.keyspace("default");
            EngineSnapshot first = engine.snapshot();
            long version = first.version();
            first.close();
            engine.apply(EngineBatch.builder(Durability.NONE).put(ks, key(0), value(1)).build());
            try (EngineSnapshot second = engine.snapshot()) { // renews the transaction the first one gave back
                assertThat(second.version()).isGreaterThan(version);
                assertThat(first.version()).as("the closed snapshot's version").isEqualTo(version);
            }
        }
    }
}
