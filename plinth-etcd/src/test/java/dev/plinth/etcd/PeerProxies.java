package dev.plinth.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.IntFunction;

/**
 * TCP proxies in front of the peer ports of a cluster's members, so that a test can cut members off from
 * each other without network namespaces or firewall rules (or in front of client ports, to lose the
 * answers to a client: {@link #dropAnswers()}). Every member advertises its proxy's port as its
 * peer URL, so every connection between two members, whichever dialed it, passes through the proxy of the
 * member it was dialed to. The proxy learns which member dialed a connection from the kernel's socket table
 * ({@code /proc/net/tcp}: the dialer's port gives the socket's inode, and the member whose process holds
 * that inode among its file descriptors is the dialer), so it knows both ends of every connection.
 *
 * <p>{@link #isolate} cuts one member off from all others in both directions: from then on every byte
 * between it and another member is read and dropped (a black hole, as a cut cable looks: nothing is refused,
 * nothing arrives), on the connections open now and on any opened later. A connection whose dialer cannot
 * be identified is treated as crossing the cut while any member is isolated, so nothing leaks across it.
 * {@link #heal} lets bytes through again and closes the connections that lost bytes, whose streams are
 * broken; the members dial again. Thread-safe. {@link #close()} stops every proxy thread and closes every
 * socket; idempotent.
 */
final class PeerProxies implements AutoCloseable {
    /** One proxied connection: the two sockets, and which members are at its ends ({@code -1}: unknown). */
    private final class Conn {
        final Socket inbound;
        final Socket outbound;
        final int from;
        final int to;
        /** Bytes were dropped towards the member ({@code lostRequests}) or back to the dialer ({@code lostAnswers}). */
        volatile boolean lostRequests;
        volatile boolean lostAnswers;

        boolean lostBytes() {
            return lostRequests || lostAnswers;
        }

        Conn(Socket inbound, Socket outbound, int from, int to) {
            this.inbound = inbound;
            this.outbound = outbound;
            this.from = from;
            this.to = to;
        }

        boolean cut() {
            if (isolated.isEmpty()) {
                return false;
            }
            return from < 0 || isolated.contains(from) || isolated.contains(to);
        }

        /** Forwards one direction; {@code answers} is the direction from the member back to the dialer. */
        void pump(InputStream in, OutputStream out, boolean answers) {
            byte[] buf = new byte[16 * 1024];
            try {
                for (int n; (n = in.read(buf)) >= 0; ) {
                    // Once a direction has a hole nothing more goes through it (a heal racing this loop could
                    // otherwise pass bytes that follow the hole); heal closes it and the member dials again. The
                    // other direction is untouched: requests still arrive while answers are lost.
                    if ((answers ? lostAnswers : lostRequests) || cut() || answers && answersDropped) {
                        if (answers) {
                            lostAnswers = true;
                        } else {
                            lostRequests = true;
                        }
                    } else {
                        out.write(buf, 0, n);
                        out.flush();
                    }
                }
            } catch (IOException e) {
                // one side closed or was reset: close both below
            } finally {
                close();
            }
        }

        void close() {
            open.remove(this);
            closeQuietly(inbound);
            closeQuietly(outbound);
        }
    }

    private final List<ServerSocket> listeners;
    private final int[] targetPorts;
    private final IntFunction<Process> processes;
    private final Set<Integer> isolated = ConcurrentHashMap.newKeySet();
    private final Set<Conn> open = ConcurrentHashMap.newKeySet();
    private volatile boolean answersDropped;
    private volatile boolean closed;

    /**
     * Opens one listening proxy per member on a free loopback port; nothing is forwarded until
     * {@link #start}.
     *
     * @param targetPorts each member's real port to forward to (its peer port, or its client port), by index
     * @param processes each member's current process by index, or {@code null} while it is down (always, for
     *     proxies of client ports, whose dialers are not members)
     */
    PeerProxies(int[] targetPorts, IntFunction<Process> processes) {
        this.targetPorts = targetPorts.clone();
        this.processes = processes;
        ServerSocket[] ls = new ServerSocket[targetPorts.length];
        try {
            for (int i = 0; i < ls.length; i++) {
                ls[i] = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
            }
        } catch (IOException e) {
            for (ServerSocket s : ls) {
                closeQuietly(s);
            }
            throw new UncheckedIOException("could not open the peer proxies", e);
        }
        this.listeners = List.of(ls);
    }

    /** The port member {@code i} advertises to its peers. */
    int port(int i) {
        return listeners.get(i).getLocalPort();
    }

    /** Starts accepting and forwarding. */
    void start() {
        for (int i = 0; i < listeners.size(); i++) {
            int to = i;
            daemon(() -> acceptLoop(to), "peer-proxy-" + i).start();
        }
    }

    /** Cuts member {@code i} off from every other member, both directions. */
    void isolate(int i) {
        isolated.add(i);
    }

    /**
     * From now on every byte from the members back to whoever dialed them is dropped, while requests still
     * arrive: a proxy in front of a member's client port then makes writes that are applied and never
     * answered.
     */
    void dropAnswers() {
        answersDropped = true;
    }

    /**
     * Lets every member reach every other, and answers through, again; connections that lost bytes are
     * closed and redialed.
     */
    void heal() {
        // Broken streams are closed before anything passes again, so none carries bytes after its hole.
        for (Conn c : open) {
            if (c.lostBytes()) {
                c.close();
            }
        }
        isolated.clear();
        answersDropped = false;
    }

    private void acceptLoop(int to) {
        ServerSocket listener = listeners.get(to);
        while (!closed) {
            Socket in;
            try {
                in = listener.accept();
            } catch (IOException e) {
                return; // closed
            }
            daemon(() -> connect(in, to), "peer-proxy-conn").start();
        }
    }

    private void connect(Socket in, int to) {
        int from = dialer(in);
        Socket out = new Socket();
        try {
            out.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), targetPorts[to]), 2000);
        } catch (IOException e) {
            closeQuietly(in); // the member is down: as if nothing listened
            closeQuietly(out);
            return;
        }
        Conn c = new Conn(in, out, from, to);
        open.add(c);
        if (closed) {
            c.close();
            return;
        }
        daemon(() -> {
            try {
                c.pump(out.getInputStream(), in.getOutputStream(), true);
            } catch (IOException e) {
                c.close();
            }
        }, "peer-proxy-back").start();
        try {
            c.pump(in.getInputStream(), out.getOutputStream(), false);
        } catch (IOException e) {
            c.close();
        }
    }

    /** The member whose process dialed {@code s}, or {@code -1} if none can be found. */
    private int dialer(Socket s) {
        boolean anyProcess = false;
        for (int m = 0; m < targetPorts.length; m++) {
            anyProcess |= processes.apply(m) != null;
        }
        for (int attempt = 0; anyProcess && attempt < 20; attempt++) {
            long inode = inode(s.getPort(), s.getLocalPort());
            if (inode > 0) {
                String link = "socket:[" + inode + "]";
                for (int m = 0; m < targetPorts.length; m++) {
                    Process p = processes.apply(m);
                    if (p != null && p.isAlive() && holds(p.pid(), link)) {
                        return m;
                    }
                }
            }
            try {
                Thread.sleep(5);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return -1;
            }
        }
        return -1;
    }

    /** The inode of the socket from {@code localPort} to {@code remotePort} in the kernel's tables, or 0. */
    private static long inode(int localPort, int remotePort) {
        String local = String.format(Locale.ROOT, ":%04X", localPort);
        String remote = String.format(Locale.ROOT, ":%04X", remotePort);
        for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
            try {
                for (String line : Files.readAllLines(Path.of(table))) {
                    String[] f = line.trim().split("\\s+");
                    if (f.length > 9 && f[1].endsWith(local) && f[2].endsWith(remote)) {
                        return Long.parseLong(f[9]);
                    }
                }
            } catch (IOException | NumberFormatException e) {
                // no such table here: try the next
            }
        }
        return 0;
    }

    private static boolean holds(long pid, String link) {
        try (DirectoryStream<Path> fds = Files.newDirectoryStream(Path.of("/proc", Long.toString(pid), "fd"))) {
            for (Path fd : fds) {
                try {
                    if (link.equals(Files.readSymbolicLink(fd).toString())) {
                        return true;
                    }
                } catch (IOException e) {
                    // that descriptor was closed meanwhile
                }
            }
        } catch (IOException e) {
            // the process is gone
        }
        return false;
    }

    /** Whether this machine has the kernel socket tables the proxies need (Linux's {@code /proc}). */
    static boolean supported() {
        return Files.isReadable(Path.of("/proc/net/tcp")) && Files.isDirectory(Path.of("/proc/self/fd"));
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    private static void closeQuietly(AutoCloseable c) {
        try {
            if (c != null) {
                c.close();
            }
        } catch (Exception e) {
            // closing a socket of a test proxy: nothing to do
        }
    }

    @Override
    public void close() {
        closed = true;
        for (ServerSocket s : listeners) {
            closeQuietly(s);
        }
        for (Conn c : open) {
            c.close();
        }
    }
}
