package dev.plinth.lsm.internal.memtable;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.Kind;
import java.nio.ByteBuffer;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * A node of {@link EntrySkipList} must be whole before a reader can reach it: its successors set before it is
 * linked in. The writer here puts every entry in front of all the others, so each node but the first one added
 * has a successor at level 0 from the moment it is linked, and readers hammer the front of the list: a reader
 * that reaches a node whose successor is not set yet (a publish in the wrong order) sees it as the end of the
 * list. Tried against an {@code add} that links a node before it sets its successors (not committed): caught in
 * each of 5 runs on a loaded 2-core x86 machine, in the first to third of {@link #ROUNDS} rounds. It catches
 * stores made in the wrong order; it does not catch a link made with a plain store instead of a release store
 * (2 runs of that passed): x86 keeps stores in order, and that takes jcstress or another memory model.
 */
class EntrySkipListPublishTest {
    /** Entries per round. */
    private static final int ENTRIES = 100_000;
    /** Rounds, each with a new list and new threads (so that they start together again). */
    private static final int ROUNDS = Integer.getInteger("plinth.skipListPublishRounds", 10);

    private static byte[] key(int seq) {
        return ByteBuffer.allocate(8).putLong(ENTRIES - (long) seq).array(); // each before every key so far
    }

    @Test
    void readersNeverReachANodeWhoseSuccessorIsNotSetYet() throws Exception {
        long reached = 0;
        for (int round = 0; round < ROUNDS; round++) {
            reached += round(round);
        }
        assertThat(reached).as("nodes the reader reached while the writer added").isPositive();
    }

    /** One round; returns how many nodes the reader reached (besides the first one added). */
    private static long round(int round) throws Exception {
        EntrySkipList list = new EntrySkipList();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong reachedNotFirst = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        Thread writer = new Thread(() -> {
            try {
                start.await();
                for (int seq = 1; seq <= ENTRIES && failure.get() == null; seq++) {
                    byte[] k = key(seq);
                    list.add(new Entry(0, k, seq, Kind.PUT, k));
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "skip-list-publish-writer");
        Thread reader = new Thread(() -> {
            try {
                start.await();
                while (writer.isAlive() && failure.get() == null) {
                    EntrySkipList.Node front = list.first();
                    if (front == null || front.entry.seq() == 1) {
                        continue;
                    }
                    reachedNotFirst.incrementAndGet();
                    EntrySkipList.Node after = front.next(0);
                    if (after == null) {
                        throw new AssertionError("a reader reached the node of sequence " + front.entry.seq()
                                + " before its successor was set: it was linked in before it was whole");
                    }
                    if (after.entry.seq() >= front.entry.seq()) {
                        throw new AssertionError("the node of sequence " + front.entry.seq() + " is followed by"
                                + " that of " + after.entry.seq() + ", added before it and so after it in order");
                    }
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        }, "skip-list-publish-reader");
        writer.start();
        reader.start();
        start.countDown();
        writer.join();
        reader.join();
        assertThat(failure.get()).as("round %d", round).isNull();
        int n = 0;
        for (EntrySkipList.Node x = list.first(); x != null; x = x.next(0)) {
            n++;
        }
        assertThat(n).isEqualTo(ENTRIES);
        return reachedNotFirst.get();
    }
}
