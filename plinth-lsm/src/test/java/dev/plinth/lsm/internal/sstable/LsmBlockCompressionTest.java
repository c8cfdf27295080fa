package dev.plinth.lsm.internal.sstable;

import static org.assertj.core.api.Assertions.assertThat;

import io.airlift.compress.lz4.Lz4Compressor;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The table writers' LZ4 compressor (aircompressor's, which keeps its hash table) writes what the bounds-checked
 * decompressor tables are read with (lz4-java's) reads back exactly, one compressor for many blocks in a row (its table carries stale positions from block to block), for
 * every size from empty to past the 64 KiB offset limit and data from incompressible to runs.
 */
class LsmBlockCompressionTest {
    private static byte[] data(Random rnd, int n, int style) {
        byte[] b = new byte[n];
        switch (style) {
            case 0 -> rnd.nextBytes(b); // incompressible
            case 1 -> Arrays.fill(b, (byte) 7); // one long run
            case 2 -> { // table-like: repeated prefixes, random tails
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) (i % 37 < 20 ? "key-0000000-prefix-".charAt(i % 37 % 19) : rnd.nextInt(256));
                }
            }
            default -> { // words from a small alphabet: many short matches
                for (int i = 0; i < n; i++) {
                    b[i] = (byte) ('a' + rnd.nextInt(4));
                }
            }
        }
        return b;
    }

    @Test
    void everyBlockRoundTripsThroughTheCheckedDecompressor() {
        Random rnd = new Random(11);
        Lz4Compressor c = new Lz4Compressor();
        int[] sizes = {0, 1, 4, 11, 12, 13, 14, 17, 20, 64, 100, 255, 270, 1000, 4096, 4200, 65535, 65536, 70000,
                200_000};
        int compressedSome = 0;
        for (int round = 0; round < 3; round++) {
            for (int n : sizes) {
                for (int style = 0; style < 4; style++) {
                    byte[] raw = data(rnd, n, style);
                    byte[] out = new byte[BlockCompression.maxStoredLength(n) + 7];
                    Arrays.fill(out, (byte) 0x5A);
                    out[0] = (byte) n;
                    out[1] = (byte) (n >>> 8);
                    out[2] = (byte) (n >>> 16);
                    out[3] = (byte) (n >>> 24);
                    int len = 4 + c.compress(raw, 0, n, out, 4, out.length - 4);
                    assertThat(len).isLessThanOrEqualTo(BlockCompression.maxStoredLength(n));
                    assertThat(BlockCompression.decompress(out, len)).as("%d bytes, style %d", n, style).isEqualTo(raw);
                    if (len < n / 2) {
                        compressedSome++;
                    }
                }
            }
        }
        assertThat(compressedSome).as("blocks it halved").isGreaterThan(30);
    }

    @Test
    void aTableBlockIsStoredCompressedWhenThatPays() {
        byte[] raw = data(new Random(1), 4096, 2);
        byte[] out = new byte[BlockCompression.maxStoredLength(raw.length)];
        int n = BlockCompression.compress(new Lz4Compressor(), raw, raw.length, out);
        assertThat(n).isPositive().isLessThan(raw.length - raw.length / BlockCompression.MIN_SAVING_DIVISOR);
        assertThat(BlockCompression.decompress(out, n)).isEqualTo(raw);
        byte[] noise = data(new Random(2), 4096, 0);
        assertThat(BlockCompression.compress(new Lz4Compressor(), noise, noise.length, out)).isEqualTo(-1);
    }
}
