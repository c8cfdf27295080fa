package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import org.junit.jupiter.api.Test;

/**
 * A segment begun on the appending thread grows its preallocated zeros by doubling, by at most
 * {@link SegmentWriter#MAX_GROWTH} at a time: the force after a growth writes those zeros out, and must never carry
 * the tens of MiB that doubling reaches in a large segment. Each sync inside the forced size stays an fdatasync.
 */
class SegmentWriterGrowthTest {
    @Test
    void preallocationGrowsByDoublingAndByAtMostOneMibAtATime() {
        FaultyVfs vfs = new FaultyVfs(new MemVfs(1), 1);
        long max = 64L << 20;
        byte[] payload = new byte[4000];
        try (SegmentWriter w = SegmentWriter.create(vfs, "seg", max)) {
            assertThat(vfs.size("seg")).as("the first preallocation").isEqualTo(SegmentWriter.FIRST_PREALLOCATION);
            long before = vfs.size("seg");
            long durable = before;
            int growths = 0;
            while (w.position() < (6L << 20)) {
                w.append(payload);
                long now = vfs.size("seg");
                if (now != before) {
                    growths++;
                    // Doubling while the segment is small, then steps of 1 MiB: never both more than twice the
                    // forced size and more than 1 MiB past the end of the records.
                    assertThat(now).as("the size after a growth at %d", w.position())
                            .isLessThanOrEqualTo(Math.max(w.position(), Math.min(2 * durable, durable + SegmentWriter.MAX_GROWTH)));
                    before = now;
                }
                long fullBefore = vfs.count(IoOp.FORCE);
                w.sync();
                assertThat(vfs.count(IoOp.FORCE) - fullBefore).as("one force a sync").isEqualTo(1);
                durable = vfs.size("seg");
            }
            // 64 KiB doubled to 1 MiB (4 growths), then one growth a MiB up to 6 MiB.
            assertThat(growths).as("growths to 6 MiB").isBetween(8, 10);
            assertThat(vfs.size("seg") - w.position()).as("zeros ahead of the records").isLessThanOrEqualTo(SegmentWriter.MAX_GROWTH);
        }
    }
}
