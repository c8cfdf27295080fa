package dev.plinth.bench.raftlog;

import dev.plinth.Durability;
import dev.plinth.bench.Targets;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogFileOptions;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import dev.plinth.raftlog.internal.segment.EntryCodec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What LZ4 payloads (segment format version 2) cost and save on append: one group, one thread, batches of
 * {@link #BATCH} entries of {@link #ENTRY_BYTES} bytes appended to the shared or the per-group log, with and without
 * {@code compression=lz4}, at {@code SYNC} (a force per batch, the workload) or {@code NONE} (the CPU cost
 * alone), with compressible payloads (text-like records with repeated field names) or random bytes (which LZ4
 * leaves as they are, after one attempt). Score: entries per second.
 *
 * <p>The bytes written are reported at the end of each trial on standard output (JMH shows it with the fork's
 * output): the bytes of one stored entry record as the log stores it ({@link EntryCodec}), and the segment files'
 * size per entry appended (which includes the open segment's preallocated zeros, so it is an upper bound).
 */
@State(Scope.Benchmark)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 1, time = 1)
@Measurement(iterations = 3, time = 2)
public class RaftLogCompressionBenchmark {
    /** Entries per append call. */
    public static final int BATCH = 64;
    /** Bytes of payload per entry. */
    public static final int ENTRY_BYTES = 128;
    /** Distinct payloads cycled through, so that no two neighbouring entries are the same. */
    static final int PAYLOADS = 1024;
    static final long GROUP = 1;

    /** Which log. */
    @Param({"segmented", "shared"})
    public String log;

    /** {@code none} or {@code lz4}. */
    @Param({"none", "lz4"})
    public String compression;

    /** {@code text}: compressible records; {@code random}: random bytes. */
    @Param({"text", "random"})
    public String payload;

    /** {@code SYNC} or {@code NONE}. */
    @Param({"SYNC", "NONE"})
    public String durability;

    private Path dir;
    private RaftStorage storage;
    private Durability d;
    private byte[][] payloads;
    private long next = 1;
    private int turn;

    /** Payloads of {@link #ENTRY_BYTES} bytes of the kind asked. */
    static byte[][] payloads(String kind, long seed) {
        Random rnd = new Random(seed);
        byte[][] out = new byte[PAYLOADS][];
        for (int i = 0; i < PAYLOADS; i++) {
            byte[] p = new byte[ENTRY_BYTES];
            if (kind.equals("random")) {
                rnd.nextBytes(p);
            } else if (kind.equals("text")) {
                StringBuilder sb = new StringBuilder();
                while (sb.length() < ENTRY_BYTES) {
                    sb.append("{\"op\":\"put\",\"key\":\"user:").append(rnd.nextInt(100_000))
                            .append("\",\"value\":\"").append(rnd.nextInt(1000)).append("\"}");
                }
                System.arraycopy(sb.toString().getBytes(StandardCharsets.US_ASCII), 0, p, 0, ENTRY_BYTES);
            } else {
                throw new IllegalArgumentException("unknown payload " + kind);
            }
            out[i] = p;
        }
        return out;
    }

    /** Opens a fresh log. */
    @Setup(Level.Trial)
    public void setUp() throws IOException {
        ForkHeap.warnUnlessPretouched();
        payloads = payloads(payload, 1);
        d = Durability.valueOf(durability);
        dir = Files.createTempDirectory("plinth-bench-raftlz4-" + log + "-");
        LogFileOptions o = LogFileOptions.DEFAULTS.withCompression(
                compression.equals("lz4") ? LogFileOptions.Compression.LZ4 : LogFileOptions.Compression.NONE);
        storage = switch (log) {
            case "segmented" -> RaftLogs.openSegmented(dir.resolve("log"), o);
            case "shared" -> RaftLogs.openShared(dir.resolve("log"), o);
            default -> throw new IllegalArgumentException("unknown log " + log);
        };
    }

    /** Prints the bytes written per entry, closes the log and deletes it. */
    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        storage.flush();
        storage.close();
        long appended = next - 1;
        long record = 0;
        boolean lz4 = compression.equals("lz4");
        for (byte[] p : payloads) {
            record += EntryCodec.store(new LogEntry(1, 1, p), lz4).recordBytes();
        }
        System.out.printf("%n[bytes] %s %s %s: %.1f bytes per stored entry (payload %d), %.1f bytes of segment files"
                + " per entry appended (%,d entries)%n", log, compression, payload, (double) record / PAYLOADS,
                ENTRY_BYTES, (double) size(dir) / Math.max(1, appended), appended);
        Targets.deleteTree(dir);
    }

    static long size(Path dir) {
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).sum();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Appends one batch. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void append() {
        List<LogEntry> batch = new ArrayList<>(BATCH);
        for (int i = 0; i < BATCH; i++) {
            batch.add(new LogEntry(next + i, 1, payloads[turn++ & (PAYLOADS - 1)]));
        }
        storage.append(GROUP, batch, d);
        next += BATCH;
    }
}
