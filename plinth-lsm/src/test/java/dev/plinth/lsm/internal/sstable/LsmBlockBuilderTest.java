package dev.plinth.lsm.internal.sstable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.lsm.internal.key.Kind;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The reusing block builder writes, block after block, exactly the bytes {@link BlockCodec} writes. */
class LsmBlockBuilderTest {
    @Test
    void writesTheSameBytesAsTheCodecBlockAfterBlock() {
        Random rnd = new Random(3);
        BlockBuilder b = new BlockBuilder();
        byte[] scratch = new byte[300];
        for (int block = 0; block < 50; block++) {
            BlockCodec c = new BlockCodec();
            b.reset();
            int n = block == 0 ? 0 : 1 + rnd.nextInt(block < 10 ? 40 : 400); // block 0: empty
            byte[] prefix = new byte[rnd.nextInt(20)];
            rnd.nextBytes(prefix);
            int k = 0;
            for (int i = 0; i < n; i++) {
                k += rnd.nextInt(3) == 0 ? 0 : 1 + rnd.nextInt(50); // equal keys: several versions
                byte[] ikey = (new String(prefix, java.nio.charset.StandardCharsets.ISO_8859_1)
                        + String.format("%08d", k) + "x".repeat(rnd.nextInt(100))).getBytes(
                        java.nio.charset.StandardCharsets.ISO_8859_1);
                if (rnd.nextBoolean()) { // a key in a buffer longer than it, as compaction passes them
                    System.arraycopy(ikey, 0, scratch, 0, ikey.length);
                }
                byte kind = rnd.nextInt(4) == 0 ? Kind.DELETE : Kind.PUT;
                byte[] value = kind == Kind.PUT ? new byte[rnd.nextInt(300)] : null;
                if (value != null) {
                    rnd.nextBytes(value);
                }
                long seq = rnd.nextLong() >>> 1;
                c.add(ikey, seq, kind, value);
                int off = value == null ? 0 : rnd.nextInt(5);
                byte[] slice = value == null ? null : new byte[off + value.length + 3];
                if (value != null) {
                    System.arraycopy(value, 0, slice, off, value.length);
                }
                byte[] keyArg = Arrays.equals(scratch, 0, ikey.length, ikey, 0, ikey.length) ? scratch : ikey;
                b.add(keyArg, ikey.length, seq, kind, slice, off, value == null ? 0 : value.length);
                assertThat(b.count()).isEqualTo(c.count());
                assertThat(b.sizeEstimate()).isEqualTo(c.sizeEstimate());
            }
            byte[] expected = c.finish();
            int len = b.finish();
            assertThat(Arrays.copyOf(b.buffer(), len)).as("block %d of %d entries", block, n).isEqualTo(expected);
        }
    }
}
