package dev.plinth.bench.raftlog;

import dev.plinth.Durability;
import dev.plinth.bench.Targets;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.RaftLogs;
import dev.plinth.raftlog.RaftStorage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
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
 * As {@link RaftLogPeerBenchmark}, with several Raft groups appending at once, one thread per group (8 by
 * default; {@code -t N} for N groups), each batch made durable before the thread's next:
 * <ul>
 *   <li>{@code shared}: one shared log for all groups ({@code RaftLogs.openShared}), whose group commit lets the
 *   groups' batches share a force;</li>
 *   <li>{@code segmented}: one storage holding the groups, a directory and segment file per group, a force per
 *   batch;</li>
 *   <li>{@code plinth-lsm}, {@code plinth-rocksdb}: the log on a Plinth store ({@code RaftLogs.open}), whose
 *   write-ahead log commits concurrent {@code SYNC} batches together;</li>
 *   <li>{@code rocksdb-raw}: a log on raw RocksDB, one {@code WriteBatch} with {@code sync} per batch, keys
 *   (group, index);</li>
 *   <li>{@code ratis-log}: one {@link SegmentedRaftLog} per group, as a Ratis multi-Raft server has, each with its
 *   own worker.</li>
 * </ul>
 * The score is entries per second over all groups.
 *
 * <p>{@code -p depth=N} (default 1) pipelines each group's appends as a Raft leader does: a group hands over a batch
 * without waiting for it and waits only once N batches of it are in flight, for the oldest. On the logs of our own
 * that is {@code appendAsync} (a force covers every batch written before it began, so batches in flight share
 * forces); on Ratis, its {@code append} futures kept in flight the same way; every other log has no pipelined append
 * and runs synchronously whatever the depth (the log on a store's {@code appendAsync} is a {@code SYNC} append). Each
 * batch is counted when it is handed over: at the end of an iteration up to N - 1 batches per group are counted but
 * not yet acknowledged (at most 768 entries per group at batch 256 and depth 4, against millions per iteration).
 */
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Threads(8)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 2, time = 2)
@Measurement(iterations = 3, time = 3)
public class RaftLogPeerGroupsBenchmark {
    /** Bytes of payload per entry. */
    public static final int ENTRY_BYTES = 128;

    /** What all groups share: the log under test and, for ours, the one storage. */
    @State(Scope.Benchmark)
    public static class Shared {
        /** Which log. */
        @Param({"shared", "segmented", "plinth-lsm", "plinth-rocksdb", "rocksdb-raw", "ratis-log"})
        public String log;

        /** Batches of a group in flight at most: 1 waits for each batch before the next (see the class comment). */
        @Param({"1"})
        public int depth;

        Path dir;
        RaftStorage storage;
        org.rocksdb.RocksDB rocks;
        org.rocksdb.Options rocksOptions;
        org.rocksdb.WriteOptions syncWrite;
        final AtomicInteger groups = new AtomicInteger();
        final ByteString[] wrapped = new ByteString[256];
        final byte[][] payloads = new byte[256][];

        /** Opens our storage (Ratis logs are opened per group). */
        @Setup(Level.Trial)
        public void setUp() throws Exception {
            ForkHeap.warnUnlessPretouched();
            Random rnd = new Random(1);
            for (int i = 0; i < payloads.length; i++) {
                payloads[i] = new byte[ENTRY_BYTES];
                rnd.nextBytes(payloads[i]);
                wrapped[i] = UnsafeByteOperations.unsafeWrap(payloads[i]);
            }
            dir = Files.createTempDirectory("plinth-bench-raftgroups-" + log + "-");
            switch (log) {
                case "segmented" -> storage = RaftLogs.openSegmented(dir.resolve("log"));
                case "shared" -> storage = RaftLogs.openShared(dir.resolve("log"));
                case "plinth-lsm" -> storage = RaftLogs.open("lsm:" + dir.resolve("log"));
                case "plinth-rocksdb" -> storage = RaftLogs.open("rocksdb:" + dir.resolve("log"));
                case "rocksdb-raw" -> {
                    org.rocksdb.RocksDB.loadLibrary();
                    rocksOptions = new org.rocksdb.Options().setCreateIfMissing(true);
                    rocks = org.rocksdb.RocksDB.open(rocksOptions, dir.resolve("log").toString());
                    syncWrite = new org.rocksdb.WriteOptions().setSync(true);
                }
                case "ratis-log" -> { }
                default -> throw new IllegalArgumentException("unknown log " + log);
            }
        }

        /** Closes our storage and deletes every file. */
        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            if (storage != null) {
                storage.close();
            }
            if (rocks != null) {
                syncWrite.close();
                rocks.close();
                rocksOptions.close();
            }
            Targets.deleteTree(dir);
        }
    }

    /** One group, appended to by one thread. */
    @State(Scope.Thread)
    public static class Group {
        long group;
        long next = 1;
        long batches;
        /** The acknowledgements of this group's batches in flight, oldest first (with {@code depth} above 1). */
        final java.util.ArrayDeque<CompletableFuture<Long>> inFlight = new java.util.ArrayDeque<>();
        RaftStorageImpl ratisStorage;
        RaftLog ratisLog;

        /** Takes a group number and, for Ratis, opens that group's log. */
        @Setup(Level.Trial)
        public void setUp(Shared s) throws Exception {
            group = s.groups.incrementAndGet();
            if (s.log.equals("ratis-log")) {
                Path d = s.dir.resolve("ratis-" + group);
                RaftProperties properties = new RaftProperties();
                RaftServerConfigKeys.setStorageDir(properties, List.of(d.toFile()));
                ratisStorage = StorageImplUtils.newRaftStorage(d.toFile(), SizeInBytes.valueOf("1MB"),
                        StartupOption.FORMAT, RaftServerConfigKeys.Log.CorruptionPolicy.getDefault());
                ratisStorage.initialize();
                RaftGroupMemberId member = RaftGroupMemberId.valueOf(RaftPeerId.valueOf("s0"),
                        RaftGroupId.valueOf(UUID.nameUUIDFromBytes(new byte[] {(byte) group})));
                ratisLog = SegmentedRaftLog.newBuilder().setMemberId(member).setStorage(ratisStorage)
                        .setProperties(properties).build();
                ratisLog.open(RaftLog.INVALID_LOG_INDEX, null);
            }
        }

        /** Closes the group's Ratis log. */
        @TearDown(Level.Trial)
        public void tearDown() throws Exception {
            while (!inFlight.isEmpty()) {
                inFlight.removeFirst().get();
            }
            if (ratisLog != null) {
                ratisLog.close();
                ratisStorage.close();
            }
        }
    }

    /** Appends a batch of 64 to this thread's group with an fsync. */
    @Benchmark
    @OperationsPerInvocation(64)
    public void batch64(Shared s, Group g) throws Exception {
        appendBatch(s, g, 64);
    }

    /** Appends a batch of 256 to this thread's group with an fsync. */
    @Benchmark
    @OperationsPerInvocation(256)
    public void batch256(Shared s, Group g) throws Exception {
        appendBatch(s, g, 256);
    }

    private static void appendBatch(Shared s, Group g, int n) throws Exception {
        if (s.rocks != null) {
            try (org.rocksdb.WriteBatch b = new org.rocksdb.WriteBatch()) {
                for (int i = 0; i < n; i++) {
                    byte[] key = java.nio.ByteBuffer.allocate(16).putLong(g.group).putLong(g.next + i).array();
                    byte[] value = java.nio.ByteBuffer.allocate(8 + ENTRY_BYTES).putLong(1).put(s.payloads[i]).array();
                    b.put(key, value);
                }
                s.rocks.write(s.syncWrite, b);
            }
            if (++g.batches % 1000 == 0) {
                byte[] from = java.nio.ByteBuffer.allocate(16).putLong(g.group).putLong(0).array();
                byte[] to = java.nio.ByteBuffer.allocate(16).putLong(g.group).putLong(g.next + n - 1000).array();
                s.rocks.deleteRange(s.syncWrite, from, to);
            }
        } else if (g.ratisLog == null) {
            List<LogEntry> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                entries.add(new LogEntry(g.next + i, 1, s.payloads[i]));
            }
            if (s.depth > 1) {
                g.inFlight.addLast(s.storage.appendAsync(g.group, entries));
                awaitDepth(s, g);
            } else {
                s.storage.append(g.group, entries, Durability.SYNC);
            }
            if (++g.batches % 1000 == 0) {
                s.storage.purge(g.group, g.next + n - 1 - 1000, Durability.SYNC);
            }
        } else {
            List<LogEntryProto> entries = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                // A Ratis log starts at index 0.
                entries.add(LogProtoUtils.toLogEntryProto(
                        StateMachineLogEntryProto.newBuilder().setLogData(s.wrapped[i]).build(), 1, g.next - 1 + i));
            }
            List<CompletableFuture<Long>> done = g.ratisLog.append(entries);
            g.inFlight.addLast(done.get(done.size() - 1));
            awaitDepth(s, g);
            if (++g.batches % 1000 == 0) {
                g.ratisLog.purge(g.next - 1 + n - 1 - 1000);
            }
        }
        g.next += n;
    }

    /** Waits for the oldest batches of the group until fewer than {@code depth} are in flight. */
    private static void awaitDepth(Shared s, Group g) throws Exception {
        while (g.inFlight.size() > s.depth - 1) {
            g.inFlight.removeFirst().get();
        }
    }
}
