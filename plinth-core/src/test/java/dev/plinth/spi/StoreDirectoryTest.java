package dev.plinth.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ForeignFilesException;
import dev.plinth.NoSuchStoreException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class StoreDirectoryTest {
    @TempDir
    Path dir;

    private Path with(String... files) throws IOException {
        Path d = Files.createTempDirectory(dir, "d");
        for (String f : files) {
            Files.writeString(d.resolve(f), "x");
        }
        return d;
    }

    @Test
    void aMissingOrEmptyDirectoryIsNewOnlyWhenCreationIsAllowed() throws IOException {
        Path missing = dir.resolve("missing");
        assertThat(StoreDirectory.check("lmdb:" + missing, missing, StoreDirectory.LMDB, true)).isEqualTo(StoreDirectory.State.NEW);
        assertThat(missing).doesNotExist();
        assertThatThrownBy(() -> StoreDirectory.check("lmdb:x", missing, StoreDirectory.LMDB, false))
                .isExactlyInstanceOf(NoSuchStoreException.class)
                .hasMessage("open lmdb:x: no LMDB environment in " + missing + " (the path does not exist)");
        Path empty = with();
        Files.createDirectory(empty.resolve("lost+found"));
        assertThat(StoreDirectory.check("lmdb:x", empty, StoreDirectory.LMDB, true)).isEqualTo(StoreDirectory.State.NEW);
        assertThatThrownBy(() -> StoreDirectory.check("lmdb:x", empty, StoreDirectory.LMDB, false))
                .isExactlyInstanceOf(NoSuchStoreException.class).hasMessageContaining("(no data.mdb)");
    }

    @Test
    void theMarkerMeansAStoreAndLeftoversOfAnInterruptedCreationAreOwnFiles() throws IOException {
        assertThat(StoreDirectory.check("rocksdb:x", with("CURRENT", "MANIFEST-000005", "000004.log", "LOCK"),
                StoreDirectory.ROCKSDB, false)).isEqualTo(StoreDirectory.State.EXISTING);
        assertThat(StoreDirectory.check("rocksdb:x", with("LOCK", "LOG", "LOG.old.1733380000", "OPTIONS-000007.dbtmp"),
                StoreDirectory.ROCKSDB, true)).isEqualTo(StoreDirectory.State.NEW);
        assertThat(StoreDirectory.check("lmdb:x", with("lock.mdb"), StoreDirectory.LMDB, true))
                .isEqualTo(StoreDirectory.State.NEW);
    }

    @Test
    void anotherEnginesStoreIsNamedWithTheSchemeThatOpensIt() throws IOException {
        Path lmdb = with("data.mdb", "lock.mdb");
        assertThatThrownBy(() -> StoreDirectory.check("rocksdb:" + lmdb, lmdb, StoreDirectory.ROCKSDB, true))
                .isExactlyInstanceOf(ForeignFilesException.class)
                .hasMessage("open rocksdb:" + lmdb + ": " + lmdb + " holds an LMDB environment (it has data.mdb), not a"
                        + " RocksDB store; open it with lmdb:" + lmdb + "; nothing was changed");
        Path rocks = with("CURRENT", "IDENTITY", "MANIFEST-000001", "000003.sst");
        assertThatThrownBy(() -> StoreDirectory.check("lmdb:" + rocks, rocks, StoreDirectory.LMDB, false))
                .isExactlyInstanceOf(ForeignFilesException.class)
                .hasMessageContaining("holds a RocksDB store (it has CURRENT), not an LMDB environment; open it with rocksdb:");
    }

    @Test
    void otherFilesAreRefusedNamingSomeOfThem() throws IOException {
        Path d = with("a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt", "data.mdb");
        assertThatThrownBy(() -> StoreDirectory.check("rocksdb:x", d, StoreDirectory.ROCKSDB, true))
                .as("a known marker among strangers names the store")
                .hasMessageContaining("holds an LMDB environment");
        Path plain = with("a.txt", "b.txt", "c.txt", "d.txt", "e.txt", "f.txt", "g.txt");
        assertThatThrownBy(() -> StoreDirectory.check("lmdb:x", plain, StoreDirectory.LMDB, true))
                .isExactlyInstanceOf(ForeignFilesException.class)
                .hasMessage("open lmdb:x: " + plain + " is not empty and holds no LMDB environment (it has a.txt, b.txt,"
                        + " c.txt, d.txt, e.txt and 2 more); use an empty or new directory; nothing was changed");
        Path file = Files.writeString(dir.resolve("plain-file"), "x");
        assertThatThrownBy(() -> StoreDirectory.check("lmdb:x", file, StoreDirectory.LMDB, true))
                .isExactlyInstanceOf(ForeignFilesException.class).hasMessageContaining("is a file, not a directory");
    }
}
