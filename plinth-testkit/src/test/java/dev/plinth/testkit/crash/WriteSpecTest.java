package dev.plinth.testkit.crash;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The workload's content, keys and records: what the child and the parent must agree on. */
class WriteSpecTest {
    private static final List<Durability> LEVELS = List.of(Durability.SYNC, Durability.PROCESS);

    @Test
    void theSameSeedAndSequenceGiveTheSameWrite() {
        for (long s = 0; s < 500; s++) {
            WriteSpec a = WriteSpec.of(7, s, LEVELS);
            WriteSpec b = WriteSpec.of(7, s, LEVELS);
            assertThat(a.contentCrc()).isEqualTo(b.contentCrc());
            assertThat(ExpectedStateFile.Ack.of(a)).isEqualTo(ExpectedStateFile.Ack.of(b));
        }
        assertThat(WriteSpec.of(7, 3, LEVELS).contentCrc()).isNotEqualTo(WriteSpec.of(8, 3, LEVELS).contentCrc());
    }

    @Test
    void theWorkloadMixesKindsLevelsAndSizes() {
        Set<Durability> levels = EnumSet.noneOf(Durability.class);
        int batches = 0;
        int empty = 0;
        int large = 0;
        for (long s = 0; s < 2000; s++) {
            WriteSpec w = WriteSpec.of(11, s, LEVELS);
            levels.add(w.durability());
            if (w.kind() == WriteSpec.Kind.BATCH) {
                batches++;
                assertThat(w.parts()).hasSizeBetween(WriteSpec.MIN_BATCH_PARTS, WriteSpec.MAX_BATCH_PARTS);
                assertThat(w.parts()).extracting(WriteSpec.Part::keyspace)
                        .contains(WriteSpec.KEYSPACE_A, WriteSpec.KEYSPACE_B);
            } else {
                assertThat(w.parts()).hasSize(1);
            }
            for (WriteSpec.Part p : w.parts()) {
                empty += p.value().length == 0 ? 1 : 0;
                large += p.value().length > 4000 ? 1 : 0;
            }
        }
        assertThat(levels).containsExactlyInAnyOrder(Durability.SYNC, Durability.PROCESS);
        assertThat(batches).isBetween(400, 800);
        assertThat(empty).isPositive();
        assertThat(large).isPositive();
        assertThat(WriteSpec.of(11, 5, List.of(Durability.PROCESS)).durability()).isEqualTo(Durability.PROCESS);
    }

    @Test
    void keyOrderIsSequenceOrder() {
        byte[][] keys = {WriteSpec.key(9), WriteSpec.key(9, 0), WriteSpec.key(9, 7), WriteSpec.key(10),
            WriteSpec.key(10, 0), WriteSpec.key(99_999_999_999L)};
        for (int i = 1; i < keys.length; i++) {
            assertThat(Arrays.compareUnsigned(keys[i - 1], keys[i])).isNegative();
        }
    }

    @Test
    void keysParseBack() {
        assertThat(WriteSpec.parseKey(WriteSpec.key(42))).containsExactly(42, WriteSpec.SINGLE);
        assertThat(WriteSpec.parseKey(WriteSpec.key(42, 7))).containsExactly(42, 7);
        for (String bad : List.of("w/", "w/00000000004x", "x/000000000042", "w/000000000042-07", "w/000000000042/0x")) {
            assertThat(WriteSpec.parseKey(bad.getBytes(StandardCharsets.US_ASCII))).as(bad).isNull();
        }
    }

    @Test
    void recordsRoundTrip() {
        StringBuilder file = new StringBuilder();
        for (long s = 0; s < 50; s++) {
            file.append(new String(ExpectedStateFile.encode(ExpectedStateFile.Ack.of(WriteSpec.of(3, s, LEVELS))),
                    StandardCharsets.US_ASCII));
        }
        ExpectedStateFile.Contents c = ExpectedStateFile.parse(file.toString().getBytes(StandardCharsets.US_ASCII));
        assertThat(c.acks()).hasSize(50);
        assertThat(c.tornTail()).isNull();
        assertThat(c.damaged()).isEmpty();
        assertThat(c.acks().get(49)).isEqualTo(ExpectedStateFile.Ack.of(WriteSpec.of(3, 49, LEVELS)));
        assertThat(ExpectedStateFile.parse(new byte[0]).acks()).isEmpty();
    }

    @Test
    void propertiesParseRobustly() {
        String old = System.getProperty("plinth.crashCycles");
        try {
            for (String v : List.of("", " ", "${plinth.crashCycles}", "abc", "0", "-3")) {
                System.setProperty("plinth.crashCycles", v);
                assertThat(CrashHarness.cyclesProperty(50)).as("'%s'", v).isEqualTo(50);
            }
            System.setProperty("plinth.crashCycles", " 2000 ");
            assertThat(CrashHarness.cyclesProperty(50)).isEqualTo(2000);
            System.clearProperty("plinth.crashCycles");
            assertThat(CrashHarness.cyclesProperty(50)).isEqualTo(50);
        } finally {
            if (old == null) {
                System.clearProperty("plinth.crashCycles");
            } else {
                System.setProperty("plinth.crashCycles", old);
            }
        }
    }

    @Test
    void theHarnessRefusesAStoreThatPersistsNothing() {
        assertThatThrownBy(() -> CrashHarness.forUri("mem:").cycles(1).run())
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("not persistent");
    }
}
