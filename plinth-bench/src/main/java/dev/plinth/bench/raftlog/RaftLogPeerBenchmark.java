package dev.plinth.bench.raftlog;

import dev.plinth.Durability;
import dev.plinth.bench.Targets;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import java.io.File;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.apache.ratis.conf.RaftProperties;
import org.apache.ratis.proto.RaftProtos.LogEntryProto;
import org.apache.ratis.proto.RaftProtos.StateMachineLogEntryProto;
import org.apache.ratis.protocol.RaftGroupId;
import org.apache.ratis.protocol.RaftGroupMemberId;
import org.apache.ratis.protocol.RaftPeerId;
import org.apache.ratis.server.RaftServerConfigKeys;
import org.apache.ratis.server.raftlog.LogProtoUtils;
import org.apache.ratis.server.raftlog.RaftLog;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLog;
import org.apache.ratis.server.raftlog.segmented.SegmentedRaftLogOutputStream;
import org.apache.ratis.server.storage.RaftStorage.StartupOption;
import org.apache.ratis.server.storage.RaftStorageImpl;
import org.apache.ratis.server.storage.StorageImplUtils;
import org.apache.ratis.thirdparty.com.google.protobuf.ByteString;
import org.apache.ratis.thirdparty.com.google.protobuf.UnsafeByteOperations;
import org.apache.ratis.util.SizeInBytes;
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
 * Our segmented log against Apache Ratis's, in one JMH run: durable batched appends of 128-byte entries to one
 * Raft group from one thread, an fsync per batch of 64 or 256 entries. The score is entries per second
 * ({@link OperationsPerInvocation} is the batch size).
 *
 * <ul>
 *   <li>{@code segmented}: {@link RaftLogs#openSegmented(Path)}, {@code append(group, batch, SYNC)}; every 1,000
 *       batches a purge to 1,000 entries below the end, as in {@link RaftLogAppendBenchmark}.</li>
 *   <li>{@code ratis-log}: the real {@link SegmentedRaftLog} of ratis-server, built as Ratis's own tests build it
 *       (no server, no state machine, default properties: 32 MB segments, its write buffer and its worker
 *       thread); a batch of {@link LogEntryProto}s is given to {@code append(List)} and the call waits for the
 *       last entry's future, which Ratis completes once the entry is flushed (its worker forces the file when its
 *       queue runs empty or {@code forceSyncNum} entries are pending). Purged like ours.</li>
 *   <li>{@code ratis-stream}: Ratis's segment writer {@link SegmentedRaftLogOutputStream} alone, with the same
 *       flush policy as ours: write the batch's protos, then {@code flush()} (buffer out, {@code force(false)}).
 *       A new file every 32 MB; the old one is deleted. This is the floor of Ratis's log: no cache, no worker
 *       thread, no index.</li>
 * </ul>
 * Both sides build their entry objects inside the measured call from payloads prepared once.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(1)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RaftLogPeerBenchmark {
    /** Bytes of payload per entry. */
    public static final int ENTRY_BYTES = 128;
    private static final long SEGMENT_BYTES = 32L << 20;

    /** Which log. */
    @Param({"segmented", "ratis-log", "ratis-stream"})
    public String log;

    private Path dir;
    private RaftStorage storage;
    private RaftStorageImpl ratisStorage;
    private RaftLog ratisLog;
    private SegmentedRaftLogOutputStream stream;
    private File streamFile;
    private long streamBytes;
    private int streamFiles;
    private long next = 1;
    private long batches;
    private final byte[][] payloads = new byte[256][];
    private final ByteString[] wrapped = new ByteString[256];

    /** Opens the log in a fresh temporary directory. */
    @Setup(Level.Trial)
    public void setUp() throws Exception {
        ForkHeap.warnUnlessPretouched();
        Random rnd = new Random(1);
        for (int i = 0; i < payloads.length; i++) {
            payloads[i] = new byte[ENTRY_BYTES];
            rnd.nextBytes(payloads[i]);
            wrapped[i] = UnsafeByteOperations.unsafeWrap(payloads[i]);
        }
        dir = Files.createTempDirectory("plinth-bench-raftpeer-" + log + "-");
        switch (log) {
            case "segmented" -> storage = RaftLogs.openSegmented(dir.resolve("log"));
            case "ratis-log" -> {
                RaftProperties properties = new RaftProperties();
                RaftServerConfigKeys.setStorageDir(properties, List.of(dir.toFile()));
                ratisStorage = StorageImplUtils.newRaftStorage(dir.resolve("ratis").toFile(),
                        SizeInBytes.valueOf("1MB"), StartupOption.FORMAT,
                        RaftServerConfigKeys.Log.CorruptionPolicy.getDefault());
                ratisStorage.initialize();
                RaftGroupMemberId member = RaftGroupMemberId.valueOf(RaftPeerId.valueOf("s0"),
                        RaftGroupId.valueOf(UUID.nameUUIDFromBytes(new byte[] {1})));
                ratisLog = SegmentedRaftLog.newBuilder().setMemberId(member).setStorage(ratisStorage)
                        .setProperties(properties).build();
                ratisLog.open(RaftLog.INVALID_LOG_INDEX, null);
            }
            case "ratis-stream" -> openStream();
            default -> throw new IllegalArgumentException("unknown log " + log);
        }
    }

    private void openStream() throws Exception {
        streamFile = dir.resolve("stream-" + streamFiles++).toFile();
        stream = new SegmentedRaftLogOutputStream(streamFile, false, SEGMENT_BYTES, 4L << 20,
                ByteBuffer.allocateDirect(64 << 10));
        streamBytes = 0;
    }

    /** Closes the log and deletes its files. */
    @TearDown(Level.Trial)
    public void tearDown() throws Exception {
        if (storage != null) {
            storage.close();
        }
        if (ratisLog != null) {
            ratisLog.close();
            ratisStorage.close();
        }
        if (stream != null) {
            stream.close();
        }
        Targets.deleteTree(dir);
    }

    /** Appends a batch of 64 with an fsync. */
    @Benchmark
    @OperationsPerInvocation(64)
    public void batch64() throws Exception {
        appendBatch(64);
    }

    /** Appends a batch of 256 with an fsync. */
    @Benchmark
    @OperationsPerInvocation(256)
    public void batch256() throws Exception {
        appendBatch(256);
    }

    private void appendBatch(int n) throws Exception {
        switch (log) {
            case "segmented" -> {
                List<LogEntry> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    entries.add(new LogEntry(next + i, 1, payloads[i]));
                }
                storage.append(1, entries, Durability.SYNC);
                if (++batches % 1000 == 0) {
                    storage.purge(1, next + n - 1 - 1000, Durability.SYNC);
                }
            }
            case "ratis-log" -> {
                List<LogEntryProto> entries = new ArrayList<>(n);
                for (int i = 0; i < n; i++) {
                    entries.add(proto(next - 1 + i, i)); // a Ratis log starts at index 0
                }
                List<CompletableFuture<Long>> done = ratisLog.append(entries);
                done.get(done.size() - 1).get();
                if (++batches % 1000 == 0) {
                    ratisLog.purge(next - 1 + n - 1 - 1000);
                }
            }
            default -> {
                for (int i = 0; i < n; i++) {
                    LogEntryProto e = proto(next + i, i);
                    stream.write(e);
                    streamBytes += e.getSerializedSize() + 8;
                }
                stream.flush();
                if (streamBytes > SEGMENT_BYTES - (1 << 20)) {
                    stream.close();
                    Files.delete(streamFile.toPath());
                    openStream();
                }
            }
        }
        next += n;
    }

    private LogEntryProto proto(long index, int i) {
        return LogProtoUtils.toLogEntryProto(StateMachineLogEntryProto.newBuilder().setLogData(wrapped[i]).build(),
                1, index);
    }
}
