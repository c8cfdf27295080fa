package dev.plinth.testkit.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves each kind of damage lands exactly where asked, changes nothing else, and is durable. */
class CorruptionTest {
    @TempDir
    Path dir;

    private static byte[] pattern(int n) {
        byte[] b = new byte[n];
        for (int i = 0; i < n; i++) {
            b[i] = (byte) (i + 1);
        }
        return b;
    }

    private static void writeDurable(Vfs vfs, String name, byte[] content) {
        try (VfsFile f = vfs.create(name)) {
            f.append(ByteBuffer.wrap(content));
            f.force();
        }
        vfs.syncDirectory("");
    }

    @Test
    void flipBitsChangesExactlyThoseBitsAndSurvivesPowerLoss() {
        MemVfs vfs = new MemVfs(1);
        writeDurable(vfs, "t", pattern(64));
        Corruption.flipBits(vfs, "t", 17, 0b1000_0001);
        vfs.powerLoss(PowerLoss.dropUnsynced());
        byte[] expected = pattern(64);
        expected[17] ^= (byte) 0b1000_0001;
        assertThat(VfsContract.readAll(vfs, "t")).containsExactly(expected);
    }

    @Test
    void aSeededRandomFlipIsOneBitInTheRangeAndRepeatable() {
        for (long seed = 0; seed < 50; seed++) {
            MemVfs vfs = new MemVfs(1);
            writeDurable(vfs, "t", pattern(64));
            Corruption.Flip flip = Corruption.flipRandomBit(vfs, "t", 32, 48, seed);
            assertThat(flip).isEqualTo(Corruption.flipRandomBit(copyOf(pattern(64)), "t", 32, 48, seed));
            assertThat(flip.offset()).isBetween(32L, 47L);
            byte[] after = VfsContract.readAll(vfs, "t");
            byte[] expected = pattern(64);
            expected[(int) flip.offset()] ^= (byte) (1 << flip.bit());
            assertThat(after).containsExactly(expected);
        }
    }

    private static Vfs copyOf(byte[] content) {
        MemVfs vfs = new MemVfs(1);
        writeDurable(vfs, "t", content);
        return vfs;
    }

    @Test
    void zeroClearsExactlyTheBlockOnRealFiles() {
        Vfs vfs = NioVfs.at(dir);
        writeDurable(vfs, "t", pattern(100));
        Corruption.zero(vfs, "t", 10, 20);
        byte[] expected = pattern(100);
        java.util.Arrays.fill(expected, 10, 30, (byte) 0);
        assertThat(VfsContract.readAll(vfs, "t")).containsExactly(expected);
        assertThatThrownBy(() -> Corruption.zero(vfs, "t", 90, 20)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void truncateCutsTheFileAndSurvivesPowerLoss() {
        MemVfs vfs = new MemVfs(1);
        writeDurable(vfs, "t", pattern(100));
        Corruption.truncate(vfs, "t", 37);
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(VfsContract.readAll(vfs, "t")).containsExactly(java.util.Arrays.copyOf(pattern(100), 37));
        assertThatThrownBy(() -> Corruption.truncate(vfs, "t", 37)).isInstanceOf(IllegalArgumentException.class);
    }
}
