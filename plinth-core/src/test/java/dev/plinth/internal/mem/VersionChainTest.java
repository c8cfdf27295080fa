package dev.plinth.internal.mem;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.ByteBuffer;
import java.util.concurrent.atomic.AtomicReference;
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
    void valueAtAnswersAsResolveDoesThroughTheCopiedHeadOrTheNodes() {
        VersionChain c = chainOf(2, 5, 9);
        for (long at = 0; at <= 12; at++) {
            VersionChain.Version v = c.resolve(at);
            assertThat(c.valueAt(at)).as("at %d", at).isEqualTo(v == null ? null : v.value);
        }
        c.installLocked(9, null, false);
        assertThat(c.valueAt(9)).as("a tombstone replacing the head's value").isNull();
        assertThat(c.valueAt(5)).isEqualTo(v(5));
        c.installLocked(11, v(11), false);
        c.pruneLocked(11);
        assertThat(c.valueAt(11)).isEqualTo(v(11));
        assertThat(c.valueAt(10)).as("a reclaimed version").isSameAs(VersionChain.RECLAIMED);
    }

    /**
     * A writer installs versions (replacing some within their unpublished sequence number) and publishes
     * each; readers at the published number must get exactly its value, never a value of another version
     * paired with the copied head's sequence number.
     */
    @Test
    void valueAtNeverPairsOneVersionsNumberWithAnothersValue() throws Exception {
        VersionChain c = new VersionChain(1, valueOf(1, 1));
        int last = 200_000;
        long[] published = new long[] {1};
        Object lock = new Object();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread[] readers = new Thread[2];
        for (int r = 0; r < readers.length; r++) {
            readers[r] = new Thread(() -> {
                try {
                    long p;
                    do {
                        synchronized (lock) {
                            p = published[0];
                        }
                        byte[] v = c.valueAt(p);
                        if (v == VersionChain.RECLAIMED) {
                            continue; // the writer pruned past this reader, which registered nothing
                        }
                        ByteBuffer b = ByteBuffer.wrap(v);
                        long seq = b.getLong();
                        long variant = b.getLong();
                        if (seq != p || variant != 1) {
                            throw new AssertionError("at " + p + " read the value of " + seq + " (variant " + variant + ")");
                        }
                    } while (p < last);
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            readers[r].start();
        }
        for (int n = 2; n <= last; n++) {
            c.installLocked(n, valueOf(n, 0), false);
            c.installLocked(n, valueOf(n, 1), false); // the batch's later write of the key wins
            synchronized (lock) {
                published[0] = n;
            }
            if (n % 64 == 0) {
                c.pruneLocked(n - 32); // no reader is older than the last few published numbers here
            }
        }
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
    }

    private static byte[] valueOf(long seq, long variant) {
        return ByteBuffer.allocate(16).putLong(seq).putLong(variant).array();
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
