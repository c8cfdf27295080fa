package dev.plinth.testkit.model;

import dev.plinth.Isolation;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;

/**
 * Generates a run's steps from a seed, all up front. It follows which keyspaces, snapshots and cursors
 * exist so that most steps hit something, but never depends on what the store does, so the same seed
 * always yields the same steps. Not thread-safe.
 */
final class OpGenerator {
    /** The keyspaces a run uses; the first is the store's default. */
    static final List<String> KEYSPACES = List.of(Store.DEFAULT_KEYSPACE, "ks-a", "ks.b", "ks_c");
    /** Key bytes: both ends of the unsigned order, the signed/unsigned boundary, and two letters. */
    static final byte[] ALPHABET = {0x00, 0x01, 0x7F, (byte) 0x80, (byte) 0xFE, (byte) 0xFF, 'a', 'b'};
    private static final long[] TTLS = {1, 2, 3, 10, 50, 100, 250, 1000, 3000};
    private static final long[] ADVANCES = {1, 2, 5, 50, 200, 1000, 2500};
    private static final int KEY_POOL = 48;

    private enum Kind {
        PUT(13), PUT_TTL(6), DELETE(6), DELETE_RANGE(3), BATCH(7), CAS(6), GET(9), SCAN(8),
        OPEN_SNAPSHOT(2), SNAPSHOT_READ(5), CLOSE_SNAPSHOT(1.5), TX(5), CONFLICT_TX(2.5),
        OPEN_CURSOR(2), CURSOR_NEXT(4), CURSOR_SEEK(1.5), CLOSE_CURSOR(1), CLOCK(4.5), FLUSH(1),
        COMPACT(0.8), CREATE_KEYSPACE(1.5), DROP_KEYSPACE(0.8), REOPEN(0.8);

        final double weight;

        Kind(double weight) {
            this.weight = weight;
        }
    }

    private static final double TOTAL_WEIGHT;

    static {
        double t = 0;
        for (Kind k : Kind.values()) {
            t += k.weight;
        }
        TOTAL_WEIGHT = t;
    }

    private final Random rnd;
    private final List<byte[]> pool = new ArrayList<>();
    private final Set<String> existing = new LinkedHashSet<>(List.of(Store.DEFAULT_KEYSPACE));
    private final boolean[] snapshotOpen = new boolean[ModelRun.SNAPSHOT_SLOTS];
    private final boolean[] cursorOpen = new boolean[ModelRun.CURSOR_SLOTS];

    private OpGenerator(long seed) {
        this.rnd = new Random(seed);
    }

    /**
     * The steps of a run.
     *
     * @param seed the seed
     * @param count how many steps
     * @return the steps, in order
     */
    static List<Op> generate(long seed, int count) {
        OpGenerator g = new OpGenerator(seed);
        List<Op> ops = new ArrayList<>(count);
        for (int i = 0; i < count; i++) {
            ops.add(g.next());
        }
        return ops;
    }

    private Kind kind() {
        double x = rnd.nextDouble() * TOTAL_WEIGHT;
        for (Kind k : Kind.values()) {
            x -= k.weight;
            if (x < 0) {
                return k;
            }
        }
        return Kind.GET;
    }

    private Op next() {
        Kind k = kind();
        switch (k) {
            case PUT:
                return new Op.Put(ks(), key(), value(), 0, rnd.nextInt(4) == 0);
            case PUT_TTL:
                return new Op.Put(ks(), key(), value(), ttl(), false);
            case DELETE:
                return new Op.Delete(ks(), key(), rnd.nextInt(4) == 0);
            case DELETE_RANGE:
                return new Op.DeleteRange(ks(), range(), rnd.nextInt(4) == 0);
            case BATCH:
                return batch();
            case CAS: {
                int e = rnd.nextInt(100);
                Op.CasExpect expect = e < 45 ? Op.CasExpect.CURRENT : e < 70 ? Op.CasExpect.ABSENT : Op.CasExpect.WRONG;
                byte[] newValue = rnd.nextInt(5) == 0 ? null : value();
                return new Op.Cas(ks(), key(), expect, value(), newValue,
                        newValue != null && rnd.nextInt(5) == 0 ? ttl() : 0);
            }
            case GET:
                return new Op.Get(ks(), key(), Op.GetForm.values()[rnd.nextInt(Op.GetForm.values().length)]);
            case SCAN:
                return new Op.Scan(readSpec(ks(), false));
            case OPEN_SNAPSHOT: {
                int slot = pickSlot(snapshotOpen, false);
                snapshotOpen[slot] = true;
                return new Op.OpenSnapshot(slot);
            }
            case SNAPSHOT_READ: {
                int slot = pickSlot(snapshotOpen, true);
                int r = rnd.nextInt(10);
                if (r < 4) {
                    return new Op.SnapshotGet(slot, ks(), key(), r == 0);
                }
                return new Op.SnapshotScan(slot, readSpec(ks(), false));
            }
            case CLOSE_SNAPSHOT: {
                int slot = pickSlot(snapshotOpen, true);
                snapshotOpen[slot] = false;
                return new Op.CloseSnapshot(slot);
            }
            case TX:
                return transaction(false);
            case CONFLICT_TX:
                return transaction(true);
            case OPEN_CURSOR: {
                int slot = pickSlot(cursorOpen, false);
                cursorOpen[slot] = true;
                ReadSpec s = readSpec(ks(), true);
                return new Op.OpenCursor(slot, new ReadSpec(s.ks(), s.range(), s.reverse(), s.limit(), s.keysOnly(),
                        s.form(), -1, null));
            }
            case CURSOR_NEXT:
                return new Op.CursorNext(pickSlot(cursorOpen, true), 1 + rnd.nextInt(5));
            case CURSOR_SEEK:
                return new Op.CursorSeek(pickSlot(cursorOpen, true), key());
            case CLOSE_CURSOR: {
                int slot = pickSlot(cursorOpen, true);
                cursorOpen[slot] = false;
                return new Op.CloseCursor(slot);
            }
            case CLOCK:
                if (rnd.nextInt(5) < 3) {
                    return new Op.AdvanceClock(Op.ClockMode.BY, ADVANCES[rnd.nextInt(ADVANCES.length)], 0, 0);
                }
                return new Op.AdvanceClock(Op.ClockMode.TO_EXPIRY, 1, rnd.nextInt(8), rnd.nextInt(3) - 1);
            case FLUSH:
                return new Op.Flush();
            case COMPACT:
                return new Op.Compact();
            case CREATE_KEYSPACE: {
                String name = KEYSPACES.get(1 + rnd.nextInt(KEYSPACES.size() - 1));
                existing.add(name);
                return new Op.CreateKeyspace(name);
            }
            case DROP_KEYSPACE: {
                List<String> droppable = new ArrayList<>(existing);
                droppable.remove(Store.DEFAULT_KEYSPACE);
                String name = droppable.isEmpty() || rnd.nextInt(10) == 0 ? Store.DEFAULT_KEYSPACE
                        : droppable.get(rnd.nextInt(droppable.size()));
                if (!name.equals(Store.DEFAULT_KEYSPACE)) {
                    existing.remove(name);
                    closeAll();
                }
                return new Op.DropKeyspace(name);
            }
            case REOPEN:
                closeAll();
                return new Op.Reopen();
            default:
                throw new AssertionError(k);
        }
    }

    private void closeAll() {
        Arrays.fill(snapshotOpen, false);
        Arrays.fill(cursorOpen, false);
    }

    /** An open slot if {@code wantOpen} and there is one, a free one if not and there is one, else any. */
    private int pickSlot(boolean[] open, boolean wantOpen) {
        List<Integer> fit = new ArrayList<>();
        for (int i = 0; i < open.length; i++) {
            if (open[i] == wantOpen) {
                fit.add(i);
            }
        }
        return fit.isEmpty() || rnd.nextInt(10) == 0 ? rnd.nextInt(open.length) : fit.get(rnd.nextInt(fit.size()));
    }

    /** Mostly an existing keyspace, sometimes any (absent ones test dropped handles or are skipped). */
    private String ks() {
        if (rnd.nextInt(100) < 88) {
            List<String> e = new ArrayList<>(existing);
            return e.get(rnd.nextInt(e.size()));
        }
        return KEYSPACES.get(rnd.nextInt(KEYSPACES.size()));
    }

    private byte[] key() {
        if (!pool.isEmpty() && rnd.nextInt(100) < 45) {
            return pool.get(rnd.nextInt(pool.size()));
        }
        byte[] k = freshKey(1 + lengthIndex());
        if (pool.size() < KEY_POOL) {
            pool.add(k);
        } else {
            pool.set(rnd.nextInt(KEY_POOL), k);
        }
        return k;
    }

    private int lengthIndex() {
        int r = rnd.nextInt(100);
        return r < 30 ? 0 : r < 75 ? 1 : 2;
    }

    private byte[] freshKey(int length) {
        byte[] k = new byte[length];
        for (int i = 0; i < length; i++) {
            k[i] = ALPHABET[rnd.nextInt(ALPHABET.length)];
        }
        return k;
    }

    private byte[] value() {
        if (rnd.nextInt(100) < 15) {
            return new byte[0];
        }
        byte[] v = new byte[1 + rnd.nextInt(4)];
        rnd.nextBytes(v);
        return v;
    }

    private long ttl() {
        return rnd.nextInt(3) == 0 ? 1 + rnd.nextInt(2000) : TTLS[rnd.nextInt(TTLS.length)];
    }

    private KeyRange range() {
        int r = rnd.nextInt(100);
        if (r < 8) {
            return new KeyRange(KeyRange.Form.ALL, null, null);
        }
        if (r < 22) {
            byte[] p = rnd.nextInt(5) == 0 ? new byte[1 + rnd.nextInt(2)] : freshKey(1 + rnd.nextInt(2));
            if (p[0] == 0 && p.length <= 2 && r % 2 == 0) {
                Arrays.fill(p, (byte) 0xFF);
            }
            return new KeyRange(KeyRange.Form.PREFIX, p, null);
        }
        if (r < 30) {
            return new KeyRange(KeyRange.Form.FROM, key(), null);
        }
        if (r < 38) {
            return new KeyRange(KeyRange.Form.UNTIL, null, key());
        }
        if (r < 43) {
            byte[] k = key();
            return new KeyRange(KeyRange.Form.OF, k, k);
        }
        byte[] a = rnd.nextInt(100) < 15 ? null : key();
        byte[] b = rnd.nextInt(100) < 15 ? null : key();
        if (a != null && b != null && Bytes.UNSIGNED.compare(a, b) > 0) {
            byte[] t = a;
            a = b;
            b = t;
        }
        return new KeyRange(KeyRange.Form.OF, a, b);
    }

    private ReadSpec readSpec(String ks, boolean cursor) {
        ReadSpec.Form form = cursor ? (rnd.nextBoolean() ? ReadSpec.Form.KEYSPACE_CURSOR : ReadSpec.Form.VIEW_CURSOR)
                : ReadSpec.Form.values()[rnd.nextInt(ReadSpec.Form.values().length)];
        boolean isCursor = form == ReadSpec.Form.KEYSPACE_CURSOR || form == ReadSpec.Form.VIEW_CURSOR;
        boolean seek = isCursor && rnd.nextInt(10) < 4;
        return new ReadSpec(ks, range(), rnd.nextInt(10) < 4, rnd.nextInt(100) < 35 ? rnd.nextInt(7) : Long.MAX_VALUE,
                rnd.nextInt(5) == 0, form, seek ? rnd.nextInt(5) : -1, seek ? key() : null);
    }

    private Op batch() {
        int n = 1 + rnd.nextInt(rnd.nextInt(4) == 0 ? 10 : 5);
        String home = ks();
        List<byte[]> used = new ArrayList<>();
        List<Op.BatchItem> items = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String ks = rnd.nextInt(10) < 7 ? home : ks();
            byte[] key = !used.isEmpty() && rnd.nextBoolean() ? used.get(rnd.nextInt(used.size())) : key();
            int r = rnd.nextInt(100);
            Op.BatchItem it;
            if (r < 40) {
                it = new Op.BatchItem(WriteBatch.Kind.PUT, ks, key, null, value(), rnd.nextInt(6) == 0 ? ttl() : 0, null);
                used.add(key);
            } else if (r < 55) {
                it = new Op.BatchItem(WriteBatch.Kind.DELETE, ks, key, null, null, 0, null);
                used.add(key);
            } else if (r < 63) {
                it = new Op.BatchItem(WriteBatch.Kind.DELETE_RANGE, ks, null, range(), null, 0, null);
            } else if (r < 83) {
                int m = rnd.nextInt(6);
                Op.RequireMode mode = m < 4 ? Op.RequireMode.AT_POINT : m == 4 ? Op.RequireMode.BEFORE_BATCH
                        : Op.RequireMode.GIVEN;
                it = new Op.BatchItem(WriteBatch.Kind.REQUIRE_EQUALS, ks, key, null, value(), 0, mode);
            } else {
                it = new Op.BatchItem(WriteBatch.Kind.REQUIRE_ABSENT, ks, key, null, null, 0, null);
            }
            items.add(it);
        }
        return new Op.Batch(List.copyOf(items));
    }

    private Op transaction(boolean interleaved) {
        Isolation iso = rnd.nextBoolean() ? Isolation.SNAPSHOT : Isolation.SERIALIZABLE;
        int n = 1 + rnd.nextInt(interleaved ? 6 : 8);
        String home = ks();
        List<Op.TxStep> steps = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            String ks = rnd.nextInt(10) < 7 ? home : ks();
            int r = rnd.nextInt(100);
            if (interleaved && r < 40) {
                r += 50;
            }
            Op.TxStep s;
            if (rnd.nextInt(12) == 0) {
                s = new Op.TxStep(Op.TxKind.CLOCK, Store.DEFAULT_KEYSPACE, null, null,
                        ADVANCES[rnd.nextInt(ADVANCES.length)], null, null);
            } else if (r < 20) {
                s = new Op.TxStep(Op.TxKind.GET, ks, key(), null, 0, null, null);
            } else if (r < 28) {
                s = new Op.TxStep(Op.TxKind.CONTAINS, ks, key(), null, 0, null, null);
            } else if (r < 50) {
                s = new Op.TxStep(Op.TxKind.READ, ks, null, null, 0, null, readSpec(ks, false));
            } else if (r < 80) {
                s = new Op.TxStep(Op.TxKind.PUT, ks, key(), value(), rnd.nextInt(6) == 0 ? ttl() : 0, null, null);
            } else if (r < 94) {
                s = new Op.TxStep(Op.TxKind.DELETE, ks, key(), null, 0, null, null);
            } else {
                s = new Op.TxStep(Op.TxKind.DELETE_RANGE, ks, null, null, 0, range(), null);
            }
            steps.add(s);
        }
        Op.Interleave il = null;
        if (interleaved) {
            List<byte[]> candidates = new ArrayList<>();
            for (int i = 0; i < 6; i++) {
                candidates.add(key());
            }
            il = new Op.Interleave(rnd.nextInt(n + 1), rnd.nextInt(10) < 7, ks(), List.copyOf(candidates),
                    rnd.nextInt(1000), value());
        }
        return new Op.Tx(iso, List.copyOf(steps), rnd.nextInt(10) < 8 || interleaved && rnd.nextInt(10) < 8, il);
    }
}
