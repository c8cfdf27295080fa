package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.StorageFullException;
import dev.plinth.Store;
import dev.plinth.testkit.contract.SmallFileSystem;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A full file system is a {@link StorageFullException} that applies nothing and leaves the store usable,
 * distinct from a full map (which the engine grows) and from an I/O error (which fails the engine).
 *
 * <p>Needs a small real file system: the test mounts an 8 MiB tmpfs, so it runs only where the test JVM
 * may mount (root on Linux, as in the build containers) and is skipped elsewhere.
 */
class LmdbFullDiskTest {
    @TempDir
    Path dir;

    @Test
    void aFullFileSystemFailsTheWriteCleanlyAndWritesResumeOnceThereIsRoom() throws Exception {
        Path mnt = Files.createDirectory(dir.resolve("mnt"));
        assumeTrue(SmallFileSystem.mount(mnt, 8), "cannot mount a tmpfs here (needs root on Linux)");
        try {
            Path ballast = mnt.resolve("ballast");
            Files.write(ballast, new byte[2 << 20]);
            byte[] value = new byte[64 * 1024];
            int acked = 0;
            StorageFullException full = null;
            try (Store s = Plinth.open("lmdb:" + mnt.resolve("db") + "?mapSize=64m")) {
                Keyspace ks = s.defaultKeyspace();
                try {
                    for (; acked < 1000; acked++) {
                        Arrays.fill(value, (byte) acked);
                        ks.put(key(acked), value);
                    }
                } catch (StorageFullException e) {
                    full = e;
                }
                assertThat(full).as("the 8 MiB file system filled up").isNotNull();
                assertThat(full.getMessage()).contains("full").contains("nothing was applied");
                assertThat(ks.contains(key(acked))).isFalse();
                assertThat(ks.get(key(0))[0]).isEqualTo((byte) 0);
                Files.delete(ballast);
                Arrays.fill(value, (byte) acked);
                ks.put(key(acked), value);
                assertThat(ks.get(key(acked))).isEqualTo(value);
            }
            try (Store s = Plinth.open("lmdb:" + mnt.resolve("db"))) {
                for (int i = 0; i <= acked; i++) {
                    assertThat(s.defaultKeyspace().get(key(i))[100]).as("key %d", i).isEqualTo((byte) i);
                }
            }
        } finally {
            SmallFileSystem.unmount(mnt);
        }
    }

    private static byte[] key(int i) {
        return String.format("k%05d", i).getBytes();
    }
}
