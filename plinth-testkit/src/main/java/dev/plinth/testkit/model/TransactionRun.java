package dev.plinth.testkit.model;

import dev.plinth.ConflictException;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Transaction;
import dev.plinth.WriteOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * Runs one transaction step of a {@link ModelRun}: the transaction's reads against a copy of the model
 * with its own writes applied, an optional write by another party part-way, and the commit, whose
 * success or {@link ConflictException} is checked against what the isolation level promises. Not
 * thread-safe; one instance per step.
 */
final class TransactionRun {
    /** What conflicts a transaction's footprint implies for a write by someone else. */
    private enum Conflict {
        NONE, MAYBE, DEFINITE
    }

    private record Target(String ks, byte[] key, KeyRange range) {
        boolean covers(String k, byte[] candidate) {
            return ks.equals(k) && (key != null ? Arrays.equals(key, candidate) : range.contains(candidate));
        }

        @Override
        public String toString() {
            return ks + " " + (key != null ? Bytes.key(key) : range.toString());
        }
    }

    private record Outside(String ks, byte[] key) {
    }

    private final ModelRun r;
    private final Op.Tx t;
    /** The steps on keyspaces that exist; keyspaces do not change while the transaction runs. */
    private final List<Op.TxStep> steps = new ArrayList<>();
    /** What the transaction writes, reads whole, and reads only in part (a limit or a seek). */
    private final List<Target> writes = new ArrayList<>();
    private final List<Target> reads = new ArrayList<>();
    private final List<Target> partialReads = new ArrayList<>();
    /** The model as the transaction sees it: its snapshot plus its own writes. */
    private final Oracle view;
    private final List<Op.TxStep> written = new ArrayList<>();
    /** Whether the clock moved after a put with a time to live, which must then count from commit. */
    private boolean ttlPutAged;

    private TransactionRun(ModelRun r, Op.Tx t) {
        this.r = r;
        this.t = t;
        this.view = r.model().copy();
        for (Op.TxStep s : t.steps()) {
            if (r.model().exists(s.ks())) {
                steps.add(s);
                footprint(s);
            }
        }
    }

    static void run(ModelRun r, Op.Tx t) {
        new TransactionRun(r, t).run();
    }

    private void footprint(Op.TxStep s) {
        switch (s.kind()) {
            case GET:
            case CONTAINS:
                reads.add(new Target(s.ks(), s.key(), null));
                break;
            case READ:
                (s.spec().readsWholeRange() ? reads : partialReads).add(new Target(s.ks(), null, s.spec().range()));
                break;
            case PUT:
            case DELETE:
                writes.add(new Target(s.ks(), s.key(), null));
                break;
            case DELETE_RANGE:
                writes.add(new Target(s.ks(), null, s.range()));
                break;
            case CLOCK:
                break;
            default:
                throw new AssertionError(s.kind());
        }
    }

    private void run() {
        Outside outside = null;
        int interleaveAt = t.interleave() == null ? -1 : Math.min(t.interleave().afterStep(), steps.size());
        try (Transaction tx = r.store().begin(t.isolation())) {
            if (tx.isolation() != t.isolation() || !tx.isOpen()) {
                throw ModelRun.mismatch("transaction state", "begin(" + t.isolation()
                        + ") returned a transaction with isolation " + tx.isolation() + ", open " + tx.isOpen());
            }
            for (int i = 0; i <= steps.size(); i++) {
                if (i == interleaveAt) {
                    outside = interleave();
                }
                if (i < steps.size()) {
                    step(tx, i, steps.get(i));
                }
            }
            if (t.commit()) {
                commit(tx, outside);
            } else {
                tx.rollback();
                tx.rollback();
                if (tx.isOpen()) {
                    throw ModelRun.mismatch("transaction state", "transaction still open after rollback");
                }
                r.note("rolled back");
                r.count("transaction rolled back");
            }
            ModelRun.expectIllegalState(() -> tx.get(r.handle(ModelRun.DEFAULT), new byte[] {1}),
                    "get on an ended transaction");
        }
        for (Op.TxStep s : steps) {
            r.markDirty(s.ks());
        }
    }

    private void step(Transaction tx, int i, Op.TxStep s) {
        Keyspace h = r.handle(s.ks());
        long now = r.now();
        switch (s.kind()) {
            case GET: {
                byte[] got = tx.get(h, s.key().clone());
                byte[] want = view.get(s.ks(), s.key(), now);
                if (!Arrays.equals(got, want)) {
                    throw ModelRun.mismatch("transaction read", "transaction step " + i + " (" + s + ") returned "
                            + Bytes.value(got) + ", the transaction's view holds " + Bytes.value(want));
                }
                break;
            }
            case CONTAINS: {
                boolean got = tx.contains(h, s.key().clone());
                byte[] want = view.get(s.ks(), s.key(), now);
                if (got != (want != null)) {
                    throw ModelRun.mismatch("transaction read", "transaction step " + i + " (" + s + ") returned "
                            + got + ", the transaction's view holds " + Bytes.value(want));
                }
                break;
            }
            case READ: {
                ReadSpec sp = s.spec();
                CursorModel m = new CursorModel(view, now, sp.ks(), sp.range().start(), sp.range().end(),
                        sp.reverse(), sp.limit(), sp.keysOnly());
                r.read(tx, h, sp, m, false, "transaction read");
                break;
            }
            case PUT: {
                byte[] k = s.key().clone();
                byte[] v = s.value().clone();
                if (s.ttlMillis() > 0) {
                    tx.put(h, k, v, WriteOptions.ttl(Duration.ofMillis(s.ttlMillis())));
                } else {
                    tx.put(h, k, v);
                }
                ModelRun.scribble(k, v);
                wrote(s);
                break;
            }
            case DELETE:
                tx.delete(h, s.key().clone());
                wrote(s);
                break;
            case DELETE_RANGE:
                tx.deleteRange(h, s.range().toRange());
                wrote(s);
                break;
            case CLOCK:
                r.advanceClock(s.ttlMillis());
                ttlPutAged |= written.stream().anyMatch(w -> w.kind() == Op.TxKind.PUT && w.ttlMillis() > 0);
                break;
            default:
                throw new AssertionError(s.kind());
        }
    }

    /** A pending put's time to live counts from commit, so until then it does not expire. */
    private void wrote(Op.TxStep s) {
        applyTo(view, s, Oracle.NEVER);
        written.add(s);
    }

    private void commit(Transaction tx, Outside outside) {
        Conflict expect = Conflict.NONE;
        String why = "no other writer changed anything";
        if (outside != null) {
            expect = classify(outside);
            why = "the other writer changed " + outside.ks() + " " + Bytes.key(outside.key());
            if (written.isEmpty()) {
                expect = Conflict.NONE;
                why += ", but the transaction wrote nothing, so it commits without checks";
            } else if (expect == Conflict.DEFINITE) {
                why += ", which the transaction " + (covered(writes, outside) ? "writes" : "read");
            } else if (expect == Conflict.NONE) {
                why += ", which the transaction neither read nor writes";
            }
        }
        boolean committed;
        try {
            tx.commit();
            committed = true;
        } catch (ConflictException e) {
            committed = false;
        }
        if (tx.isOpen()) {
            throw ModelRun.mismatch("transaction state", "transaction still open after commit");
        }
        r.note(committed ? "committed" : "ConflictException");
        r.count(committed ? "transaction committed" : "transaction conflict");
        if (committed && expect == Conflict.DEFINITE) {
            throw ModelRun.mismatch("transaction conflict", t.isolation() + " commit succeeded, but " + why);
        }
        if (!committed && expect == Conflict.NONE) {
            throw ModelRun.mismatch("transaction conflict", t.isolation() + " commit threw ConflictException, but "
                    + why);
        }
        if (committed && ttlPutAged) {
            r.count("transaction committed a time to live set before the clock moved");
        }
        if (committed) {
            for (Op.TxStep w : written) {
                applyTo(r.model(), w, r.now());
            }
        }
    }

    private static boolean covered(List<Target> targets, Outside o) {
        for (Target t : targets) {
            if (t.covers(o.ks(), o.key())) {
                return true;
            }
        }
        return false;
    }

    private Conflict classify(Outside o) {
        if (covered(writes, o)) {
            return Conflict.DEFINITE;
        }
        boolean read = covered(reads, o);
        boolean maybeRead = covered(partialReads, o);
        if (t.isolation() == Isolation.SERIALIZABLE) {
            return read ? Conflict.DEFINITE : maybeRead ? Conflict.MAYBE : Conflict.NONE;
        }
        // SNAPSHOT promises to catch write-write conflicts only; whether a read-only overlap aborts is open.
        return read || maybeRead ? Conflict.MAYBE : Conflict.NONE;
    }

    /** Has another party change something the transaction touches (or, if asked, does not touch). */
    private Outside interleave() {
        Op.Interleave il = t.interleave();
        List<byte[]> cand = il.candidates();
        String ks = null;
        byte[] key = null;
        if (il.conflicting()) {
            List<Target> targets = new ArrayList<>(writes);
            if (t.isolation() == Isolation.SERIALIZABLE || targets.isEmpty()) {
                targets.addAll(reads);
            }
            for (int j = 0; j < targets.size() && key == null; j++) {
                Target tg = targets.get((il.pick() + j) % targets.size());
                if (tg.key() != null) {
                    ks = tg.ks();
                    key = tg.key();
                } else {
                    for (int c = 0; c < cand.size(); c++) {
                        byte[] k = cand.get((il.pick() + c) % cand.size());
                        if (tg.range().contains(k)) {
                            ks = tg.ks();
                            key = k;
                            break;
                        }
                    }
                }
            }
        }
        if (key == null) {
            String where = r.model().exists(il.ks()) ? il.ks() : ModelRun.DEFAULT;
            for (int c = 0; c < cand.size() && key == null; c++) {
                byte[] k = cand.get((il.pick() + c) % cand.size());
                Outside o = new Outside(where, k);
                if (!covered(writes, o) && !covered(reads, o) && !covered(partialReads, o)) {
                    ks = where;
                    key = k;
                }
            }
        }
        if (key == null) {
            r.note("no key found for the other writer");
            return null;
        }
        r.count(il.conflicting() ? "other writer aimed at the transaction" : "other writer aimed elsewhere");
        Keyspace h = r.handle(ks);
        byte[] cur = r.model().get(ks, key, r.now());
        if (cur != null && (Arrays.equals(cur, il.value()) || (il.pick() & 1) == 1)) {
            h.delete(key.clone());
            r.model().delete(ks, key);
            r.note("another writer deleted " + ks + " " + Bytes.key(key));
        } else {
            h.put(key.clone(), il.value().clone());
            r.model().put(ks, key, il.value(), Oracle.NEVER);
            r.note("another writer put " + ks + " " + Bytes.key(key) + " = " + Bytes.value(il.value()));
        }
        r.markDirty(ks);
        return new Outside(ks, key);
    }

    /**
     * Applies a write to a model.
     *
     * @param commitMillis when the transaction committed, or {@link Oracle#NEVER} while it is open
     */
    private static void applyTo(Oracle o, Op.TxStep s, long commitMillis) {
        switch (s.kind()) {
            case PUT:
                o.put(s.ks(), s.key(), s.value(), commitMillis == Oracle.NEVER ? Oracle.NEVER
                        : ModelRun.expiry(commitMillis, s.ttlMillis()));
                break;
            case DELETE:
                o.delete(s.ks(), s.key());
                break;
            case DELETE_RANGE:
                o.deleteRange(s.ks(), s.range().start(), s.range().end());
                break;
            default:
                throw new AssertionError(s.kind());
        }
    }
}
