package dev.plinth.bench.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * One etcd member for a benchmark: 127.0.0.1, free ports, a temporary data directory; waits for health;
 * {@link #close()} kills it and deletes the data (a shutdown hook does too, if the run is cut short).
 */
final class EtcdServer implements AutoCloseable {
    private final Path dir;
    private final int clientPort;
    private final Process process;
    private final Thread hook;

    private EtcdServer(Path dir, int clientPort, Process process) {
        this.dir = dir;
        this.clientPort = clientPort;
        this.process = process;
        this.hook = new Thread(process::destroyForcibly, "etcd-benchmark-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    static EtcdServer start() throws IOException, InterruptedException {
        String binary = binary();
        Path dir = Files.createTempDirectory("plinth-etcd-bench-");
        int client = freePort();
        int peer = freePort();
        Process p = new ProcessBuilder(List.of(binary, "--name", "bench", "--data-dir", dir.resolve("data").toString(),
                "--listen-client-urls", "http://127.0.0.1:" + client,
                "--advertise-client-urls", "http://127.0.0.1:" + client,
                "--listen-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-advertise-peer-urls", "http://127.0.0.1:" + peer,
                "--initial-cluster", "bench=http://127.0.0.1:" + peer,
                "--log-level", "error", "--logger", "zap"))
                .redirectErrorStream(true).redirectOutput(dir.resolve("etcd.log").toFile()).start();
        EtcdServer s = new EtcdServer(dir, client, p);
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!s.healthy()) {
            if (!p.isAlive() || System.nanoTime() - deadline > 0) {
                s.close();
                throw new IllegalStateException("etcd did not become healthy; see " + dir.resolve("etcd.log"));
            }
            Thread.sleep(50);
        }
        return s;
    }

    String endpoint() {
        return "127.0.0.1:" + clientPort;
    }

    private boolean healthy() {
        try {
            HttpURLConnection c = (HttpURLConnection) new URL("http://" + endpoint() + "/health").openConnection();
            c.setConnectTimeout(500);
            c.setReadTimeout(1000);
            try (var in = c.getInputStream()) {
                return new String(in.readAllBytes(), StandardCharsets.UTF_8).contains("\"true\"");
            } finally {
                c.disconnect();
            }
        } catch (IOException e) {
            return false;
        }
    }

    private static String binary() {
        String explicit = System.getProperty("plinth.etcd", "");
        if (!explicit.isBlank()) {
            return explicit;
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(p, "etcd"))) {
                return Path.of(p, "etcd").toString();
            }
        }
        throw new IllegalStateException("no etcd binary on the PATH: install one (Debian: apt-get install etcd-server)"
                + " or pass -Dplinth.etcd=/path/to/etcd");
    }

    private static int freePort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    @Override
    public void close() {
        process.destroyForcibly();
        try {
            process.waitFor();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // shutting down
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
