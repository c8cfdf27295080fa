package dev.plinth.testkit.crash;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The child side of the {@link CrashHarness}: opens a store by URI and writes {@link WriteSpec}s one after
 * another, forever, recording each in an {@link ExpectedStateFile} after its call returns, until it is
 * killed.
 *
 * <p>Arguments: {@code <uri> <seed> <first-seq> <levels> <expected-state-file>}, where {@code levels} is a
 * comma-separated list of durability levels ({@code SYNC,PROCESS}). Prints {@value #READY_LINE} on
 * standard output once the store is open and the first write is about to start. Exits by itself only on
 * failure (status {@value #EXIT_FAILED}, stack trace on standard error), when standard input reaches its
 * end because the parent died (status {@value #EXIT_ORPHANED}), or after {@link #MAX_LIFETIME_MILLIS}
 * (status {@value #EXIT_ORPHANED}), so that no child outlives a parent that could not kill it.
 */
public final class CrashWorkload {
    /** The line the child prints when it starts writing. */
    public static final String READY_LINE = "READY";
    /** Exit status of a child whose workload failed. */
    public static final int EXIT_FAILED = 70;
    /** Exit status of a child that lost its parent. */
    public static final int EXIT_ORPHANED = 71;
    /** A child never runs longer than this, whatever happens to its parent. */
    public static final long MAX_LIFETIME_MILLIS = 10 * 60 * 1000L;

    private CrashWorkload() {
    }

    /**
     * Runs the workload.
     *
     * @param args {@code <uri> <seed> <first-seq> <levels> <expected-state-file>}
     */
    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: CrashWorkload <uri> <seed> <first-seq> <levels> <expected-state-file>");
            System.exit(EXIT_FAILED);
        }
        watchParent();
        try {
            run(args[0], Long.parseLong(args[1]), Long.parseLong(args[2]), parseLevels(args[3]), Path.of(args[4]));
        } catch (Throwable t) {
            t.printStackTrace();
            System.err.flush();
            Runtime.getRuntime().halt(EXIT_FAILED);
        }
    }

    private static void run(String uri, long seed, long firstSeq, List<Durability> levels, Path expected) {
        try (Store store = Plinth.open(uri);
                ExpectedStateFile.Writer log = new ExpectedStateFile.Writer(expected)) {
            Map<String, Keyspace> keyspaces = Map.of(
                    WriteSpec.KEYSPACE_A, store.createKeyspace(WriteSpec.KEYSPACE_A),
                    WriteSpec.KEYSPACE_B, store.createKeyspace(WriteSpec.KEYSPACE_B));
            for (Durability d : levels) {
                if (!store.capabilities().supports(d)) {
                    throw new IllegalStateException(uri + " does not honour " + d + ": " + store.capabilities());
                }
            }
            System.out.println(READY_LINE);
            System.out.flush();
            for (long seq = firstSeq; ; seq++) {
                WriteSpec w = WriteSpec.of(seed, seq, levels);
                apply(keyspaces, w, w.durability());
                log.append(ExpectedStateFile.Ack.of(w));
            }
        }
    }

    /**
     * Makes one write: a put, or one batch across both keyspaces.
     *
     * @param keyspaces the two workload keyspaces by name
     * @param w the write
     * @param durability the durability to ask for: the write's own, except in tests that build synthetic
     *     states on an engine that honours only {@code NONE}
     */
    static void apply(Map<String, Keyspace> keyspaces, WriteSpec w, Durability durability) {
        if (w.kind() == WriteSpec.Kind.SINGLE) {
            WriteSpec.Part p = w.parts().get(0);
            keyspaces.get(p.keyspace()).put(p.key(), p.value(), WriteOptions.durability(durability));
            return;
        }
        WriteBatch batch = new WriteBatch();
        WriteOptions options = WriteOptions.durability(durability);
        Store store = null;
        for (WriteSpec.Part p : w.parts()) {
            Keyspace ks = keyspaces.get(p.keyspace());
            store = ks.store();
            batch.put(ks, p.key(), p.value(), options);
        }
        if (!store.write(batch)) {
            throw new IllegalStateException("an unconditional batch was refused: " + w.describe());
        }
    }

    /**
     * The levels the workload uses on an engine: {@code SYNC} and {@code PROCESS}, each if honoured.
     *
     * @param caps the engine's capabilities
     * @return the levels, in the workload's fixed order; empty if the engine honours neither
     */
    static List<Durability> levels(Capabilities caps) {
        List<Durability> out = new ArrayList<>();
        for (Durability d : List.of(Durability.SYNC, Durability.PROCESS)) {
            if (caps.supports(d)) {
                out.add(d);
            }
        }
        return out;
    }

    static String formatLevels(List<Durability> levels) {
        return String.join(",", levels.stream().map(Durability::name).toList());
    }

    static List<Durability> parseLevels(String s) {
        List<Durability> out = new ArrayList<>();
        for (String part : s.split(",")) {
            out.add(Durability.valueOf(part.trim()));
        }
        return out;
    }

    /** Halts when the parent goes away (standard input ends) or the lifetime cap passes. */
    private static void watchParent() {
        Thread t = new Thread(() -> {
            try {
                InputStream in = System.in;
                byte[] buf = new byte[64];
                while (in.read(buf) >= 0) {
                    // the parent never writes; reading only waits for the end of the stream
                }
            } catch (IOException e) {
                // treated like the end of the stream
            }
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }, "crash-parent-watch");
        t.setDaemon(true);
        t.start();
        Thread timer = new Thread(() -> {
            try {
                Thread.sleep(MAX_LIFETIME_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            Runtime.getRuntime().halt(EXIT_ORPHANED);
        }, "crash-lifetime-cap");
        timer.setDaemon(true);
        timer.start();
    }
}
