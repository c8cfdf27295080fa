package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ForeignFilesException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store opened with another engine's scheme is refused and left exactly as it was: before, a write with
 * the wrong scheme made a second store inside the first one's directory, and the data seemed to vanish
 * depending on which scheme read it.
 */
class WrongSchemeTest {
    @TempDir
    Path dir;

    /** Every file below {@code d} with its size: what "left as it was" is checked against. */
    private static Map<String, Long> contents(Path d) throws IOException {
        Map<String, Long> files = new TreeMap<>();
        try (Stream<Path> all = Files.walk(d)) {
            for (Path p : (Iterable<Path>) all::iterator) {
                files.put(d.relativize(p).toString(), Files.isRegularFile(p) ? Files.size(p) : -1L);
            }
        }
        return files;
    }

    private Path storeOf(String scheme) {
        Path d = dir.resolve(scheme);
        try (Store s = Plinth.open(scheme + ":" + d)) {
            s.defaultKeyspace().put("k".getBytes(StandardCharsets.UTF_8), "v".getBytes(StandardCharsets.UTF_8));
        }
        return d;
    }

    @Test
    void theLsmStoreAndTheOthersRefuseEachOther() throws IOException {
        Path lsm = storeOf("lsm");
        Path rocks = storeOf("rocksdb");
        Map<String, Long> lsmBefore = contents(lsm);
        // An lsm store has a CURRENT file, RocksDB's marker: it must still not pass for a RocksDB store.
        assertThatThrownBy(() -> Plinth.open("rocksdb:" + lsm).close()).isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("holds a Plinth lsm store").hasMessageContaining("open it with lsm:" + lsm);
        assertThatThrownBy(() -> Plinth.open("lmdb:" + lsm).close()).isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("holds a Plinth lsm store");
        assertThatThrownBy(() -> Plinth.open("lsm:" + rocks).close()).isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("holds a RocksDB store");
        assertThat(contents(lsm)).isEqualTo(lsmBefore);
        try (Store s = Plinth.open("lsm:" + lsm)) {
            assertThat(s.defaultKeyspace().get("k".getBytes(StandardCharsets.UTF_8))).isNotNull();
        }
    }

    @Test
    void eachEngineRefusesTheOthersStoreAndNamesIt() throws IOException {
        Path rocks = storeOf("rocksdb");
        Path lmdb = storeOf("lmdb");
        Map<String, Long> rocksBefore = contents(rocks);
        Map<String, Long> lmdbBefore = contents(lmdb);
        assertThatThrownBy(() -> Plinth.open("lmdb:" + rocks).close()).isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("holds a RocksDB store").hasMessageContaining("open it with rocksdb:" + rocks);
        assertThatThrownBy(() -> Plinth.open("rocksdb:" + lmdb).close()).isInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("holds an LMDB environment").hasMessageContaining("open it with lmdb:" + lmdb);
        assertThat(contents(rocks)).isEqualTo(rocksBefore);
        assertThat(contents(lmdb)).isEqualTo(lmdbBefore);
    }

    @Test
    void theCommandsRefuseTooAndChangeNothing() throws IOException {
        Path lmdb = storeOf("lmdb");
        Map<String, Long> before = contents(lmdb);
        CliRun put = CliRun.run("put", "rocksdb:" + lmdb, "a", "1");
        assertThat(put.exitCode()).as(put.toString()).isNotZero();
        assertThat(put.err()).contains("holds an LMDB environment");
        CliRun get = CliRun.run("get", "rocksdb:" + lmdb, "k");
        assertThat(get.exitCode()).as(get.toString()).isNotZero();
        assertThat(get.err()).contains("holds an LMDB environment");
        assertThat(contents(lmdb)).isEqualTo(before);
        CliRun ok = CliRun.run("get", "lmdb:" + lmdb, "k");
        assertThat(ok.exitCode()).as(ok.toString()).isZero();
    }
}
