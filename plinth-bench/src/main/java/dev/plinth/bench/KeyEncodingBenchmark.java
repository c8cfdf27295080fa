package dev.plinth.bench;

import dev.plinth.keys.KeyReader;
import dev.plinth.keys.KeyWriter;
import dev.plinth.keys.Tuple;
import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Encoding and decoding the keys Plinth's layers build: a quad key of four integer ids (the quad store), a
 * (collection, document id, sequence) key (the document store), and a fixed 8-byte log index (the Raft log);
 * through {@link Tuple} and through the allocation-light {@link KeyWriter}/{@link KeyReader}, beside a plain
 * {@link ByteBuffer} of fixed-width longs as the floor.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Threads(1)
@Fork(value = 1, jvmArgsAppend = {"-Xms1g", "-Xmx1g", "-XX:+AlwaysPreTouch"})
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
public class KeyEncodingBenchmark {
    private final KeyWriter writer = new KeyWriter(64);
    private long id = 1_000_003;
    private final byte[] quadKey = Tuple.of(1_000_003L, 17L, 1_234_567L, 3L).pack();
    private final byte[] docKey = Tuple.of("users", "user-0000042", 12_345L).pack();
    private final byte[] logKey = new KeyWriter().writeFixedLong(123_456_789L).toByteArray();

    private long next() {
        return id = id * 6364136223846793005L + 1442695040888963407L >>> 20;
    }

    /** A quad key through {@link Tuple}. */
    @Benchmark
    public byte[] quadPackTuple() {
        long s = next();
        return Tuple.of(s, 17L, s ^ 0x5555, 3L).pack();
    }

    /** The same bytes through {@link KeyWriter}. */
    @Benchmark
    public byte[] quadPackWriter() {
        long s = next();
        return writer.reset().writeLong(s).writeLong(17).writeLong(s ^ 0x5555).writeLong(3).toByteArray();
    }

    /** Four fixed-width longs in a {@link ByteBuffer}: the floor, without order for negatives or type codes. */
    @Benchmark
    public byte[] quadPackByteBuffer() {
        long s = next();
        return ByteBuffer.allocate(32).putLong(s).putLong(17).putLong(s ^ 0x5555).putLong(3).array();
    }

    /** A quad key decoded into a {@link Tuple}. */
    @Benchmark
    public Tuple quadUnpackTuple() {
        return Tuple.unpack(quadKey);
    }

    /** A quad key decoded element by element. */
    @Benchmark
    public long quadUnpackReader() {
        KeyReader r = new KeyReader(quadKey);
        return r.readLong() + r.readLong() + r.readLong() + r.readLong();
    }

    /** A document key through {@link Tuple}. */
    @Benchmark
    public byte[] documentPackTuple() {
        return Tuple.of("users", "user-0000042", next()).pack();
    }

    /** A document key through {@link KeyWriter}. */
    @Benchmark
    public byte[] documentPackWriter() {
        return writer.reset().writeString("users").writeString("user-0000042").writeLong(next()).toByteArray();
    }

    /** A document key decoded into a {@link Tuple}. */
    @Benchmark
    public Tuple documentUnpackTuple() {
        return Tuple.unpack(docKey);
    }

    /** A log index as a fixed field. */
    @Benchmark
    public byte[] logIndexPack() {
        return writer.reset().writeFixedLong(next()).toByteArray();
    }

    /** A log index read back. */
    @Benchmark
    public long logIndexUnpack() {
        return new KeyReader(logKey).readFixedLong();
    }
}
