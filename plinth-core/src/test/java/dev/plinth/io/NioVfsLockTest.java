package dev.plinth.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StorageIOException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A lock held by another process, or through another NioVfs in this JVM, is refused with a clear message. */
class NioVfsLockTest {
    @TempDir
    Path dir;

    @Test
    void aLockHeldThroughAnotherVfsInThisJvmIsRefused() {
        try (VfsLock held = NioVfs.at(dir).lock("LOCK")) {
            assertThatThrownBy(() -> NioVfs.at(dir).lock("LOCK")).isExactlyInstanceOf(StorageIOException.class)
                    .hasMessage("cannot lock " + dir.resolve("LOCK") + ": it is locked already by this JVM"
                            + " (the store is open in this process; close it first)");
            assertThat(held.isHeld()).isTrue();
        }
        NioVfs.at(dir).lock("LOCK").close();
    }

    @Test
    void aLockHeldByAnotherProcessIsRefused() throws Exception {
        Process child = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-cp", System.getProperty("java.class.path"), Holder.class.getName(), dir.toString())
                .redirectErrorStream(true).start();
        try (BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8))) {
            assertThat(out.readLine()).isEqualTo("locked");
            assertThatThrownBy(() -> NioVfs.at(dir).lock("LOCK")).isExactlyInstanceOf(StorageIOException.class)
                    .hasMessageContaining("it is locked by another process");
            child.getOutputStream().close();
            assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
        } finally {
            child.destroyForcibly();
        }
        NioVfs.at(dir).lock("LOCK").close();
    }

    /** Run in a child JVM: takes the lock, says so, and holds it until its input closes. */
    public static final class Holder {
        private Holder() {
        }

        /**
         * Entry point.
         *
         * @param args the directory
         * @throws Exception never expected
         */
        public static void main(String[] args) throws Exception {
            try (VfsLock lock = NioVfs.at(Path.of(args[0])).lock("LOCK")) {
                System.out.println("locked");
                System.out.flush();
                System.in.read();
            }
        }
    }
}
