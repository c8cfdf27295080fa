package dev.plinth.testkit.crash;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Runs a main class in a child JVM with this JVM's class path, for tests whose failure may be a native
 * crash (a SIGSEGV in an engine's library): the crash then ends the child, and the test reports it instead
 * of losing the whole test run. Stateless and thread-safe.
 */
public final class ChildJvm {
    /** What a child did: its exit status, its output, and the JVM's crash report if it wrote one. */
    public record Result(int exitCode, boolean timedOut, String stdout, String stderr, String crashReport) {
        /**
         * Whether the JVM died of a native crash (it wrote a fatal error report).
         *
         * @return {@code true} if there is a crash report
         */
        public boolean crashed() {
            return !crashReport.isEmpty();
        }

        /**
         * Everything a failure message needs: status, output and the head of any crash report.
         *
         * @return a multi-line description
         */
        public String describe() {
            return "child JVM " + (timedOut ? "timed out and was killed" : "exited with status " + exitCode)
                    + (crashed() ? " after a native crash:\n" + crashReport : "")
                    + "\n--- stdout\n" + stdout.strip() + "\n--- stderr\n" + stderr.strip();
        }
    }

    /** Lines of a fatal error report kept in {@link Result#crashReport()}: the header and the native frames. */
    private static final int CRASH_REPORT_LINES = 40;

    private ChildJvm() {
    }

    /**
     * The {@code java} launcher of this JVM.
     *
     * @return its path, or {@code java} from the {@code PATH} if it cannot be found
     */
    public static String javaBinary() {
        Path home = Path.of(System.getProperty("java.home"), "bin", "java");
        if (Files.isExecutable(home)) {
            return home.toString();
        }
        return ProcessHandle.current().info().command().orElse("java");
    }

    /**
     * This JVM's {@code --add-opens} and {@code --add-exports} options (LMDB's binding needs some), so that a
     * child can open the same engines.
     *
     * @return the options, each flag and its value as separate arguments
     */
    public static List<String> inheritedModuleOptions() {
        List<String> in = ManagementFactory.getRuntimeMXBean().getInputArguments();
        List<String> out = new ArrayList<>();
        for (int i = 0; i < in.size(); i++) {
            String a = in.get(i);
            if (a.startsWith("--add-opens=") || a.startsWith("--add-exports=")) {
                out.add(a);
            } else if ((a.equals("--add-opens") || a.equals("--add-exports")) && i + 1 < in.size()) {
                out.add(a);
                out.add(in.get(++i));
            }
        }
        return out;
    }

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM and waits for it.
     *
     * @param workDir an existing directory for the child's temporary files and any fatal error report
     * @param jvmArgs options before {@link CrashHarness#CHILD_JVM_ARGS}' size limit is overridden, e.g.
     *     {@link #inheritedModuleOptions()}
     * @param mainClass the class to run
     * @param args its arguments
     * @param timeout how long to wait before killing it
     * @return what the child did
     * @throws UncheckedIOException if the child cannot be started or its output read
     */
    public static Result run(Path workDir, List<String> jvmArgs, Class<?> mainClass, List<String> args,
                             Duration timeout) {
        Path out = workDir.resolve("child.out");
        Path err = workDir.resolve("child.err");
        Path tmp = workDir.resolve("child-tmp");
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(CrashHarness.CHILD_JVM_ARGS);
        cmd.add("-Xmx256m");
        cmd.addAll(jvmArgs);
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.add("-XX:ErrorFile=" + workDir.resolve("hs_err_%p.log"));
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        try {
            Files.createDirectories(tmp);
            Process p = new ProcessBuilder(cmd).directory(workDir.toFile()).redirectOutput(out.toFile())
                    .redirectError(err.toFile()).start();
            boolean finished = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
            if (!finished) {
                p.destroyForcibly();
                p.waitFor(30, TimeUnit.SECONDS);
            }
            return new Result(finished ? p.exitValue() : -1, !finished, read(out), read(err), crashReport(workDir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run a child JVM: " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a child JVM", e);
        }
    }

    /**
     * What a child killed by {@link #killAfterAcks} had done.
     *
     * @param acks the numbers it printed on {@code acked N} lines, in order (a line cut by the kill is left out)
     * @param output everything it printed, standard error included, for failure messages
     */
    public record Killed(List<Long> acks, String output) {
    }

    /**
     * Runs {@code mainClass} with {@code args} in a child JVM with this JVM's class path, and kills it with
     * {@code SIGKILL} as soon as it has printed {@code acks} lines {@code acked N} (or when it ends by itself).
     * The child prints such a line after each write it was told is durable; what it printed before the kill
     * is what the test may then expect to find.
     *
     * @param workDir an existing directory for the child's output
     * @param mainClass the class to run
     * @param args its arguments
     * @param acks how many acknowledgements to wait for before the kill
     * @return what the child acknowledged and printed
     * @throws UncheckedIOException if the child cannot be started or its output read
     */
    public static Killed killAfterAcks(Path workDir, Class<?> mainClass, List<String> args, int acks) {
        // The native libraries the child extracts (rocksdbjni, lmdbjava, lz4-java, automerge: up to tens of MB each)
        // go to a directory of its own, deleted after the kill: a killed JVM never runs its deleteOnExit, and in the
        // shared temporary directory every kill left them behind (about 500 MB per build of the whole project).
        Path tmp = workDir.resolve("child-tmp");
        List<String> cmd = new ArrayList<>();
        cmd.add(javaBinary());
        cmd.addAll(CrashHarness.CHILD_JVM_ARGS);
        cmd.add("-Djava.io.tmpdir=" + tmp);
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add(mainClass.getName());
        cmd.addAll(args);
        Path out = workDir.resolve("child.out");
        try {
            Files.createDirectories(tmp);
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(out.toFile()).start();
            try {
                while (p.isAlive() && acked(out).size() < acks) {
                    Thread.sleep(2);
                }
                p.destroyForcibly();
                p.waitFor(60, TimeUnit.SECONDS);
                return new Killed(acked(out), read(out));
            } finally {
                p.destroyForcibly();
                if (!p.isAlive()) {
                    CrashHarness.deleteRecursively(tmp);
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot run a child JVM: " + cmd, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a child JVM", e);
        }
    }

    private static List<Long> acked(Path out) throws IOException {
        List<Long> acks = new ArrayList<>();
        for (String line : Files.readAllLines(out, StandardCharsets.UTF_8)) {
            String[] f = line.split(" ");
            if (f.length == 2 && f[0].equals("acked") && !f[1].isEmpty()) {
                try {
                    acks.add(Long.parseLong(f[1]));
                } catch (NumberFormatException cut) {
                    // a line cut by the kill
                }
            }
        }
        return acks;
    }

    private static String read(Path file) throws IOException {
        return Files.exists(file) ? Files.readString(file, StandardCharsets.UTF_8) : "";
    }

    private static String crashReport(Path workDir) throws IOException {
        try (Stream<Path> files = Files.list(workDir)) {
            Path report = files.filter(f -> f.getFileName().toString().startsWith("hs_err_")).findFirst().orElse(null);
            if (report == null) {
                return "";
            }
            List<String> lines = Files.readAllLines(report, StandardCharsets.ISO_8859_1);
            List<String> kept = new ArrayList<>(lines.subList(0, Math.min(CRASH_REPORT_LINES / 2, lines.size())));
            int frames = -1;
            for (int i = 0; i < lines.size(); i++) {
                if (lines.get(i).startsWith("Native frames")) {
                    frames = i;
                    break;
                }
            }
            if (frames >= 0) {
                kept.add("...");
                kept.addAll(lines.subList(frames, Math.min(frames + CRASH_REPORT_LINES / 2, lines.size())));
            }
            kept.add("(full report: " + report + ")");
            return String.join("\n", kept);
        }
    }
}
