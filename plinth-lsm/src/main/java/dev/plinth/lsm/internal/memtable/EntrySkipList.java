package dev.plinth.lsm.internal.memtable;

import dev.plinth.lsm.internal.key.Entry;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.NoSuchElementException;
import java.util.concurrent.atomic.AtomicReference;

/**
 * The memtable's entries in {@link Entry#ORDER}: a skip list for one writer and any number of readers, in the
 * manner of LevelDB's memtable. It replaces the JDK's {@code ConcurrentSkipListSet}, whose insert was most of
 * a put's CPU in the fill's profile (docs/performance.md, "The lsm fill's writer: a memtable of its own", has
 * the command and the figures): each step of its search went from an index object to a node to the
 * {@link Entry} to the key's array before it could compare. Here a node carries its entry's keyspace and the
 * first 16 bytes of its key as two big-endian longs, so a step reads the node and its array of successors
 * and compares integers; only keys that agree in those 16 bytes (zero-padded) compare their arrays.
 *
 * <p>Thread safety: {@link #add} is called by one thread at a time (the engine's write lock, or recovery's
 * single thread); with assertions on, a second thread that enters it while another is inside fails with
 * an {@link IllegalStateException} (the splice and the height generator are the writer's alone). A new
 * node's successors are set before a release store links it in, bottom level first, and readers follow
 * links with acquire loads, so a reader sees every node it reaches whole; a reader that runs beside an
 * insert may or may not see the new entry (readers ignore entries above the sequence number they read at,
 * and the engine publishes a batch only once it is inserted). Nothing is ever removed.
 */
final class EntrySkipList {
    /** Levels at most: with a fan-out of 4, enough for tens of millions of entries. */
    static final int MAX_HEIGHT = 12;
    private static final VarHandle NEXT = MethodHandles.arrayElementVarHandle(Node[].class);

    /** One entry with its search fields and its successors, one per level of its height. */
    static final class Node {
        final Entry entry;
        final int keyspace;
        /** The key's bytes 0 to 7 and 8 to 15, big-endian, zero where the key is shorter. */
        final long head0;
        final long head1;
        final Node[] next;

        Node(Entry entry, int keyspace, long head0, long head1, int height) {
            this.entry = entry;
            this.keyspace = keyspace;
            this.head0 = head0;
            this.head1 = head1;
            this.next = new Node[height];
        }

        Node next(int level) {
            return (Node) NEXT.getAcquire(next, level);
        }
    }

    /** A position in {@link Entry#ORDER} to search for, with its key's heads computed once. */
    private record Target(int keyspace, long head0, long head1, byte[] key, long seq) {
        static Target of(int keyspace, byte[] key, long seq) {
            return new Target(keyspace, head(key, 0), head(key, 8), key, seq);
        }

        static Target of(Node n) {
            return new Target(n.keyspace, n.head0, n.head1, n.entry.key(), n.entry.seq());
        }
    }

    /** Before every entry; its entry is {@code null} and it is never compared. */
    private final Node head = new Node(null, 0, 0, 0, MAX_HEIGHT);
    /** Levels in use; only grows. */
    private volatile int height = 1;
    /** The writer's: the nodes an insert links after, per level. */
    private final Node[] splice = new Node[MAX_HEIGHT];
    /** The writer's: xorshift state for node heights. */
    private long random = 0x2545F4914F6CDD1DL;
    /** The thread inside {@link #add}, for the one-writer check (run only with assertions on). */
    private final AtomicReference<Thread> writer = new AtomicReference<>();

    /** Eight bytes of a key from {@code from}, big-endian, zero-padded past its end. */
    static long head(byte[] key, int from) {
        long h = 0;
        for (int i = 0; i < 8; i++) {
            int p = from + i;
            h = (h << 8) | (p < key.length ? key[p] & 0xFF : 0);
        }
        return h;
    }

    /** Negative, zero or positive as the node comes before, at or after the target in {@link Entry#ORDER}. */
    private static int compare(Node n, Target t) {
        if (n.keyspace != t.keyspace) {
            return Integer.compare(n.keyspace, t.keyspace);
        }
        if (n.head0 != t.head0) {
            return Long.compareUnsigned(n.head0, t.head0);
        }
        if (n.head1 != t.head1) {
            return Long.compareUnsigned(n.head1, t.head1);
        }
        int c = Arrays.compareUnsigned(n.entry.key(), t.key);
        return c != 0 ? c : Long.compare(t.seq, n.entry.seq());
    }

    /**
     * Adds an entry; one caller at a time (see the class comment).
     *
     * @param e the entry
     * @return {@code false} if an entry at the same position (keyspace, key, sequence number) is already in
     * @throws IllegalStateException with assertions on, if another thread is adding at the same time
     */
    boolean add(Entry e) {
        assert enter(e);
        try {
            return addAlone(e);
        } finally {
            assert exit();
        }
    }

    private boolean enter(Entry e) {
        Thread other = writer.compareAndExchange(null, Thread.currentThread());
        if (other != null) {
            throw new IllegalStateException("The memtable's skip list was entered by "
                    + Thread.currentThread().getName() + " to add key " + HexFormat.of().formatHex(e.key())
                    + " (keyspace " + e.keyspace() + ", sequence " + e.seq() + ") while " + other.getName()
                    + " was adding; it takes one writer at a time.");
        }
        return true;
    }

    private boolean exit() {
        writer.set(null);
        return true;
    }

    private boolean addAlone(Entry e) {
        Target t = Target.of(e.keyspace(), e.key(), e.seq());
        Node[] prev = splice;
        Node at = descend(t, prev).next(0); // no other thread inserts, so it is still there
        if (at != null && compare(at, t) == 0) {
            return false;
        }
        int h = randomHeight();
        int was = height;
        for (int level = was; level < h; level++) {
            prev[level] = head;
        }
        Node node = new Node(e, t.keyspace, t.head0, t.head1, h);
        for (int level = 0; level < h; level++) {
            node.next[level] = prev[level].next(level); // not yet reachable: a plain store
            NEXT.setRelease(prev[level].next, level, node);
        }
        if (h > was) {
            height = h;
        }
        return true;
    }

    private int randomHeight() {
        long x = random;
        x ^= x << 13;
        x ^= x >>> 7;
        x ^= x << 17;
        random = x;
        int h = 1;
        while (h < MAX_HEIGHT && (x & 3) == 0) { // a quarter of the nodes go one level up
            h++;
            x >>>= 2;
        }
        return h;
    }

    /**
     * The last node before a position ({@link #head} if none), found from the top level down.
     *
     * @param prev if not {@code null}, gets the last node before the position at each level in use
     */
    private Node descend(Target t, Node[] prev) {
        Node x = head;
        for (int level = height - 1; level >= 0; level--) {
            Node n = x.next(level);
            while (n != null && compare(n, t) < 0) {
                x = n;
                n = x.next(level);
            }
            if (prev != null) {
                prev[level] = x;
            }
        }
        return x;
    }

    /** The first node at or after a position ({@code null} if none). */
    Node ceiling(int keyspace, byte[] key, long seq) {
        Target t = Target.of(keyspace, key, seq);
        Node n = descend(t, null).next(0);
        while (n != null && compare(n, t) < 0) { // inserted after the descent passed
            n = n.next(0);
        }
        return n;
    }

    /** The last node before a position ({@code null} if none). */
    Node lower(int keyspace, byte[] key, long seq) {
        return lower(Target.of(keyspace, key, seq));
    }

    private Node lower(Target t) {
        Node x = descend(t, null);
        return x == head ? null : x;
    }

    /** The node before another ({@code null} if it is the first): a search from the top, as LevelDB's. */
    Node before(Node n) {
        return lower(Target.of(n));
    }

    /** The first node, or {@code null} if empty. */
    Node first() {
        return head.next(0);
    }

    /** Whether nothing was added. */
    boolean isEmpty() {
        return head.next(0) == null;
    }

    /** Every entry in order, from the first; weakly consistent as the class comment says. */
    Iterator<Entry> iterator() {
        return new Iterator<>() {
            private Node next = first();

            @Override
            public boolean hasNext() {
                return next != null;
            }

            @Override
            public Entry next() {
                Node n = next;
                if (n == null) {
                    throw new NoSuchElementException();
                }
                next = n.next(0);
                return n.entry;
            }
        };
    }
}
