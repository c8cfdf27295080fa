package dev.plinth.testkit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import org.junit.jupiter.api.Test;

/** Proves the leak report names each handle left open and the line that opened it. */
class FaultyVfsLeakTest {
    private final FaultyVfs vfs = new FaultyVfs(new MemVfs(1), 1);

    private VfsFile openAndForget() {
        return vfs.create("forgotten.log");
    }

    @Test
    void aLeakedFileAndLockAreReportedWithTheLineThatOpenedThem() {
        openAndForget();
        VfsLock lock = vfs.lock("LOCK");
        assertThat(vfs.openHandles()).extracting(OpenHandle::toString).containsExactly("file forgotten.log", "lock LOCK");
        assertThatThrownBy(vfs::assertNoLeaks).isInstanceOf(AssertionError.class)
                .hasMessageContaining("leaked 2 file handle(s) or lock(s)")
                .hasMessageContaining("file forgotten.log, opened at:")
                .hasMessageContaining("FaultyVfsLeakTest.openAndForget(FaultyVfsLeakTest.java:")
                .hasMessageContaining("lock LOCK, opened at:")
                .hasMessageContaining("FaultyVfsLeakTest.aLeakedFileAndLockAreReportedWithTheLineThatOpenedThem(FaultyVfsLeakTest.java:");
        lock.close();
        assertThat(vfs.openHandles()).hasSize(1);
    }

    @Test
    void closedHandlesAreNotLeaks() {
        vfs.create("a").close();
        try (VfsFile f = vfs.openRead("a"); VfsLock l = vfs.lock("LOCK")) {
            assertThat(vfs.openHandles()).hasSize(2);
        }
        vfs.assertNoLeaks();
        assertThat(vfs.describeLeaks()).isEmpty();
    }
}
