package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * lmdbjava needs {@code --add-opens} on Java 9 and later (lmdbjava #205). The build passes them to tests;
 * this test checks that they took effect here, and that a JVM started without them gets a clear error
 * that names the flags instead of an {@link ExceptionInInitializerError} from deep inside lmdbjava.
 */
class LmdbJvmFlagsTest {
    @TempDir
    Path dir;

    @Test
    void theTestJvmHasTheFlags() {
        List<String> args = java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments();
        assertThat(String.join(" ", args)).contains("java.base/java.nio=ALL-UNNAMED", "java.base/sun.nio.ch=ALL-UNNAMED");
    }

    @Test
    void withoutTheFlagsOpeningFailsWithAMessageNamingThem() throws IOException, InterruptedException {
        assertProbeFailsNamingTheFlags(List.of());
    }

    @Test
    void withOnlyJavaNioOpenedOpeningFailsWithAMessageNamingThem() throws IOException, InterruptedException {
        assertProbeFailsNamingTheFlags(List.of("--add-opens", "java.base/java.nio=ALL-UNNAMED"));
    }

    private void assertProbeFailsNamingTheFlags(List<String> jvmFlags) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.addAll(jvmFlags);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(Probe.class.getName());
        cmd.add(dir.toString());
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
        assertThat(out).contains("StorageIOException")
                .contains("--add-opens java.base/java.nio=ALL-UNNAMED --add-opens java.base/sun.nio.ch=ALL-UNNAMED");
        assertThat(p.exitValue()).as(out).isEqualTo(3);
    }

    /** Opens a store in the directory given; exits 0 if it worked, 3 on a StorageIOException. */
    static final class Probe {
        public static void main(String[] args) {
            try (Store s = Plinth.open("lmdb:" + args[0])) {
                s.defaultKeyspace().put(new byte[] {1}, new byte[] {2});
                System.out.println("opened");
            } catch (StorageIOException e) {
                System.out.println(e);
                System.exit(3);
            }
        }
    }
}
