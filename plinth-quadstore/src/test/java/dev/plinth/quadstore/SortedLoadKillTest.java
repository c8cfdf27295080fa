package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.testkit.crash.ChildJvm;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.jena.riot.Lang;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM running a sorted load ({@link QuadStore#loadSorted}) of {@value #QUADS} quads into an
 * empty {@code lsm:} store, in both phases: while it spills (after a seeded number of its {@value #BATCHES}
 * batches) and while it writes the indexes (after one to five of the six). The child prints {@code acked N} after
 * each call of its listener. After each kill the store is refused on open (its load marker is there) and empty
 * once opened with {@code discardIncompleteLoad}, or it opens and holds the whole load in all six orders with
 * every id resolving: never a part. {@code -Dplinth.quadstore.crashCycles=N} sets the cycles, the phases taking
 * turns (default 3, at least 2; 50 under {@code -Psoak}), {@code -Dplinth.seed=N} the seed.
 */
class SortedLoadKillTest {
    static final int QUADS = 10_000;
    static final int BATCH = 100;
    static final int BATCHES = QUADS / BATCH;

    @TempDir
    Path dir;

    /** The child: a sorted load of quads 0 to QUADS - 1 of {@link BulkLoadKillTest#line}, printing each progress. */
    public static void main(String[] args) {
        StringBuilder text = new StringBuilder();
        for (int i = 0; i < QUADS; i++) {
            text.append(BulkLoadKillTest.line(i));
        }
        QuadStoreOptions options = QuadStoreOptions.builder().loadBatchQuads(BATCH).sortRunQuads(1_000)
                .sortDirectory(Path.of(args[1])).build();
        try (QuadStore store = QuadStore.open("lsm:" + args[0], options)) {
            long[] calls = {0};
            store.loadSorted(new ByteArrayInputStream(text.toString().getBytes(StandardCharsets.UTF_8)), Lang.NQUADS,
                    null, p -> {
                        System.out.println("acked " + ++calls[0]);
                        System.out.flush();
                    });
            System.out.println("done");
        }
    }

    @Test
    void aKilledSortedLoadLeavesAnEmptyOrACompleteStoreInBothPhases() throws Exception {
        int cycles = Integer.getInteger("plinth.quadstore.crashCycles", 3);
        long seed = BulkLoadKillTest.seed();
        Random rnd = new Random(seed);
        int[][] outcomes = new int[2][2];
        for (int cycle = 0; cycle < Math.max(2, cycles); cycle++) {
            boolean spilling = cycle % 2 == 0;
            int killAfter = spilling ? 1 + rnd.nextInt(BATCHES - 1) : BATCHES + 1 + rnd.nextInt(5);
            String at = "seed " + seed + " cycle " + cycle + (spilling ? " (spilling" : " (writing the indexes")
                    + ", killed after " + killAfter + " acks)";
            Path data = dir.resolve("lsm-" + cycle);
            Path sort = java.nio.file.Files.createDirectories(dir.resolve("sort-" + cycle));
            ChildJvm.Killed killed = ChildJvm.killAfterAcks(dir, SortedLoadKillTest.class,
                    List.of(data.toString(), sort.toString()), killAfter);
            assertThat(killed.acks().size()).as("%s: the child printed:%n%s", at, killed.output())
                    .isGreaterThanOrEqualTo(killAfter);
            boolean complete;
            try (QuadStore store = QuadStore.open("lsm:" + data)) {
                complete = true;
                assertThat(store.size()).as(at).isEqualTo(QUADS);
                for (long i = 0; i < QUADS; i += 97) {
                    assertThat(store.contains(BulkLoadKillTest.quad(i))).as("%s: quad %d", at, i).isTrue();
                }
                BulkLoadKillTest.checkIndexes(store, QUADS, at);
            } catch (IncompleteLoadException e) {
                complete = false;
                assertThat(e).hasMessageContaining("discardIncompleteLoad(true)");
            }
            if (!complete) {
                try (QuadStore store = QuadStore.open("lsm:" + data,
                        QuadStoreOptions.builder().discardIncompleteLoad(true).build())) {
                    SortedLoadTest.assertEmpty(store);
                    BulkLoadKillTest.checkIndexes(store, 0, at);
                }
            }
            try (java.util.stream.Stream<Path> left = java.nio.file.Files.list(sort)) {
                assertThat(left).as("%s: the killed load's temporary directory, once discarded", at)
                        .isEmpty();
            }
            if (spilling) {
                assertThat(complete).as("%s: a load killed while spilling is never complete", at).isFalse();
            }
            outcomes[spilling ? 0 : 1][complete ? 1 : 0]++;
        }
        System.out.printf("SortedLoadKillTest: kills while spilling: %d left an empty store; while writing the"
                + " indexes: %d an empty store, %d a complete one%n", outcomes[0][0], outcomes[1][0], outcomes[1][1]);
    }
}
