package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM in which four threads append to four groups of one shared log with {@code SYNC} at the
 * same time (so their forces are shared): each thread prints the last index of its group after every
 * acknowledged append; the parent kills the child after a seeded number of acknowledgements and checks, after
 * reopening, that every acknowledged entry is there and intact, and every few cycles purges (so old segments are
 * checkpointed and deleted across kills). {@code -Dplinth.crashCycles=N} sets the number of cycles (default 50),
 * {@code -Dplinth.seed=N} the seed.
 */
class RaftLogSharedKillTest {
    static final int GROUPS = 4;
    static final int BATCH = 16;
    /**
     * Small segments, so that the kills land in rolls and in deletions of old segments too; over 64 KiB, so that the
     * next segment is made ahead of need (a spare) and kills land while it is made, made and not taken, and taken.
     */
    static final long SEGMENT = 128 << 10;

    @TempDir
    Path dir;

    /** The child: four threads append batches of 128-byte entries to their own group until killed. */
    public static void main(String[] args) throws InterruptedException {
        Path dir = Path.of(args[0]);
        RaftStorage s = RaftLogs.openShared(dev.plinth.io.NioVfs.at(dir), SEGMENT);
        System.out.println("ready");
        System.out.flush();
        List<Thread> threads = new ArrayList<>();
        for (int t = 0; t < GROUPS; t++) {
            long g = t;
            Thread th = new Thread(() -> {
                while (true) {
                    long first = s.lastIndex(g) + 1;
                    List<LogEntry> batch = new ArrayList<>();
                    for (long i = first; i < first + BATCH; i++) {
                        batch.add(new LogEntry(i, 1, RaftLogSegmentedKillTest.payload(g, i)));
                    }
                    s.append(g, batch, Durability.SYNC);
                    synchronized (System.out) {
                        System.out.println("acked " + RaftLogSegmentedKillTest.ack(g, first + BATCH - 1));
                        System.out.flush();
                    }
                }
            });
            threads.add(th);
            th.start();
        }
        for (Thread th : threads) {
            th.join();
        }
    }

    @Test
    void noAcknowledgedEntryIsLostToKillMinus9() throws Exception {
        int cycles = Integer.getInteger("plinth.crashCycles", 50);
        String one = System.getProperty("plinth.seed");
        long seed = one == null || one.isBlank() ? 1 : Long.parseLong(one.trim());
        Random rnd = new Random(seed);
        Path log = dir.resolve("log");
        Files.createDirectories(log);
        long[] acked = new long[GROUPS];
        for (int cycle = 0; cycle < cycles; cycle++) {
            int killAfter = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(40);
            RaftLogSegmentedKillTest.runAndKill(dir, RaftLogSharedKillTest.class, log, killAfter, acked);
            try (RaftStorage s = RaftLogs.openShared(dev.plinth.io.NioVfs.at(log), SEGMENT)) {
                for (int g = 0; g < GROUPS; g++) {
                    assertThat(s.lastIndex(g)).as("seed %d cycle %d group %d: last index after kill -9", seed, cycle, g)
                            .isGreaterThanOrEqualTo(acked[g]);
                    for (long i = s.firstIndex(g); i <= s.lastIndex(g); i++) {
                        assertThat(s.entry(g, i).payload()).as("seed %d cycle %d group %d index %d", seed, cycle, g, i)
                                .isEqualTo(RaftLogSegmentedKillTest.payload(g, i));
                    }
                    acked[g] = s.lastIndex(g);
                }
                if (cycle % 5 == 4) {
                    for (int g = 0; g < GROUPS; g++) {
                        s.purge(g, s.lastIndex(g) - 5, Durability.SYNC);
                    }
                }
            }
        }
    }
}
