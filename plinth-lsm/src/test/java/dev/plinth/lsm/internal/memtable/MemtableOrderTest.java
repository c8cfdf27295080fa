package dev.plinth.lsm.internal.memtable;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import dev.plinth.lsm.internal.key.Entry;
import dev.plinth.lsm.internal.key.EntryIterator;
import dev.plinth.lsm.internal.key.Kind;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.NavigableSet;
import java.util.Random;
import java.util.TreeSet;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The memtable's own skip list ({@link EntrySkipList}) keeps {@link Entry#ORDER} exactly as a sorted set
 * does: seeded random entries whose keys agree in long runs of bytes, differ only past their 16-byte heads,
 * or are prefixes of each other padded with zeros (where the heads alone cannot decide), in several
 * keyspaces, checked through every reading method ({@code all}, {@code newest}, forward and reverse
 * iterators with and without a start, {@code seek}); and readers beside one writer find every entry the
 * writer has published (by {@code newest} and by a forward and a reverse seek) and see only sorted entries.
 * A failure names its seed; {@code -Dplinth.seed=N} replays one.
 */
class MemtableOrderTest {
    private static final int SEEDS = 60;

    private static byte[] key(Random rnd) {
        int shape = rnd.nextInt(4);
        int length = switch (shape) {
            case 0 -> rnd.nextInt(9); // within the first head, zeros included
            case 1 -> 14 + rnd.nextInt(5); // around the 16-byte heads
            default -> 16 + rnd.nextInt(8); // past them: equal heads, arrays decide
        };
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) {
            k[i] = (byte) (shape >= 2 && i < 16 ? 7 : rnd.nextInt(3) * 0x7F); // 0x00, 0x7F, 0xFE
        }
        return k;
    }

    private static List<Long> seeds() {
        String one = System.getProperty("plinth.seed");
        List<Long> seeds = new ArrayList<>();
        if (one != null && !one.isBlank()) {
            seeds.add(Long.parseLong(one));
        } else {
            for (long s = 1; s <= SEEDS; s++) {
                seeds.add(s);
            }
        }
        return seeds;
    }

    @Test
    void everyReadAgreesWithASortedSet() {
        for (long seed : seeds()) {
            Random rnd = new Random(seed);
            Memtable mem = new Memtable();
            NavigableSet<Entry> model = new TreeSet<>(Entry.ORDER);
            int n = 1 + rnd.nextInt(600);
            List<byte[]> keys = new ArrayList<>();
            for (long seq = 1; seq <= n; seq++) {
                byte[] k = keys.isEmpty() || rnd.nextInt(3) > 0 ? key(rnd) : keys.get(rnd.nextInt(keys.size()));
                keys.add(k);
                Entry e = new Entry(rnd.nextInt(3), k, seq, Kind.PUT, new byte[] {(byte) seq});
                mem.add(e);
                model.add(e);
            }
            List<Entry> all = new ArrayList<>();
            mem.all().forEachRemaining(all::add);
            assertThat(all).as("seed %d: all()", seed).containsExactlyElementsOf(model);
            for (int probe = 0; probe < 200; probe++) {
                int ks = rnd.nextInt(4);
                byte[] k = rnd.nextBoolean() ? keys.get(rnd.nextInt(keys.size())) : key(rnd);
                long maxSeq = rnd.nextInt(n + 2);
                Entry c = model.ceiling(new Entry(ks, k, maxSeq, (byte) 0, null));
                Entry want = c != null && c.keyspace() == ks && java.util.Arrays.equals(c.key(), k) ? c : null;
                assertThat(mem.newest(ks, k, maxSeq)).as("seed %d: newest", seed).isSameAs(want);

                byte[] from = rnd.nextInt(4) == 0 ? null : k;
                boolean reverse = rnd.nextBoolean();
                assertThat(walk(mem.iterator(ks, from, reverse))).as("seed %d: iterator %s", seed, reverse)
                        .containsExactlyElementsOf(expected(model, ks, from, reverse));
                EntryIterator it = mem.iterator(ks, null, reverse);
                byte[] again = rnd.nextBoolean() ? null : key(rnd);
                it.seek(again);
                assertThat(walk(it)).as("seed %d: seek %s", seed, reverse)
                        .containsExactlyElementsOf(expected(model, ks, again, reverse));
            }
        }
    }

    private static List<Entry> walk(EntryIterator it) {
        List<Entry> out = new ArrayList<>();
        for (Entry e = it.current(); e != null; it.next(), e = it.current()) {
            out.add(e);
        }
        return out;
    }

    private static List<Entry> expected(NavigableSet<Entry> model, int ks, byte[] from, boolean reverse) {
        List<Entry> out = new ArrayList<>();
        Iterator<Entry> it = reverse ? model.descendingIterator() : model.iterator();
        while (it.hasNext()) {
            Entry e = it.next();
            if (e.keyspace() != ks) {
                continue;
            }
            int c = from == null ? 0 : java.util.Arrays.compareUnsigned(e.key(), from);
            if (reverse ? c <= 0 : c >= 0) {
                out.add(e);
            }
        }
        return out;
    }

    @Test
    void aDuplicatePositionIsKeptOnce() {
        EntrySkipList list = new EntrySkipList();
        Entry e = new Entry(0, new byte[] {1, 2}, 5, Kind.PUT, new byte[] {9});
        assertThat(list.add(e)).isTrue();
        assertThat(list.add(new Entry(0, new byte[] {1, 2}, 5, Kind.DELETE, null))).isFalse();
        assertThat(list.first().entry).isSameAs(e);
        assertThat(list.first().next(0)).isNull();
    }

    @Test
    void aSecondWriterAddingAtTheSameTimeFails() throws Exception {
        assertThat(EntrySkipList.class.desiredAssertionStatus()).as("the check runs with -ea only").isTrue();
        EntrySkipList list = new EntrySkipList();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] writers = new Thread[2];
        for (int w = 0; w < writers.length; w++) {
            int ks = w;
            writers[w] = new Thread(() -> {
                try {
                    start.await();
                    for (long seq = 1; seq <= 200_000 && failure.get() == null; seq++) {
                        list.add(new Entry(ks, new byte[] {(byte) (seq >>> 8), (byte) seq}, seq, Kind.PUT, null));
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "writer-" + w);
            writers[w].setDaemon(true); // without the check, two writers can link a node to itself and loop
            writers[w].start();
        }
        start.countDown();
        assertTimeoutPreemptively(Duration.ofMinutes(2), () -> {
            for (Thread t : writers) {
                t.join();
            }
        }, "two writers at once ran into each other without the check");
        assertThat(failure.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("one writer at a time").hasMessageContaining("was adding");
    }

    @Test
    void readersBesideTheWriterFindEveryPublishedEntryInOrder() throws Exception {
        int count = 200_000;
        int checks = 100_000; // per reader, whether the writer is still running or not
        byte[][] keys = new byte[count + 1][];
        Random keyRnd = new Random(42);
        for (int seq = 1; seq <= count; seq++) {
            keys[seq] = new byte[16];
            if (seq % 2 == 0) { // each before every key so far: readers' searches pass the node being linked
                ByteBuffer.wrap(keys[seq], 8, 8).putLong(count - seq);
            } else {
                keyRnd.nextBytes(keys[seq]);
                keys[seq][0] |= 1;
            }
        }
        Memtable mem = new Memtable();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        AtomicLong whileWriting = new AtomicLong();
        CountDownLatch start = new CountDownLatch(1);
        Thread[] readers = new Thread[2];
        Watermark watermark = new Watermark();
        Thread writer = new Thread(() -> {
            try {
                start.await();
                for (int seq = 1; seq <= count; seq++) {
                    mem.add(new Entry(0, keys[seq], seq, Kind.PUT, keys[seq]));
                    watermark.value = seq;
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        });
        writer.start();
        for (int r = 0; r < readers.length; r++) {
            long seed = r;
            readers[r] = new Thread(() -> {
                try {
                    Random rnd = new Random(seed);
                    start.await();
                    for (int done = 0; done < checks && failure.get() == null; ) {
                        int w = watermark.value;
                        if (w == 0) {
                            Thread.onSpinWait();
                            continue;
                        }
                        boolean writing = writer.isAlive();
                        byte[] k = keys[1 + rnd.nextInt(w)];
                        Entry got = mem.newest(0, k, Long.MAX_VALUE);
                        assertThat(got).as("newest of a key at or below watermark %d", w).isNotNull();
                        assertThat(got.key()).isEqualTo(k);
                        for (boolean reverse : new boolean[] {false, true}) {
                            EntryIterator it = mem.iterator(0, null, reverse);
                            it.seek(k);
                            assertThat(it.current()).as("seek %s to a key at or below watermark %d", reverse, w)
                                    .isNotNull();
                            assertThat(it.current().key()).isEqualTo(k);
                        }
                        if (done % 1000 == 0) {
                            checkOrder(mem, done % 2000 == 0);
                        }
                        done++;
                        if (writing) {
                            whileWriting.incrementAndGet();
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            });
            readers[r].start();
        }
        start.countDown();
        writer.join();
        for (Thread t : readers) {
            t.join();
        }
        assertThat(failure.get()).isNull();
        assertThat(whileWriting.get()).as("checks made while the writer ran").isPositive();
        List<Entry> all = new ArrayList<>();
        mem.all().forEachRemaining(all::add);
        assertThat(all).hasSize(count).isSortedAccordingTo(Entry.ORDER);
    }

    /** The writer's count of entries added, written after each add: a reader that reads it sees them. */
    private static final class Watermark {
        volatile int value;
    }

    private static void checkOrder(Memtable mem, boolean reverse) {
        Entry last = null;
        int seen = 0;
        for (EntryIterator it = mem.iterator(0, null, reverse); it.current() != null && seen < 2000;
                it.next(), seen++) {
            Entry e = it.current();
            if (last != null) {
                int c = Entry.ORDER.compare(last, e);
                assertThat(reverse ? c > 0 : c < 0).as("%s then %s", last, e).isTrue();
            }
            last = e;
        }
    }
}
