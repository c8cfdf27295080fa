package dev.plinth.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The write and space amplification counters of {@code Store.stats()}: what the engine is given is counted
 * exactly (keys and values as the core hands them over, its value envelope included), and after a full compaction of 16-byte keys with 100-byte values (incompressible) the tables take at most
 * 1.1 times the bytes of the keys and values they hold, before and after every key is overwritten once.
 */
class LsmAmplificationTest {
    private static final int KEYS = 20_000;
    /** The counters do not depend on durability; fsyncs would only slow the test. */
    private static final WriteOptions NO_FSYNC = WriteOptions.durability(Durability.PROCESS);

    @TempDir
    Path dir;

    @Test
    void aFullCompactionLeavesTablesWithinATenthOfTheLiveBytes() {
        Random rnd = new Random(Long.getLong("plinth.seed", 11L));
        try (Store s = Plinth.open("lsm:" + dir.resolve("store") + "?memtableSize=256k")) {
            for (int round = 0; round < 2; round++) {
                for (int i = 0; i < KEYS; i++) {
                    byte[] key = String.format("key-%012d", i).getBytes(); // 16 bytes
                    byte[] value = new byte[100];
                    rnd.nextBytes(value);
                    s.defaultKeyspace().put(key, value, NO_FSYNC);
                }
                s.compact();
                Map<String, Long> c = s.stats().counters();
                long live = c.get("lsm.liveBytes");
                assertThat(live).as("round %d: the core adds a few bytes to each value", round)
                        .isBetween(KEYS * 116L, KEYS * 124L);
                long userBytes = c.get("lsm.userBytesWritten");
                assertThat(userBytes).as("every key written %d times", round + 1).isEqualTo((round + 1) * live);
                assertThat(c.get("lsm.spaceAmplificationPercent")).as("round %d: %s", round, c)
                        .isBetween(100L, 110L);
                assertThat(c.get("lsm.flushBytesWritten")).isPositive();
                assertThat(c.get("lsm.compactionBytesWritten")).isPositive();
                long written = c.get("lsm.logBytesWritten") + c.get("lsm.flushBytesWritten")
                        + c.get("lsm.compactionBytesWritten");
                assertThat(c.get("lsm.writeAmplificationPercent")).isEqualTo(Math.round(100.0 * written / userBytes));
            }
        }
    }
}
