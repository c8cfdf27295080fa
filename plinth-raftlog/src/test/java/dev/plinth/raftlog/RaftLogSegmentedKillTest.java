package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.testkit.crash.ChildJvm;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM appending to the segmented log with {@code SYNC}: the child prints the last index of
 * each group after every acknowledged append; the parent kills it after a seeded number of acknowledgements
 * (sometimes before the first) and checks, after reopening, that every acknowledged entry is there and intact.
 * {@code -Dplinth.crashCycles=N} sets the number of cycles (default 50), {@code -Dplinth.seed=N} the seed.
 */
class RaftLogSegmentedKillTest {
    static final int GROUPS = 2;
    static final int BATCH = 16;

    @TempDir
    Path dir;

    /** The child: appends batches of 128-byte entries to alternating groups until killed. */
    public static void main(String[] args) {
        Path dir = Path.of(args[0]);
        try (RaftStorage s = RaftLogs.openSegmented(dir)) {
            System.out.println("ready");
            System.out.flush();
            for (long n = 0; ; n++) {
                long g = n % GROUPS;
                long first = s.lastIndex(g) + 1;
                List<LogEntry> batch = new ArrayList<>();
                for (long i = first; i < first + BATCH; i++) {
                    batch.add(new LogEntry(i, 1, payload(g, i)));
                }
                s.append(g, batch, Durability.SYNC);
                System.out.println("acked " + ack(g, first + BATCH - 1));
                System.out.flush();
            }
        }
    }

    static byte[] payload(long group, long index) {
        byte[] p = new byte[128];
        new Random(group * 1_000_003L + index).nextBytes(p);
        ByteBuffer.wrap(p).putLong(group).putLong(index);
        return p;
    }

    @Test
    void noAcknowledgedEntryIsLostToKillMinus9() throws Exception {
        int cycles = Integer.getInteger("plinth.crashCycles", 50);
        String one = System.getProperty("plinth.seed");
        long seed = one == null || one.isBlank() ? 1 : Long.parseLong(one.trim());
        Random rnd = new Random(seed);
        Path log = dir.resolve("log");
        long[] acked = new long[GROUPS];
        for (int cycle = 0; cycle < cycles; cycle++) {
            int killAfter = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(30);
            runAndKill(log, killAfter, acked);
            try (RaftStorage s = RaftLogs.openSegmented(log)) {
                for (int g = 0; g < GROUPS; g++) {
                    assertThat(s.lastIndex(g)).as("seed %d cycle %d group %d: last index after kill -9", seed, cycle, g)
                            .isGreaterThanOrEqualTo(acked[g]);
                    for (long i = s.firstIndex(g); i <= s.lastIndex(g); i++) {
                        assertThat(s.entry(g, i).payload()).as("seed %d cycle %d group %d index %d", seed, cycle, g, i)
                                .isEqualTo(payload(g, i));
                    }
                    acked[g] = s.lastIndex(g);
                }
                if (cycle % 10 == 9) {
                    for (int g = 0; g < GROUPS; g++) {
                        s.purge(g, s.lastIndex(g) - 5, Durability.SYNC);
                    }
                }
            }
        }
    }

    /** An acknowledgement as one number, as {@link ChildJvm#killAfterAcks} reads them: the group, then the index. */
    static long ack(long group, long lastIndex) {
        return group << 40 | lastIndex;
    }

    private void runAndKill(Path log, int killAfter, long[] acked) {
        runAndKill(dir, RaftLogSegmentedKillTest.class, log, killAfter, acked);
    }

    /**
     * Runs a child appending to {@code log}, kills it after {@code killAfter} acknowledgements and raises each
     * group's entry of {@code acked} to the last index the child acknowledged.
     */
    static void runAndKill(Path dir, Class<?> child, Path log, int killAfter, long[] acked) {
        ChildJvm.Killed k = ChildJvm.killAfterAcks(dir, child, List.of(log.toString()), killAfter);
        for (long a : k.acks()) {
            int g = (int) (a >>> 40);
            acked[g] = Math.max(acked[g], a & ((1L << 40) - 1));
        }
        assertThat(k.acks()).as("the child should have acknowledged appends; it printed:%n%s", k.output())
                .hasSizeGreaterThanOrEqualTo(killAfter);
    }
}
