package dev.plinth.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class VersionChainTest {
    private static byte[] v(int i) {
        return new byte[] {(byte) i};
    }

    private static VersionChain chainOf(int... seqs) {
        VersionChain c = new VersionChain(seqs[0], v(seqs[0]));
        for (int i = 1; i < seqs.length; i++) {
            c.installLocked(seqs[i], v(seqs[i]), false);
        }
        return c;
    }

    @Test
    void resolveFindsNewestVersionAtOrBelow() {
        VersionChain c = chainOf(2, 5, 9);
        assertThat(c.resolve(1)).isNull();
        assertThat(c.resolve(2).seq).isEqualTo(2);
        assertThat(c.resolve(8).seq).isEqualTo(5);
        assertThat(c.resolve(100).seq).isEqualTo(9);
    }

    @Test
    void pruneKeepsNewerVersionsAndTheNewestVisibleOneAndMarksTheCut() {
        VersionChain c = chainOf(1, 2, 3, 4, 5);
        assertThat(c.pruneLocked(3)).isEqualTo(2);
        assertThat(c.sizeLocked()).isEqualTo(3);
        assertThat(c.resolve(3).seq).isEqualTo(3);
        assertThat(c.resolve(4).seq).isEqualTo(4);
        assertThat(c.resolve(2)).isSameAs(VersionChain.PRUNED);
        assertThat(c.needsReclaimLocked()).isTrue();
        // Nothing new to cut at the same minimum; everything but the head at a newer one.
        assertThat(c.pruneLocked(3)).isZero();
        assertThat(c.pruneLocked(7)).isEqualTo(2);
        assertThat(c.sizeLocked()).isEqualTo(1);
        assertThat(c.needsReclaimLocked()).isFalse();
    }

    @Test
    void pruneBelowTheOldestVersionCutsNothing() {
        VersionChain c = chainOf(4, 6);
        assertThat(c.pruneLocked(3)).isZero();
        assertThat(c.resolve(3)).isNull();
        assertThat(c.sizeLocked()).isEqualTo(2);
    }

    @Test
    void aSecondWriteAtTheSameSequenceReplacesTheHead() {
        VersionChain c = chainOf(1);
        assertThat(c.installLocked(2, v(20), false)).isTrue();
        assertThat(c.installLocked(2, null, false)).isFalse();
        assertThat(c.installLocked(2, v(22), false)).isFalse();
        assertThat(c.sizeLocked()).isEqualTo(2);
        assertThat(c.resolve(2).value).isEqualTo(v(22));
        assertThat(c.resolve(1).value).isEqualTo(v(1));
    }

    @Test
    void aLoneTombstoneIsRemovableOnlyOnceEveryReaderSeesIt() {
        VersionChain c = chainOf(1);
        c.installLocked(3, null, false);
        assertThat(c.isRemovableLocked(5)).isFalse();
        c.pruneLocked(5);
        assertThat(c.isRemovableLocked(2)).isFalse();
        assertThat(c.isRemovableLocked(5)).isTrue();
        assertThat(c.resolve(2)).isSameAs(VersionChain.PRUNED);
    }
}
