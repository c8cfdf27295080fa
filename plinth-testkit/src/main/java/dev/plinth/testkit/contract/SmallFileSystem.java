package dev.plinth.testkit.contract;

import java.io.IOException;
import java.nio.file.Path;
import java.util.Locale;
import java.util.concurrent.TimeUnit;

/**
 * A tiny real file system for full-disk tests: a size-limited tmpfs mounted on a test's directory. Only
 * Linux, and only where the test JVM may mount (root, as in the build containers); elsewhere
 * {@link #mount(Path, int)} answers {@code false} and the test is skipped. Stateless.
 */
public final class SmallFileSystem {
    private SmallFileSystem() {
    }

    /**
     * Mounts a tmpfs of {@code mebibytes} on {@code dir}.
     *
     * @param dir an existing, empty directory
     * @param mebibytes the file system's size
     * @return whether it is mounted
     * @throws InterruptedException if interrupted while waiting for {@code mount}
     */
    public static boolean mount(Path dir, int mebibytes) throws InterruptedException {
        if (!System.getProperty("os.name").toLowerCase(Locale.ROOT).contains("linux")) {
            return false;
        }
        return run("mount", "-t", "tmpfs", "-o", "size=" + mebibytes + "m", "tmpfs", dir.toString());
    }

    /**
     * Unmounts what {@link #mount(Path, int)} mounted; quiet if nothing is mounted there.
     *
     * @param dir the mount point
     * @throws InterruptedException if interrupted while waiting for {@code umount}
     */
    public static void unmount(Path dir) throws InterruptedException {
        run("umount", dir.toString());
    }

    private static boolean run(String... command) throws InterruptedException {
        try {
            Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
            p.getInputStream().readAllBytes();
            if (!p.waitFor(30, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                return false;
            }
            return p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        }
    }
}
