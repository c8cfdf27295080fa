package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.raftlog.CrashSeeds;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * Power loss at every point of a segment writer's life, in every {@link PowerLoss} mode: after the crash the
 * records are a prefix of those appended holding every synced one, and records appended after the reopen (which
 * cuts the torn tail) survive the next crash. Seeds: {@code -Dplinth.seed=N} runs only seed N;
 * {@code -Dplinth.raftlog.crashSeeds=N} sets how many run (default {@link #SEEDS}).
 */
class RaftLogSegmentPowerLossTest {
    static final int SEEDS = 6;
    static final int OPS = 50;

    static List<PowerLoss> modes() {
        return CrashSeeds.powerLosses();
    }

    @Test
    void everyCrashLeavesAPrefixWithEverySyncedRecord() {
        CrashSeeds run = CrashSeeds.fromProperties(SEEDS);
        long first = run.first();
        long seeds = run.count();
        int states = 0;
        for (long seed = first; seed < first + seeds; seed++) {
            for (int crashAfter = 0; crashAfter <= OPS; crashAfter++) {
                for (PowerLoss mode : modes()) {
                    // Without preallocation every sync is a force; with it, syncs inside it are fdatasyncs.
                    crashOnce(seed, crashAfter, mode, seed % 2 == 0 ? 0 : 1 << 20);
                    states++;
                }
            }
        }
        assertThat(states).isGreaterThanOrEqualTo(seeds == 1 ? 1 : 1000);
    }

    private static void crashOnce(long seed, int crashAfter, PowerLoss mode, long preallocation) {
        String where = "seed " + seed + " (replay with -Dplinth.seed=" + seed + "), crash after op " + crashAfter
                + ", " + mode + ", preallocation " + preallocation;
        Random rnd = new Random(seed);
        MemVfs vfs = new MemVfs(seed * 31 + crashAfter);
        vfs.mkdirs("log");
        vfs.syncDirectory("");
        List<byte[]> appended = new ArrayList<>();
        int synced = 0;
        SegmentWriter w = SegmentWriter.create(vfs, "log/log_inprogress_1", preallocation);
        for (int op = 0; op < crashAfter; op++) {
            if (rnd.nextInt(4) == 0) {
                w.sync();
                synced = appended.size();
            } else {
                byte[] p = new byte[rnd.nextInt(40)];
                rnd.nextBytes(p);
                w.append(p);
                appended.add(p);
            }
        }
        vfs.powerLoss(mode);
        SegmentWriter.Reopened r = SegmentWriter.reopen(vfs, "log/log_inprogress_1", preallocation);
        List<SegmentScan.Record> got = r.scan().records();
        assertThat(got.size()).as(where + ": records kept").isBetween(synced, appended.size());
        for (int i = 0; i < got.size(); i++) {
            assertThat(got.get(i).payload()).as(where + ": record " + i).isEqualTo(appended.get(i));
        }
        // Appends after the cut tail must survive the next crash.
        SegmentWriter w2 = r.writer();
        w2.append(new byte[] {42});
        w2.sync();
        vfs.powerLoss(PowerLoss.dropUnsynced());
        SegmentScan after = SegmentScan.read(vfs, "log/log_inprogress_1", true);
        assertThat(after.records()).as(where + ": after the second crash").hasSize(got.size() + 1);
        assertThat(after.records().get(got.size()).payload()).isEqualTo(new byte[] {42});
        w.close();
        w2.close();
    }

    @Test
    void aCrashBeforeTheHeaderWasSyncedLeavesNoSegmentOrAnEmptyOne() {
        for (PowerLoss mode : modes()) {
            MemVfs vfs = new MemVfs(7);
            vfs.create("seg").close();
            vfs.syncDirectory("");
            vfs.powerLoss(mode);
            try (SegmentWriter w = SegmentWriter.reopen(vfs, "seg").writer()) {
                w.append(new byte[] {1});
                w.sync();
            }
            assertThat(SegmentScan.read(vfs, "seg", false).records()).hasSize(1);
        }
    }

    @Test
    void anAtomicFileIsTheOldOrTheNewAfterACrashAtEveryStep() {
        for (int steps = 0; steps <= 4; steps++) {
            for (PowerLoss mode : modes()) {
                MemVfs vfs = new MemVfs(steps);
                AtomicFile.write(vfs, "bound", new byte[] {1, 1});
                // Replay the write's steps one by one, crashing after `steps` of them.
                String temp = "bound" + AtomicFile.TEMP_SUFFIX;
                if (steps >= 1) {
                    try (var f = vfs.create(temp)) {
                        java.util.zip.CRC32C c = new java.util.zip.CRC32C();
                        c.update(new byte[] {2, 2, 2});
                        f.write(0, java.nio.ByteBuffer.allocate(7).putInt((int) c.getValue()).put(new byte[] {2, 2, 2})
                                .flip());
                        if (steps >= 2) {
                            f.force();
                        }
                    }
                }
                if (steps >= 3) {
                    vfs.rename(temp, "bound");
                }
                if (steps >= 4) {
                    vfs.syncDirectory("");
                }
                vfs.powerLoss(mode);
                byte[] got = AtomicFile.read(vfs, "bound");
                assertThat(got).as("steps %d, %s", steps, mode).isIn(new byte[] {1, 1}, new byte[] {2, 2, 2});
                if (steps == 4) {
                    assertThat(got).isEqualTo(new byte[] {2, 2, 2});
                }
                assertThat(vfs.exists(temp)).isFalse();
            }
        }
    }
}
