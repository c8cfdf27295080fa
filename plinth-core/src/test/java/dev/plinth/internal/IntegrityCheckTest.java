package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.EntrySink;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.ScanSpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The core's integrity checks of what an engine returns: a mem engine under a decorator that damages its
 * reads the way a damaged file would, one kind of damage at a time. Each must come out as
 * {@link CorruptionException} naming the store, keyspace and key, never as data, and {@link Store#verify()}
 * must list it and go on. {@link IntegrityCheckLendingTest} runs every case again with cursors that lend
 * their entries, as LMDB's do, so that the core checks them in place.
 */
class IntegrityCheckTest {
    /** Whether the damaging engine's cursors lend their entries. */
    boolean lends() {
        return false;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /** What the damaging engine does to reads of the key {@code "k2"} (and only to them). */
    enum Damage {
        NONE, FLIP_VALUE_BYTE, BAD_HEADER, EMPTY_KEY, KEY_OUT_OF_ORDER, KEY_OUT_OF_RANGE
    }

    /** Damages reads of key {@code k2}, as a damaged page or block would. */
    static final class DamagingEngine extends ForwardingEngine {
        volatile Damage damage = Damage.NONE;
        /** Also flips the last byte of {@code k3}'s value, whatever {@link #damage} does to {@code k2}. */
        volatile boolean flipK3;
        /** Makes the engine's own check fail with an I/O error. */
        volatile boolean ownCheckFails;
        /** Makes the engine's own check give up because a writer kept changing the files. */
        volatile boolean ownCheckBusy;
        /** Whether its cursors lend their entries ({@link EngineCursor#lend}). */
        private final boolean lends;

        DamagingEngine(Engine delegate, boolean lends) {
            super(delegate);
            this.lends = lends;
        }

        byte[] value(byte[] key, byte[] raw) {
            if (raw != null && flipK3 && new String(key, StandardCharsets.UTF_8).equals("k3")) {
                byte[] out = raw.clone();
                out[out.length - 1] ^= 0x10;
                return out;
            }
            if (raw == null || !new String(key, StandardCharsets.UTF_8).equals("k2")) {
                return raw;
            }
            byte[] out = raw.clone();
            switch (damage) {
                case FLIP_VALUE_BYTE -> out[out.length - 1] ^= 0x10;
                case BAD_HEADER -> out[0] = 0x7F;
                default -> {
                }
            }
            return out;
        }

        byte[] key(byte[] key) {
            if (!new String(key, StandardCharsets.UTF_8).equals("k2")) {
                return key;
            }
            return switch (damage) {
                case EMPTY_KEY -> new byte[0];
                case KEY_OUT_OF_ORDER -> b("k0");
                case KEY_OUT_OF_RANGE -> b("zz");
                default -> key;
            };
        }

        @Override
        public byte[] get(EngineKeyspace keyspace, byte[] key) {
            return value(key, super.get(keyspace, key));
        }

        @Override
        public EngineCursor cursor(EngineKeyspace keyspace, ScanSpec scan) {
            return damaging(super.cursor(keyspace, scan));
        }

        @Override
        public List<String> verify() {
            if (ownCheckFails) {
                throw new StorageIOException("reading a file of the store failed: Input/output error");
            }
            if (ownCheckBusy) {
                throw new dev.plinth.ConflictException("a writer kept changing the files; verify again");
            }
            return super.verify();
        }

        @Override
        public EngineSnapshot snapshot() {
            EngineSnapshot s = super.snapshot();
            return new ReadReplacingSnapshot(s, (ks, key) -> value(key, s.get(ks, key)),
                    (ks, scan) -> damaging(s.cursor(ks, scan)));
        }

        private EngineCursor damaging(EngineCursor c) {
            return new EngineCursor() {
                @Override
                public boolean next() {
                    return c.next();
                }

                @Override
                public byte[] key() {
                    return DamagingEngine.this.key(c.key());
                }

                @Override
                public byte[] value() {
                    return DamagingEngine.this.value(c.key(), c.value());
                }

                @Override
                public void seek(byte[] key) {
                    c.seek(key);
                }

                @Override
                public boolean lendsEntries() {
                    return lends;
                }

                /** Lends each entry from the same two direct buffers, behind a few bytes that are not its. */
                @Override
                public boolean lend(EntrySink sink) {
                    ByteBuffer k = ByteBuffer.allocateDirect(1024);
                    ByteBuffer v = ByteBuffer.allocateDirect(1024);
                    while (c.next()) {
                        if (!sink.entry(lent(k, key()), lent(v, value()))) {
                            return true;
                        }
                    }
                    return false;
                }

                private ByteBuffer lent(ByteBuffer into, byte[] bytes) {
                    into.clear();
                    into.put(new byte[] {0x7F, 0x7F, 0x7F}).put(bytes).put((byte) 0x7F);
                    return into.limit(3 + bytes.length).position(3);
                }

                @Override
                public void close() {
                    c.close();
                }
            };
        }
    }

    private DamagingEngine engine;

    private Store open(boolean checksums) {
        UnaryOperator<Engine> decorator = e -> engine = new DamagingEngine(e, lends());
        Store store = Plinth.open(StoreOptions.builder("mem:").param("checksums", Boolean.toString(checksums))
                .decorate(decorator).build());
        for (int i = 1; i <= 3; i++) {
            store.defaultKeyspace().put(b("k" + i), b("value " + i));
        }
        return store;
    }

    private static List<String> scan(Store store, ScanOptions options) {
        List<String> keys = new ArrayList<>();
        try (Cursor c = store.defaultKeyspace().cursor(Range.all(), options)) {
            while (c.next()) {
                keys.add(new String(c.key(), StandardCharsets.UTF_8));
            }
        }
        return keys;
    }

    @Test
    void undamagedStoresReadAndVerifyClean() {
        try (Store store = open(true)) {
            assertThat(store.capabilities().checksumValues()).isTrue();
            assertThat(store.defaultKeyspace().get(b("k2"))).isEqualTo(b("value 2"));
            assertThat(scan(store, ScanOptions.forward())).containsExactly("k1", "k2", "k3");
            assertThat(store.verify()).isEmpty();
        }
    }

    @Test
    void aChangedValueByteFailsItsChecksumOnEveryReadPath() {
        try (Store store = open(true)) {
            engine.damage = Damage.FLIP_VALUE_BYTE;
            Keyspace ks = store.defaultKeyspace();
            assertThatThrownBy(() -> store.defaultKeyspace().get(b("k2"))).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("mem:").hasMessageContaining("'default'")
                    .hasMessageContaining(Bytes.hex(b("k2"))).hasMessageContaining("CRC32C");
            assertThatThrownBy(() -> store.defaultKeyspace().contains(b("k2"))).isInstanceOf(CorruptionException.class);
            assertThatThrownBy(() -> scan(store, ScanOptions.forward())).isInstanceOf(CorruptionException.class);
            assertThatThrownBy(() -> scan(store, ScanOptions.forward().withKeysOnly(true))).as("keys-only reads check whole values")
                    .isInstanceOf(CorruptionException.class);
            try (Snapshot snap = store.snapshot()) {
                assertThatThrownBy(() -> snap.get(ks, b("k2"))).isInstanceOf(CorruptionException.class);
            }
            // This engine damages values as they are read, not as stored, so a compare-and-set whose expected
            // value matches the stored form applies without a read (BatchWriter's blind try); one that does not
            // match is evaluated by reading, which must find the damage.
            assertThatThrownBy(() -> ks.compareAndSet(b("k2"), b("not value 2"), b("x")))
                    .isInstanceOf(CorruptionException.class);
            assertThat(store.defaultKeyspace().get(b("k1"))).isEqualTo(b("value 1"));
            List<String> problems = store.verify();
            assertThat(problems).hasSize(1).allSatisfy(p -> assertThat(p).contains(Bytes.hex(b("k2")), "CRC32C"));
        }
    }

    @Test
    void withoutChecksumsAChangedValueIsNotDetectableButABadHeaderIs() {
        try (Store store = open(false)) {
            assertThat(store.capabilities().checksumValues()).isFalse();
            engine.damage = Damage.FLIP_VALUE_BYTE;
            assertThat(store.defaultKeyspace().get(b("k2"))).isNotEqualTo(b("value 2"));
            engine.damage = Damage.BAD_HEADER;
            assertThatThrownBy(() -> store.defaultKeyspace().get(b("k2"))).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("unknown header");
            assertThat(store.verify()).hasSize(1);
        }
    }

    @Test
    void structurallyImpossibleKeysAreCorruptionNotArgumentErrors() {
        for (Damage d : new Damage[] {Damage.EMPTY_KEY, Damage.KEY_OUT_OF_ORDER}) {
            try (Store store = open(false)) {
                engine.damage = d;
                assertThatThrownBy(() -> scan(store, ScanOptions.forward())).as(d.name())
                        .isInstanceOf(CorruptionException.class).hasMessageContaining("Store mem:");
                assertThatThrownBy(() -> scan(store, ScanOptions.reverse().withKeysOnly(true))).as(d.name())
                        .isInstanceOf(CorruptionException.class);
                List<String> problems = store.verify();
                assertThat(problems).as(d.name()).isNotEmpty()
                        .allSatisfy(p -> assertThat(p).contains("keyspace 'default'"));
            }
        }
    }

    @Test
    void aKeyOutsideTheCursorsRangeIsCorruption() {
        try (Store store = open(false)) {
            engine.damage = Damage.KEY_OUT_OF_RANGE;
            assertThatThrownBy(() -> {
                try (Cursor c = store.defaultKeyspace().cursor(Range.of(b("k1"), b("k3")), ScanOptions.forward())) {
                    while (c.next()) {
                        c.key();
                    }
                }
            }).isInstanceOf(CorruptionException.class).hasMessageContaining("outside that range");
        }
    }

    @Test
    void verifyGoesOnPastDamageAndReportsEachKeyspace() {
        try (Store store = open(true)) {
            Keyspace other = store.createKeyspace("other");
            other.put(b("k2"), b("other 2"));
            other.put(b("k4"), b("other 4"));
            engine.damage = Damage.FLIP_VALUE_BYTE;
            List<String> problems = store.verify();
            assertThat(problems).hasSize(2);
            assertThat(problems.get(0)).contains("'default'");
            assertThat(problems.get(1)).contains("'other'");
            engine.damage = Damage.NONE;
            assertThat(store.verify()).isEmpty();
        }
    }

    @Test
    void theReverseWalkReachesDamageBeyondAKeyThatStoppedTheForwardOne() {
        try (Store store = open(true)) {
            engine.damage = Damage.EMPTY_KEY;
            engine.flipK3 = true;
            List<String> problems = store.verify();
            assertThat(problems).anySatisfy(p -> assertThat(p).contains("was not walked forward"));
            assertThat(problems).anySatisfy(p -> assertThat(p).contains(Bytes.hex(b("k3")), "CRC32C"));
        }
    }

    @Test
    void aValueDamagedOnBothWalksIsListedOnce() {
        try (Store store = open(true)) {
            engine.flipK3 = true;
            assertThat(store.verify()).hasSize(1);
        }
    }

    @Test
    void problemsFoundBeforeTheEnginesOwnCheckFailsAreKept() {
        try (Store store = open(true)) {
            engine.damage = Damage.FLIP_VALUE_BYTE;
            engine.ownCheckFails = true;
            List<String> problems = store.verify();
            assertThat(problems).hasSize(2);
            assertThat(problems.get(0)).contains(Bytes.hex(b("k2")), "CRC32C");
            assertThat(problems.get(1)).startsWith("The engine's own check").contains("Input/output error");
        }
    }

    @Test
    void anEngineCheckAWriterKeptFromRunningIsThrownWhenNothingWasFoundAndListedWhenSomethingWas() {
        try (Store store = open(true)) {
            engine.ownCheckBusy = true;
            assertThatThrownBy(store::verify).isInstanceOf(dev.plinth.ConflictException.class)
                    .hasMessageContaining("verify again");
            engine.damage = Damage.FLIP_VALUE_BYTE;
            List<String> problems = store.verify();
            assertThat(problems).hasSize(2);
            assertThat(problems.get(0)).contains(Bytes.hex(b("k2")), "CRC32C");
            assertThat(problems.get(1)).startsWith("The engine's own check").contains("could not be made", "verify again");
        }
    }
}
