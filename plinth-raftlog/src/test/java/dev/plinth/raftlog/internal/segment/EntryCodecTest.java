package dev.plinth.raftlog.internal.segment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.raftlog.LogEntry;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** The stored form of one entry: when it is compressed, that it round-trips, and that damage is caught. */
class EntryCodecTest {

    private static byte[] repeated(int n) {
        byte[] p = new byte[n];
        Arrays.fill(p, (byte) 'x');
        return p;
    }

    @Test
    void aCompressiblePayloadIsStoredCompressedAndRoundTrips() {
        byte[] p = repeated(1000);
        EntryCodec.Stored s = EntryCodec.store(new LogEntry(1, 1, p), true);
        assertThat(s.lengthField() & EntryCodec.LZ4_FLAG).isNotZero();
        assertThat(s.bytes().length).isLessThan(100).isEqualTo(EntryCodec.storedLength(s.lengthField()));
        assertThat(EntryCodec.payload(s.lengthField(), EntryCodec.crc(s.bytes(), 0, s.bytes().length), s.bytes()))
                .isEqualTo(p);
    }

    @Test
    void shortIncompressibleOrUncompressedPayloadsAreStoredAsTheyAre() {
        byte[] random = new byte[512];
        new Random(7).nextBytes(random);
        byte[] shortOne = repeated(EntryCodec.MIN_COMPRESSED_PAYLOAD - 1);
        for (EntryCodec.Stored s : new EntryCodec.Stored[] {EntryCodec.store(new LogEntry(1, 1, random), true),
                EntryCodec.store(new LogEntry(1, 1, shortOne), true),
                EntryCodec.store(new LogEntry(1, 1, repeated(1000)), false)}) {
            assertThat(s.lengthField() & EntryCodec.LZ4_FLAG).isZero();
            assertThat(s.lengthField()).isEqualTo(s.bytes().length);
        }
    }

    @Test
    void aFlippedStoredByteFailsTheCrcBeforeDecompression() {
        EntryCodec.Stored s = EntryCodec.store(new LogEntry(1, 1, repeated(1000)), true);
        int crc = EntryCodec.crc(s.bytes(), 0, s.bytes().length);
        for (int i = 0; i < s.bytes().length; i++) {
            byte[] damaged = s.bytes().clone();
            damaged[i] ^= 0x20;
            assertThat(EntryCodec.payload(s.lengthField(), crc, damaged)).as("byte " + i).isNull();
        }
    }

    @Test
    void compressedBytesThatPassTheirCrcButDoNotDecompressAreRefused() {
        EntryCodec.Stored s = EntryCodec.store(new LogEntry(1, 1, repeated(1000)), true);
        byte[] wrongLength = s.bytes().clone();
        ByteBuffer.wrap(wrongLength).putInt(0, 999);
        byte[] garbage = ByteBuffer.allocate(12).putInt(100).putLong(-1L).array();
        byte[] tooBig = ByteBuffer.allocate(8).putInt(Integer.MAX_VALUE).array();
        for (byte[] b : new byte[][] {wrongLength, garbage, tooBig, new byte[] {1, 2}}) {
            int crc = EntryCodec.crc(b, 0, b.length);
            assertThatThrownBy(() -> EntryCodec.payload(b.length | EntryCodec.LZ4_FLAG, crc, b))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("compressed payload");
        }
    }

    @Test
    void skipRefusesAnEntryRunningPastItsRecord() {
        ByteBuffer b = ByteBuffer.allocate(EntryCodec.ENTRY_HEADER + 3).putLong(1).putInt(10 | EntryCodec.LZ4_FLAG)
                .putInt(0).put(new byte[3]).flip();
        assertThatThrownBy(() -> EntryCodec.skip(b)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("running past");
    }

    @Test
    void compressionRunsInTheNativeLibraryWhereLz4JavaShipsOne() {
        String arch = System.getProperty("os.arch");
        Assumptions.assumeTrue(System.getProperty("os.name").startsWith("Linux")
                && (arch.equals("amd64") || arch.equals("aarch64")), "lz4-java ships its library for this platform");
        assertThat(EntryCodec.nativeCompression()).as("lz4-java's JNI compressor loaded").isTrue();
        // What the native compressor writes, the pure Java bounds-checked decompressor reads.
        byte[] p = new byte[4096];
        for (int i = 0; i < p.length; i++) {
            p[i] = (byte) ("term=1 key=k" + (i % 97)).charAt(i % 11);
        }
        EntryCodec.Stored s = EntryCodec.store(new LogEntry(1, 1, p), true);
        assertThat(s.lengthField() & EntryCodec.LZ4_FLAG).isNotZero();
        assertThat(EntryCodec.payload(s.lengthField(), EntryCodec.crc(s.bytes(), 0, s.bytes().length), s.bytes()))
                .isEqualTo(p);
    }

    @Test
    void storingAnUncompressedEntryLeavesTheEntryAsItWas() {
        byte[] p = repeated(100);
        LogEntry e = new LogEntry(3, 2, p);
        EntryCodec.put(ByteBuffer.allocate(EntryCodec.ENTRY_HEADER + 100), 2, EntryCodec.store(e, false));
        assertThat(e).isEqualTo(new LogEntry(3, 2, repeated(100)));
    }
    /**
     * The stored bytes read in place from a buffer, direct (the read path's per-thread buffer) or heap, amid other
     * bytes: the payload comes back, compressed or not; a flipped byte is caught; the buffer's limit is kept.
     */
    @Test
    void storedBytesInADirectOrHeapBufferAreCheckedAndDecodedInPlace() {
        byte[] random = new byte[300];
        new Random(9).nextBytes(random);
        for (byte[] p : new byte[][] {random, repeated(1000)}) {
            EntryCodec.Stored s = EntryCodec.store(new LogEntry(1, 1, p), true);
            int crc = EntryCodec.crc(s.bytes(), 0, s.bytes().length);
            for (ByteBuffer b : new ByteBuffer[] {ByteBuffer.allocateDirect(2000), ByteBuffer.allocate(2000)}) {
                b.position(37);
                b.put(s.bytes());
                b.limit(1900).position(5);
                assertThat(EntryCodec.payload(s.lengthField(), crc, b, 37, s.bytes().length)).isEqualTo(p);
                assertThat(b.limit()).isEqualTo(1900);
                b.put(40, (byte) (b.get(40) ^ 1));
                assertThat(EntryCodec.payload(s.lengthField(), crc, b, 37, s.bytes().length)).isNull();
                assertThat(b.limit()).isEqualTo(1900);
            }
        }
    }
}
