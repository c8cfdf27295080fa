package dev.plinth.etcd.history;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.etcd.history.RegisterHistory.Kind;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** The checker accepts linearizable histories and, above all, rejects the ones that are not. */
class RegisterHistoryTest {
    @Test
    void sequentialWritesAndReadsAreLinearizable() {
        RegisterHistory h = new RegisterHistory();
        h.invoke("k", Kind.READ, null, null, 0).read(1, null);
        h.invoke("k", Kind.WRITE, null, "a", 2).ok(3);
        h.invoke("k", Kind.READ, null, null, 4).read(5, "a");
        h.invoke("k", Kind.CAS, "a", "b", 6).ok(7);
        h.invoke("k", Kind.CAS, "a", "c", 8).casFailed(9);
        h.invoke("k", Kind.READ, null, null, 10).read(11, "b");
        assertThat(h.check()).isEmpty();
    }

    @Test
    void aStaleReadAfterACompletedWriteIsNot() {
        RegisterHistory h = new RegisterHistory();
        h.invoke("k", Kind.WRITE, null, "a", 0).ok(1);
        h.invoke("k", Kind.WRITE, null, "b", 2).ok(3);
        h.invoke("k", Kind.READ, null, null, 4).read(5, "a");
        assertThat(h.check()).singleElement().asString().contains("key k").contains("read() = a");
    }

    @Test
    void overlappingOperationsMayTakeEffectInEitherOrder() {
        RegisterHistory h = new RegisterHistory();
        h.invoke("k", Kind.WRITE, null, "a", 0).ok(10);
        h.invoke("k", Kind.WRITE, null, "b", 1).ok(9);
        h.invoke("k", Kind.READ, null, null, 2).read(3, "b");
        h.invoke("k", Kind.READ, null, null, 4).read(5, "a");
        assertThat(h.check()).isEmpty();
        // but a read cannot go back to b once a was read after both writes completed
        h.invoke("k", Kind.READ, null, null, 11).read(12, "a");
        h.invoke("k", Kind.READ, null, null, 13).read(14, "b");
        assertThat(h.check()).hasSize(1);
    }

    @Test
    void twoCompareAndSetsFromTheSameValueCannotBothWin() {
        RegisterHistory h = new RegisterHistory();
        h.invoke("k", Kind.WRITE, null, "0", 0).ok(1);
        h.invoke("k", Kind.CAS, "0", "x", 2).ok(5);
        h.invoke("k", Kind.CAS, "0", "y", 3).ok(6);
        assertThat(h.check()).hasSize(1);
    }

    @Test
    void aFailedCompareAndSetMustHaveSeenAnotherValue() {
        RegisterHistory h = new RegisterHistory();
        h.invoke("k", Kind.WRITE, null, "0", 0).ok(1);
        h.invoke("k", Kind.CAS, "0", "x", 2).casFailed(3);
        assertThat(h.check()).hasSize(1);
    }

    @Test
    void anUnknownWriteMayHaveHappenedOrNot() {
        RegisterHistory seen = new RegisterHistory();
        seen.invoke("k", Kind.WRITE, null, "a", 0).unknown();
        seen.invoke("k", Kind.READ, null, null, 50).read(51, "a");
        assertThat(seen.check()).isEmpty();
        RegisterHistory never = new RegisterHistory();
        never.invoke("k", Kind.WRITE, null, "a", 0).unknown();
        never.invoke("k", Kind.READ, null, null, 50).read(51, null);
        assertThat(never.check()).isEmpty();
        // but not before it was invoked, and it happens once: absent, then a, then absent again is not possible
        RegisterHistory early = new RegisterHistory();
        early.invoke("k", Kind.READ, null, null, 0).read(1, "a");
        early.invoke("k", Kind.WRITE, null, "a", 5).unknown();
        assertThat(early.check()).hasSize(1);
        RegisterHistory twice = new RegisterHistory();
        twice.invoke("k", Kind.WRITE, null, "a", 0).unknown();
        twice.invoke("k", Kind.READ, null, null, 10).read(11, "a");
        twice.invoke("k", Kind.READ, null, null, 12).read(13, null);
        assertThat(twice.check()).hasSize(1);
    }

    @Test
    void aReadOfAValueNeverWrittenIsNot() {
        RegisterHistory h = new RegisterHistory();
        h.invoke("k", Kind.WRITE, null, "a", 0).ok(1);
        h.invoke("k", Kind.READ, null, null, 2).read(3, "z");
        assertThat(h.check()).hasSize(1);
    }

    @Test
    void keysAreCheckedSeparately() {
        RegisterHistory h = new RegisterHistory();
        h.invoke("a", Kind.WRITE, null, "1", 0).ok(1);
        h.invoke("b", Kind.READ, null, null, 2).read(3, "1");
        assertThat(h.check()).singleElement().asString().startsWith("key b");
    }

    @Test
    void randomSequentialHistoriesAreLinearizableAndACorruptedReadIsCaught() {
        for (long seed = 1; seed <= 30; seed++) {
            Random rnd = new Random(seed);
            RegisterHistory h = new RegisterHistory();
            String state = null;
            long t = 0;
            RegisterHistory.Op lastRead = null;
            for (int i = 0; i < 60; i++) {
                int kind = rnd.nextInt(3);
                String v = Integer.toString(rnd.nextInt(4));
                if (kind == 0) {
                    h.invoke("k", Kind.WRITE, null, v, t++).ok(t++);
                    state = v;
                } else if (kind == 1) {
                    lastRead = h.invoke("k", Kind.READ, null, null, t++);
                    lastRead.read(t++, state);
                } else {
                    RegisterHistory.Op op = h.invoke("k", Kind.CAS, state != null && rnd.nextBoolean() ? state : "9", v, t++);
                    if (state != null && op.expected.equals(state)) {
                        op.ok(t++);
                        state = v;
                    } else {
                        op.casFailed(t++);
                    }
                }
            }
            assertThat(h.check()).as("seed %d", seed).isEmpty();
            h.invoke("k", Kind.READ, null, null, t++).read(t++, "never-written");
            assertThat(h.check()).as("seed %d with a corrupted read", seed).hasSize(1);
        }
    }
}
