package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** copy moves whole stores between engines; checked key by key through the API, not only by copy itself. */
class CopyBetweenEnginesTest {
    @TempDir
    Path tmp;

    @Test
    void rocksDbToLmdbAndBack() {
        String rocks = "rocksdb:" + tmp.resolve("rocks");
        String lmdb = "lmdb:" + tmp.resolve("lmdb");
        String back = "rocksdb:" + tmp.resolve("back");
        Map<String, Map<String, String>> written = StoreContents.fillRandom(rocks, StoreContents.seed());
        long entries = written.values().stream().mapToLong(Map::size).sum();

        CliRun there = CliRun.run("copy", rocks, lmdb);
        assertThat(there.exitCode()).as(there.toString()).isZero();
        assertThat(there.err()).isEmpty();
        assertThat(there.outText()).isEqualTo(
                "copied 4 keyspaces, " + StoreContents.count(entries) + " entries (" + StoreContents.count(bytes(written, true)) + " key bytes, "
                        + StoreContents.count(bytes(written, false)) + " value bytes) from " + rocks + " to " + lmdb + "\n"
                        + "verified: " + lmdb + " matches " + rocks + " key by key (" + StoreContents.count(entries) + " entries)\n");
        assertThat(StoreContents.read(lmdb)).isEqualTo(written);

        CliRun andBack = CliRun.run("copy", lmdb, back);
        assertThat(andBack.exitCode()).as(andBack.toString()).isZero();
        assertThat(StoreContents.read(back)).isEqualTo(written);
    }

    @Test
    void aDestinationThatDiffersAfterCopyingFailsVerification() {
        String src = "rocksdb:" + tmp.resolve("src");
        String dst = "lmdb:" + tmp.resolve("dst");
        StoreContents.fillRandom(src, StoreContents.seed());
        try (Store d = Plinth.open(dst)) {
            d.createKeyspace("zz-extra").put(new byte[] {1}, new byte[] {2});
        }

        CliRun run = CliRun.run("copy", "--allow-nonempty", src, dst);
        assertThat(run.exitCode()).as(run.toString()).isZero(); // extras are allowed with --allow-nonempty

        try (Store s = Plinth.open(src)) {
            s.createKeyspace("a").put(new byte[] {9, 9, 9}, new byte[] {1});
        }
        CliRun verify = CliRun.run("verify", "--against", src, dst);
        assertThat(verify.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(verify.outText()).contains("problem: keyspace 'a': key '\\x09\\x09\\x09' is missing from " + dst)
                .contains("problem: keyspace 'zz-extra' (1 entry) is only in " + dst);
        assertThat(verify.errLines()).containsExactly("plinth: verify found 2 problems in " + dst);
    }

    @Test
    void aSourceTheDestinationCannotTakeIsRefusedBeforeAnythingIsWritten() {
        String src = "rocksdb:" + tmp.resolve("long");
        String dst = "lmdb:" + tmp.resolve("short");
        try (Store s = Plinth.open(src)) {
            s.defaultKeyspace().put(new byte[] {1}, new byte[] {1});
            s.defaultKeyspace().put(new byte[600], new byte[] {2});
        }

        CliRun run = CliRun.run("copy", src, dst);

        assertThat(run.exitCode()).as(run.toString()).isEqualTo(ExitCode.FAILURE);
        assertThat(run.err()).contains("refusing to copy: the longest key in " + src + " has 600 bytes")
                .contains("keys of up to 511 bytes").contains("nothing was written");
        assertThat(StoreContents.read(dst)).containsOnlyKeys(Store.DEFAULT_KEYSPACE)
                .allSatisfy((ks, m) -> assertThat(m).isEmpty());
    }

    @Test
    void aCopyThatFailsPartWayLeavesTheDestinationEmptySoThatARerunWorks() {
        String src = "rocksdb:" + tmp.resolve("src");
        Map<String, Map<String, String>> written = StoreContents.fillRandom(src, StoreContents.seed());
        try (Store s = Plinth.open(src)) {
            var big = s.createKeyspace("big");
            for (int i = 0; i < 25_000; i++) { // several batches, so that the failure comes part way
                big.put(String.format("k%06d", i).getBytes(java.nio.charset.StandardCharsets.UTF_8), new byte[] {7});
            }
        }
        SharedMemEngineProvider.reset();
        String dst = SharedMemEngineProvider.SCHEME + ":partial";
        try {
            try (Store d = Plinth.open(dst)) {
                assertThat(d.keyspaces()).containsExactly(Store.DEFAULT_KEYSPACE);
            }
            SharedMemEngineProvider.failApply("partial", 2);

            CliRun failed = CliRun.run("copy", src, dst);

            assertThat(failed.exitCode()).as(failed.toString()).isEqualTo(ExitCode.FAILURE);
            assertThat(failed.err()).contains("the copy failed part way: no space left")
                    .contains("what it wrote was removed, and " + dst + " is empty again");
            try (Store d = Plinth.open(dst)) {
                assertThat(d.keyspaces()).containsExactly(Store.DEFAULT_KEYSPACE);
            }
            CliRun rerun = CliRun.run("copy", src, dst);
            assertThat(rerun.exitCode()).as(rerun.toString()).isZero();
            assertThat(StoreContents.read(dst)).containsAllEntriesOf(written);
        } finally {
            SharedMemEngineProvider.reset();
        }
    }

    private static long bytes(Map<String, Map<String, String>> contents, boolean keys) {
        return contents.values().stream().flatMap(m -> m.entrySet().stream())
                .mapToLong(e -> (keys ? e.getKey() : e.getValue()).length() / 2).sum();
    }
}
