package dev.plinth.etcd;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.HttpURLConnection;
import java.net.ServerSocket;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;

/**
 * Real etcd processes for tests: one node or a cluster of several, on 127.0.0.1 only, with free ports and a
 * temporary data directory each. Waits for health before returning; {@link #close()} kills every process it
 * started (also registered as a shutdown hook, so a failed or interrupted run leaves none behind) and deletes
 * the data. Members can be killed with SIGKILL, stopped with SIGSTOP and restarted, for fault tests.
 *
 * <p>Without an {@code etcd} binary (on the {@code PATH} or in {@code -Dplinth.etcd=}), tests using it are
 * skipped with a message saying how to install one, except in CI ({@code CI=true}), where that fails.
 */
final class EtcdCluster implements AutoCloseable {
    /** One member: its ports, data directory and process. */
    final class Member {
        final String name;
        final int clientPort;
        final int peerPort;
        final int metricsPort;
        final Path dataDir;
        /** The peer port the other members dial: {@link #peerPort}, or its proxy's. */
        int advertisedPeerPort;
        volatile Process process;

        Member(String name, int clientPort, int peerPort, int metricsPort, Path dataDir) {
            this.name = name;
            this.clientPort = clientPort;
            this.peerPort = peerPort;
            this.advertisedPeerPort = peerPort;
            this.metricsPort = metricsPort;
            this.dataDir = dataDir;
        }

        String endpoint() {
            return "127.0.0.1:" + clientPort;
        }

        void start(boolean newCluster) {
            String scheme = tls == null ? "http" : "https";
            List<String> cmd = new ArrayList<>(List.of(binary, "--name", name, "--data-dir", dataDir.toString(),
                    "--listen-client-urls", scheme + "://127.0.0.1:" + clientPort,
                    "--advertise-client-urls", scheme + "://127.0.0.1:" + clientPort,
                    "--listen-metrics-urls", "http://127.0.0.1:" + metricsPort,
                    "--listen-peer-urls", "http://127.0.0.1:" + peerPort,
                    "--initial-advertise-peer-urls", "http://127.0.0.1:" + advertisedPeerPort,
                    "--initial-cluster", initialCluster,
                    "--initial-cluster-state", newCluster ? "new" : "existing",
                    "--initial-cluster-token", token,
                    "--heartbeat-interval", "50", "--election-timeout", "500",
                    "--log-level", "error", "--logger", "zap"));
            if (tls != null) {
                cmd.addAll(List.of("--cert-file", tls.serverCert().toString(), "--key-file", tls.serverKey().toString(),
                        "--trusted-ca-file", tls.ca().toString(), "--client-cert-auth"));
            }
            try {
                process = new ProcessBuilder(cmd).redirectErrorStream(true)
                        .redirectOutput(dataDir.resolveSibling(name + ".log").toFile()).start();
            } catch (IOException e) {
                throw new UncheckedIOException("could not start " + binary, e);
            }
        }

        /** SIGKILL, and waits until it is gone. */
        void kill() {
            if (process != null) {
                process.destroyForcibly();
                try {
                    process.waitFor();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
                process = null;
            }
        }

        void signal(String sig) {
            try {
                new ProcessBuilder("kill", "-" + sig, Long.toString(process.pid())).start().waitFor();
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }

        boolean healthy() {
            try {
                // The plain metrics listener answers /health even when clients must use TLS.
                HttpURLConnection c = (HttpURLConnection) new URL("http://127.0.0.1:" + metricsPort + "/health").openConnection();
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
    }

    private final String binary;
    private final Path dir;
    private final String token;
    private final String initialCluster;
    final List<Member> members = new ArrayList<>();
    private final Thread hook;
    private final TestCertificates tls;
    /** The proxies in front of the members' peer ports, or {@code null} if members dial each other directly. */
    private final PeerProxies proxies;

    private EtcdCluster(String binary, int size, TestCertificates tls, boolean proxied) {
        this.binary = binary;
        this.tls = tls;
        try {
            this.dir = Files.createTempDirectory("plinth-etcd-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        this.token = dir.getFileName().toString();
        for (int i = 0; i < size; i++) {
            members.add(new Member("m" + i, freePort(), freePort(), freePort(), dir.resolve("m" + i)));
        }
        if (proxied) {
            this.proxies = new PeerProxies(members.stream().mapToInt(m -> m.peerPort).toArray(),
                    i -> members.get(i).process);
            for (int i = 0; i < size; i++) {
                members.get(i).advertisedPeerPort = proxies.port(i);
            }
            proxies.start();
        } else {
            this.proxies = null;
        }
        this.initialCluster = members.stream().map(m -> m.name + "=http://127.0.0.1:" + m.advertisedPeerPort)
                .collect(Collectors.joining(","));
        this.hook = new Thread(this::stopAll, "etcd-cluster-cleanup");
        Runtime.getRuntime().addShutdownHook(hook);
    }

    /**
     * Starts a cluster of {@code size} members and waits until every one is healthy.
     *
     * @throws org.opentest4j.TestAbortedException if there is no etcd binary outside CI
     */
    static EtcdCluster start(int size) {
        return start(size, null);
    }

    /**
     * Starts a cluster whose clients must connect with TLS and present a certificate signed by
     * {@code certificates}' authority ({@code --client-cert-auth}); {@code null} for plain connections.
     */
    static EtcdCluster start(int size, TestCertificates certificates) {
        return start(size, certificates, false);
    }

    /**
     * Starts a cluster whose members reach each other only through {@link PeerProxies}, so that
     * {@link #network()} can cut them apart; skipped (outside CI) where the proxies cannot tell connections
     * apart (no Linux {@code /proc}).
     */
    static EtcdCluster startPartitionable(int size) {
        if (!PeerProxies.supported()) {
            String message = "network partitions need Linux's /proc/net/tcp to tell the members' connections apart";
            if ("true".equalsIgnoreCase(System.getenv("CI"))) {
                throw new IllegalStateException(message + " (CI=true: etcd tests must run in CI)");
            }
            Assumptions.abort(message);
        }
        return start(size, null, true);
    }

    private static EtcdCluster start(int size, TestCertificates certificates, boolean proxied) {
        String binary = binary();
        EtcdCluster c = new EtcdCluster(binary, size, certificates, proxied);
        try {
            for (Member m : c.members) {
                m.start(true);
            }
            for (Member m : c.members) {
                c.awaitHealthy(m);
            }
            return c;
        } catch (RuntimeException | Error e) {
            c.close();
            throw e;
        }
    }

    /** Restarts a member that was killed, joining its existing cluster, and waits for its health. */
    void restart(Member m) {
        m.start(false);
        awaitHealthy(m);
    }

    void awaitHealthy(Member m) {
        long deadline = System.nanoTime() + 30_000_000_000L;
        while (!m.healthy()) {
            if (m.process == null || !m.process.isAlive()) {
                throw new IllegalStateException("etcd member " + m.name + " exited; see " + dir.resolve(m.name + ".log"));
            }
            if (System.nanoTime() - deadline > 0) {
                throw new IllegalStateException("etcd member " + m.name + " not healthy within 30 s");
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted waiting for etcd", e);
            }
        }
    }

    /** The proxies between the members, to cut and heal; only for a cluster from {@link #startPartitionable}. */
    PeerProxies network() {
        if (proxies == null) {
            throw new IllegalStateException("this cluster was not started with peer proxies");
        }
        return proxies;
    }

    /** The members' client endpoints, comma-separated, for an {@code etcd://} URI. */
    String endpoints() {
        return members.stream().map(Member::endpoint).collect(Collectors.joining(","));
    }

    /** An {@code etcd://} URI for a root prefix under this cluster. */
    String uri(String root) {
        return "etcd://" + endpoints() + "/" + root + "/";
    }

    private static String binary() {
        String explicit = System.getProperty("plinth.etcd", "");
        if (!explicit.isBlank() && Files.isExecutable(Path.of(explicit))) {
            return explicit;
        }
        for (String p : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            Path candidate = Path.of(p, "etcd");
            if (Files.isExecutable(candidate)) {
                return candidate.toString();
            }
        }
        String message = "no etcd binary on the PATH: install one (Debian/Ubuntu: apt-get install etcd-server;"
                + " or https://github.com/etcd-io/etcd/releases) or pass -Dplinth.etcd=/path/to/etcd";
        if ("true".equalsIgnoreCase(System.getenv("CI"))) {
            throw new IllegalStateException(message + " (CI=true: etcd tests must run in CI)");
        }
        Assumptions.abort(message);
        throw new AssertionError("unreachable");
    }

    private static int freePort() {
        try (ServerSocket s = new ServerSocket(0, 0, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private void stopAll() {
        for (Member m : members) {
            if (m.process != null) {
                m.process.destroyForcibly();
            }
        }
        for (Member m : members) {
            m.kill();
        }
    }

    @Override
    public void close() {
        stopAll();
        if (proxies != null) {
            proxies.close();
        }
        try {
            Runtime.getRuntime().removeShutdownHook(hook);
        } catch (IllegalStateException e) {
            // already shutting down: the hook runs anyway
        }
        try (Stream<Path> s = Files.walk(dir)) {
            s.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException e) {
            // a temporary directory; nothing else to do
        }
    }
}
