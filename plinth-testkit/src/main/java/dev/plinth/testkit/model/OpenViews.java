package dev.plinth.testkit.model;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Snapshot;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The snapshots and cursors a {@link ModelRun} keeps open across steps, in numbered slots, each beside the
 * model it must agree with: a snapshot with a copy of the model taken when it opened, a cursor with a
 * {@link CursorModel}. Runs the steps that open, read, move and close them. Not thread-safe; one per run.
 */
final class OpenViews {
    private static final byte[] PRESENT = new byte[0];

    private record SnapshotSlot(Snapshot snapshot, Oracle view, long t0) {
    }

    private record CursorSlot(Cursor cursor, CursorModel model, ReadSpec spec) {
    }

    private final ModelRun r;
    private final SnapshotSlot[] snapshots = new SnapshotSlot[ModelRun.SNAPSHOT_SLOTS];
    private final CursorSlot[] cursors = new CursorSlot[ModelRun.CURSOR_SLOTS];

    OpenViews(ModelRun r) {
        this.r = r;
    }

    /** How many snapshots and cursors are held, which the store must list as open resources. */
    int held() {
        int held = 0;
        for (SnapshotSlot s : snapshots) {
            held += s == null ? 0 : 1;
        }
        for (CursorSlot c : cursors) {
            held += c == null ? 0 : 1;
        }
        return held;
    }

    /** Closes everything held after a failure; never throws. */
    void closeQuietly() {
        for (int i = 0; i < cursors.length; i++) {
            if (cursors[i] != null) {
                ModelRun.quietly(cursors[i].cursor()::close);
                cursors[i] = null;
            }
        }
        for (int i = 0; i < snapshots.length; i++) {
            if (snapshots[i] != null) {
                ModelRun.quietly(snapshots[i].snapshot()::close);
                snapshots[i] = null;
            }
        }
    }

    // ---- snapshots -------------------------------------------------------------------------------

    void openSnapshot(Op.OpenSnapshot o) {
        if (snapshots[o.slot()] != null) {
            snapshots[o.slot()].snapshot().close();
            snapshots[o.slot()] = null;
            r.note("closed the snapshot held there");
        }
        snapshots[o.slot()] = new SnapshotSlot(r.store().snapshot(), r.model().copy(), r.now());
    }

    void snapshotGet(Op.SnapshotGet g) {
        SnapshotSlot s = snapshots[g.slot()];
        if (s == null || !s.view().exists(g.ks())) {
            r.note("skipped: no such snapshot or keyspace in it");
            return;
        }
        Oracle.Entry e = s.view().entry(g.ks(), g.key());
        byte[] got = g.contains() ? (s.snapshot().contains(r.handle(g.ks()), g.key().clone()) ? PRESENT : null)
                : s.snapshot().get(r.handle(g.ks()), g.key().clone());
        r.note(g.contains() ? String.valueOf(got != null) : Bytes.value(got));
        boolean never = e == null || !e.visibleAt(s.t0());
        boolean must = e != null && e.visibleAt(r.now());
        if (!never && !must) {
            r.count("snapshot read of an entry expired since");
        }
        byte[] want = never ? null : g.contains() ? PRESENT : e.value();
        if (got == null ? must : never || !Arrays.equals(got, want)) {
            throw ModelRun.mismatch("snapshot read", g + " returned " + (g.contains() ? got != null : Bytes.value(got))
                    + ", the snapshot holds " + (never ? "nothing" : Bytes.value(e.value()) + (must ? ""
                    : " (expired since the snapshot, either answer is accepted)")));
        }
    }

    void snapshotScan(Op.SnapshotScan sc) {
        SnapshotSlot s = snapshots[sc.slot()];
        ReadSpec sp = sc.spec();
        if (s == null || !s.view().exists(sp.ks())) {
            r.note("skipped: no such snapshot or keyspace in it");
            return;
        }
        CursorModel m = new CursorModel(s.view(), s.t0(), sp.ks(), sp.range().start(), sp.range().end(),
                sp.reverse(), sp.limit(), sp.keysOnly());
        r.read(s.snapshot(), r.handle(sp.ks()), sp, m, false, "snapshot read");
    }

    void closeSnapshot(Op.CloseSnapshot c) {
        SnapshotSlot s = snapshots[c.slot()];
        if (s == null) {
            r.note("skipped: no snapshot");
            return;
        }
        snapshots[c.slot()] = null;
        s.snapshot().close();
        s.snapshot().close();
        if (!s.view().names().isEmpty()) {
            Keyspace h = r.handle(ModelRun.DEFAULT);
            ModelRun.expectIllegalState(() -> s.snapshot().get(h, new byte[] {1}), "get on a closed snapshot");
        }
    }

    // ---- cursors kept open across steps -------------------------------------------------------

    void openCursor(Op.OpenCursor o) {
        ReadSpec sp = o.spec();
        if (!r.model().exists(sp.ks())) {
            r.note("skipped: no keyspace " + sp.ks());
            return;
        }
        if (cursors[o.slot()] != null) {
            cursors[o.slot()].cursor().close();
            cursors[o.slot()] = null;
            r.note("closed the cursor held there");
        }
        Keyspace h = r.handle(sp.ks());
        Cursor c = sp.form() == ReadSpec.Form.KEYSPACE_CURSOR ? h.cursor(sp.range().toRange(), sp.options())
                : r.store().cursor(h, sp.range().toRange(), sp.options());
        cursors[o.slot()] = new CursorSlot(c, new CursorModel(r.model(), r.now(), sp.ks(), sp.range().start(),
                sp.range().end(), sp.reverse(), sp.limit(), sp.keysOnly()), sp);
    }

    void cursorNext(Op.CursorNext n) {
        CursorSlot s = cursors[n.slot()];
        if (s == null) {
            r.note("skipped: no cursor");
            return;
        }
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < n.count(); i++) {
            boolean has = s.cursor().next();
            byte[] k = has ? s.cursor().key() : null;
            byte[] v = has && !s.spec().keysOnly() ? s.cursor().value() : null;
            String err = s.model().next(has, k, v, r.now());
            if (err != null) {
                throw ModelRun.mismatch("open cursor", "cursor #" + n.slot() + " (" + s.spec() + ", opened at clock +"
                        + (s.model().t0() - r.startMillis()) + "ms) " + err + "; this step saw " + seen
                        + "; when opened, the model held " + s.model().expected(r.now()));
            }
            seen.add(has ? Bytes.key(k) : "<end>");
            if (!has) {
                break;
            }
        }
        r.note(seen.toString());
    }

    void cursorSeek(Op.CursorSeek k) {
        CursorSlot s = cursors[k.slot()];
        if (s == null) {
            r.note("skipped: no cursor");
            return;
        }
        s.cursor().seek(k.key().clone());
        s.model().seek(k.key());
    }

    void closeCursor(Op.CloseCursor c) {
        CursorSlot s = cursors[c.slot()];
        if (s == null) {
            r.note("skipped: no cursor");
            return;
        }
        cursors[c.slot()] = null;
        s.cursor().close();
        s.cursor().close();
        ModelRun.expectIllegalState(s.cursor()::next, "next() on a closed cursor");
    }

    /** Closes every snapshot and cursor held, noting how many; before a drop, a reopen and the run's end. */
    void closeAll() {
        int n = 0;
        for (int i = 0; i < cursors.length; i++) {
            if (cursors[i] != null) {
                cursors[i].cursor().close();
                cursors[i] = null;
                n++;
            }
        }
        for (int i = 0; i < snapshots.length; i++) {
            if (snapshots[i] != null) {
                snapshots[i].snapshot().close();
                snapshots[i] = null;
                n++;
            }
        }
        if (n > 0) {
            r.note("closed " + n + " open cursor(s) and snapshot(s) first");
        }
    }
}
