package dev.plinth.testkit.model;

import dev.plinth.Cursor;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.OpenResource;
import dev.plinth.Range;
import dev.plinth.ReadView;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import dev.plinth.testkit.FakeClock;
import dev.plinth.testkit.StoreFactory;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.Consumer;

/**
 * One execution of a list of {@link Op}s against a store and the {@link Oracle}, checking after every
 * step. A difference is thrown as a {@link Mismatch}. Not thread-safe; one run uses one store directory.
 */
final class ModelRun {
    static final String DEFAULT = Store.DEFAULT_KEYSPACE;
    static final int SNAPSHOT_SLOTS = 3;
    static final int CURSOR_SLOTS = 2;
    /** Steps between checks of every keyspace; other steps check only what they wrote. */
    private static final int FULL_CHECK_EVERY = 50;

    private final StoreFactory factory;
    private final Path dir;
    private final PrintStream trace;
    private final FakeClock clock = new FakeClock();
    private final long startMillis = clock.millis();
    private Store store;
    private boolean persistent;
    private Oracle model = new Oracle();
    private final Map<String, Keyspace> handles = new HashMap<>();
    private final Map<String, Keyspace> stale = new HashMap<>();
    /** The snapshots and cursors the run keeps open across steps. */
    private final OpenViews views = new OpenViews(this);
    private final Set<String> dirty = new LinkedHashSet<>();
    private boolean dirtyAll;
    private boolean namesDirty;
    private int sinceFullCheck;
    private final StringBuilder notes = new StringBuilder();
    /** How often each kind of step and outcome happened; shows what a run exercised. */
    private final Map<String, Integer> events = new TreeMap<>();

    ModelRun(StoreFactory factory, Path dir, PrintStream trace) {
        this.factory = factory;
        this.dir = dir;
        this.trace = trace;
    }

    /** Opens the store (the first time, or again after a reopen). */
    void open() {
        store = factory.options(dir).clock(clock).trackResourceOrigins(false).open();
        persistent = store.capabilities().persistent();
        if (!model.exists(DEFAULT)) {
            model.create(DEFAULT);
        }
        handles.clear();
        stale.clear();
        for (String name : model.names()) {
            handles.put(name, store.keyspace(name));
        }
        namesDirty = true;
        dirtyAll = true;
    }

    // ---- what transaction runs reach ---------------------------------------------------------------

    Store store() {
        return store;
    }

    Oracle model() {
        return model;
    }

    long startMillis() {
        return startMillis;
    }

    Keyspace handle(String ks) {
        return handles.get(ks);
    }

    void markDirty(String ks) {
        dirty.add(ks);
    }

    Map<String, Integer> events() {
        return events;
    }

    void count(String event) {
        events.merge(event, 1, Integer::sum);
    }

    /** Runs one step and checks the store against the model. */
    void step(int index, Op op) {
        notes.setLength(0);
        boolean ok = false;
        try {
            count(op.kind());
            apply(op);
            check();
            ok = true;
        } finally {
            if (trace != null) {
                trace.println("#" + index + " " + op + (notes.length() > 0 ? "  -> " + notes : "")
                        + (ok ? "" : "  FAILED"));
            }
        }
    }

    /** Runs one step against the store and the model. */
    private void apply(Op op) {
        if (op instanceof Op.Put o) {
            put(o);
        } else if (op instanceof Op.Delete o) {
            delete(o);
        } else if (op instanceof Op.DeleteRange o) {
            deleteRange(o);
        } else if (op instanceof Op.Batch o) {
            batch(o);
        } else if (op instanceof Op.Cas o) {
            cas(o);
        } else if (op instanceof Op.Get o) {
            get(o);
        } else if (op instanceof Op.Scan o) {
            scan(o);
        } else if (op instanceof Op.OpenSnapshot o) {
            views.openSnapshot(o);
        } else if (op instanceof Op.SnapshotGet o) {
            views.snapshotGet(o);
        } else if (op instanceof Op.SnapshotScan o) {
            views.snapshotScan(o);
        } else if (op instanceof Op.CloseSnapshot o) {
            views.closeSnapshot(o);
        } else if (op instanceof Op.Tx o) {
            TransactionRun.run(this, o);
        } else if (op instanceof Op.OpenCursor o) {
            views.openCursor(o);
        } else if (op instanceof Op.CursorNext o) {
            views.cursorNext(o);
        } else if (op instanceof Op.CursorSeek o) {
            views.cursorSeek(o);
        } else if (op instanceof Op.CloseCursor o) {
            views.closeCursor(o);
        } else if (op instanceof Op.AdvanceClock o) {
            advanceClock(o);
        } else if (op instanceof Op.CreateKeyspace o) {
            createKeyspace(o);
        } else if (op instanceof Op.DropKeyspace o) {
            dropKeyspace(o);
        } else if (op instanceof Op.Flush) {
            flush();
        } else if (op instanceof Op.Compact) {
            compact();
        } else if (op instanceof Op.Reopen) {
            reopen();
        } else {
            throw new AssertionError("no handler for " + op);
        }
    }

    /** The last checks of a run; then closes everything. */
    void finish() {
        dirtyAll = true;
        namesDirty = true;
        check();
        views.closeAll();
        List<OpenResource> open = store.openResources();
        if (!open.isEmpty()) {
            throw new Mismatch("resources", "resources still open after the run closed its own: " + open);
        }
        store.close();
        store.close();
        if (!store.isClosed()) {
            throw new Mismatch("close", "isClosed() is false after close()");
        }
    }

    /** Releases everything after a failure; never throws. */
    void closeQuietly() {
        views.closeQuietly();
        if (store != null) {
            quietly(store::close);
        }
    }

    static void quietly(Runnable r) {
        try {
            r.run();
        } catch (RuntimeException | AssertionError ignored) {
            // the run already failed; the first failure is the one reported
        }
    }

    long now() {
        return clock.millis();
    }

    void note(String s) {
        if (trace != null) {
            if (notes.length() > 0) {
                notes.append("; ");
            }
            notes.append(s);
        }
    }

    static Mismatch mismatch(String category, String message) {
        return new Mismatch(category, message);
    }

    // ---- checks after every step -------------------------------------------------------------

    private void check() {
        if (namesDirty) {
            List<String> got = store.keyspaces();
            List<String> want = model.names();
            if (!got.equals(want)) {
                throw mismatch("keyspaces", "keyspaces() is " + got + ", expected " + want);
            }
        }
        if (++sinceFullCheck >= FULL_CHECK_EVERY) {
            dirtyAll = true;
        }
        for (String ks : dirtyAll ? model.names() : new ArrayList<>(dirty)) {
            if (model.exists(ks)) {
                CursorModel m = new CursorModel(model, now(), ks, null, null, false, Long.MAX_VALUE, false);
                List<KeyValue> got = handles.get(ks).scan(Range.all(), ScanOptions.forward());
                feed(m, got, false, "contents of keyspace " + ks + " after the step", "state");
            }
        }
        if (dirtyAll) {
            sinceFullCheck = 0;
        }
        dirty.clear();
        dirtyAll = false;
        namesDirty = false;
        int held = views.held();
        List<OpenResource> open = store.openResources();
        if (open.size() != held) {
            throw mismatch("resources", "openResources() lists " + open.size() + " resources, the run holds "
                    + held + " (snapshots and cursors): " + open);
        }
    }

    private void feed(CursorModel m, List<KeyValue> got, boolean keysOnly, Object what, String category) {
        for (int i = 0; i < got.size(); i++) {
            KeyValue kv = got.get(i);
            if (keysOnly && kv.value() != null) {
                throw mismatch(category, what + ": keys-only scan returned a value for " + Bytes.key(kv.key()));
            }
            String err = m.next(true, kv.key(), kv.value(), now());
            if (err != null) {
                throw mismatch(category, what + ": " + err + "; got " + render(got) + ", the model holds "
                        + m.expected(now()));
            }
        }
        String err = m.next(false, null, null, now());
        if (err != null) {
            throw mismatch(category, what + ": " + err + "; got " + render(got) + ", the model holds "
                    + m.expected(now()));
        }
    }

    private static String render(List<KeyValue> list) {
        StringBuilder sb = new StringBuilder().append(list.size()).append(" entries [");
        for (int i = 0; i < list.size() && i < 16; i++) {
            if (i > 0) {
                sb.append(", ");
            }
            KeyValue kv = list.get(i);
            sb.append(Bytes.key(kv.key()));
            if (kv.value() != null) {
                sb.append('=').append(Bytes.value(kv.value()));
            }
        }
        return sb.append(list.size() > 16 ? ", ...]" : "]").toString();
    }

    static void expectIllegalState(Runnable r, String what) {
        try {
            r.run();
        } catch (IllegalStateException expected) {
            return;
        }
        throw mismatch("illegal state", what + " did not throw IllegalStateException");
    }

    private static void expectEqual(String category, Object what, byte[] want, byte[] got) {
        if (!Arrays.equals(want, got)) {
            throw mismatch(category, what + " returned " + Bytes.value(got) + ", expected " + Bytes.value(want));
        }
    }

    /**
     * Whether the keyspace exists in the model. If it does not but a handle from before its drop is
     * held, runs {@code onStale} through that handle and requires {@link NoSuchKeyspaceException}.
     */
    private boolean live(String ks, Consumer<Keyspace> onStale) {
        if (model.exists(ks)) {
            return true;
        }
        Keyspace old = stale.get(ks);
        if (old == null) {
            note("skipped: no keyspace " + ks);
            count("skipped");
            return false;
        }
        try {
            onStale.accept(old);
        } catch (NoSuchKeyspaceException expected) {
            note("NoSuchKeyspaceException, as expected");
            count("dropped keyspace handle rejected");
            return false;
        }
        throw mismatch("dropped keyspace", "a call through a handle to dropped keyspace " + ks
                + " did not throw NoSuchKeyspaceException");
    }

    private static byte[] copy(byte[] b) {
        return b == null ? null : b.clone();
    }

    /** Overwrites arrays handed to the store, which must have copied them. */
    static void scribble(byte[]... arrays) {
        for (byte[] a : arrays) {
            if (a != null) {
                Arrays.fill(a, (byte) 0x5A);
            }
        }
    }

    static long expiry(long now, long ttlMillis) {
        return ttlMillis > 0 ? now + ttlMillis : Oracle.NEVER;
    }

    // ---- single writes --------------------------------------------------------------------------

    private void put(Op.Put p) {
        if (!live(p.ks(), h -> h.put(p.key().clone(), p.value().clone()))) {
            return;
        }
        Keyspace h = handles.get(p.ks());
        byte[] k = p.key().clone();
        byte[] v = p.value().clone();
        if (p.ttlMillis() > 0) {
            h.put(k, v, WriteOptions.ttl(Duration.ofMillis(p.ttlMillis())));
        } else if (p.withOptions()) {
            h.put(k, v, WriteOptions.DEFAULT);
        } else {
            h.put(k, v);
        }
        scribble(k, v);
        model.put(p.ks(), p.key(), p.value(), expiry(now(), p.ttlMillis()));
        dirty.add(p.ks());
    }

    private void delete(Op.Delete d) {
        if (!live(d.ks(), h -> h.delete(d.key().clone()))) {
            return;
        }
        Keyspace h = handles.get(d.ks());
        if (d.withOptions()) {
            h.delete(d.key().clone(), WriteOptions.DEFAULT);
        } else {
            h.delete(d.key().clone());
        }
        model.delete(d.ks(), d.key());
        dirty.add(d.ks());
    }

    private void deleteRange(Op.DeleteRange d) {
        if (!live(d.ks(), h -> h.deleteRange(d.range().toRange()))) {
            return;
        }
        Keyspace h = handles.get(d.ks());
        if (d.withOptions()) {
            h.deleteRange(d.range().toRange(), WriteOptions.DEFAULT);
        } else {
            h.deleteRange(d.range().toRange());
        }
        model.deleteRange(d.ks(), d.range().start(), d.range().end());
        dirty.add(d.ks());
    }

    private void batch(Op.Batch b) {
        WriteBatch wb = new WriteBatch();
        Oracle work = model.copy();
        long now = now();
        String failedCheck = null;
        Set<String> touched = new LinkedHashSet<>();
        int skipped = 0;
        for (Op.BatchItem it : b.items()) {
            if (!model.exists(it.ks())) {
                skipped++;
                continue;
            }
            Keyspace h = handles.get(it.ks());
            touched.add(it.ks());
            switch (it.kind()) {
                case PUT:
                    wb.put(h, it.key(), it.value(), it.ttlMillis() > 0 ? WriteOptions.ttl(Duration.ofMillis(it.ttlMillis()))
                            : WriteOptions.DEFAULT);
                    work.put(it.ks(), it.key(), it.value(), expiry(now, it.ttlMillis()));
                    break;
                case DELETE:
                    wb.delete(h, it.key());
                    work.delete(it.ks(), it.key());
                    break;
                case DELETE_RANGE:
                    wb.deleteRange(h, it.range().toRange());
                    work.deleteRange(it.ks(), it.range().start(), it.range().end());
                    break;
                case REQUIRE_EQUALS: {
                    byte[] v = it.mode() == Op.RequireMode.AT_POINT ? work.get(it.ks(), it.key(), now)
                            : it.mode() == Op.RequireMode.BEFORE_BATCH ? model.get(it.ks(), it.key(), now) : it.value();
                    if (v == null) {
                        v = it.value();
                    }
                    wb.requireEquals(h, it.key(), v);
                    byte[] holds = work.get(it.ks(), it.key(), now);
                    if (failedCheck == null && !Arrays.equals(holds, v)) {
                        failedCheck = "requireEquals " + it.ks() + " " + Bytes.key(it.key()) + " = " + Bytes.value(v)
                                + " (the key holds " + Bytes.value(holds) + " at that point)";
                    }
                    break;
                }
                case REQUIRE_ABSENT: {
                    wb.requireAbsent(h, it.key());
                    byte[] holds = work.get(it.ks(), it.key(), now);
                    if (failedCheck == null && holds != null) {
                        failedCheck = "requireAbsent " + it.ks() + " " + Bytes.key(it.key())
                                + " (the key holds " + Bytes.value(holds) + " at that point)";
                    }
                    break;
                }
                default:
                    throw new AssertionError(it.kind());
            }
        }
        boolean want = failedCheck == null;
        boolean got = store.write(wb);
        note((got ? "applied" : "not applied") + (failedCheck != null ? ", " + failedCheck : "")
                + (skipped > 0 ? ", " + skipped + " operation(s) on absent keyspaces left out" : ""));
        if (got != want) {
            throw mismatch("batch result", "write() returned " + got + ", expected " + want
                    + (failedCheck != null ? " because " + failedCheck : " (every check holds)"));
        }
        if (want) {
            model = work;
        }
        count(want ? "batch applied" : "batch rejected");
        dirty.addAll(touched);
    }

    private void cas(Op.Cas c) {
        if (!live(c.ks(), h -> h.compareAndSet(c.key().clone(), null, new byte[] {1}))) {
            return;
        }
        Keyspace h = handles.get(c.ks());
        long now = now();
        byte[] cur = model.get(c.ks(), c.key(), now);
        byte[] expected;
        switch (c.expect()) {
            case CURRENT:
                expected = cur;
                break;
            case ABSENT:
                expected = null;
                break;
            default:
                expected = cur == null || !Arrays.equals(c.wrong(), cur) ? c.wrong() : Arrays.copyOf(cur, cur.length + 1);
        }
        boolean want = Arrays.equals(cur, expected);
        boolean got = c.ttlMillis() > 0
                ? h.compareAndSet(c.key().clone(), copy(expected), copy(c.newValue()),
                WriteOptions.ttl(Duration.ofMillis(c.ttlMillis())))
                : h.compareAndSet(c.key().clone(), copy(expected), copy(c.newValue()));
        note("expected " + Bytes.value(expected) + ", key held " + Bytes.value(cur) + ": "
                + (got ? "swapped" : "not swapped"));
        if (got != want) {
            throw mismatch("cas result", "compareAndSet returned " + got + ", expected " + want + ": the key held "
                    + Bytes.value(cur) + ", the call expected " + Bytes.value(expected));
        }
        count(want ? "cas swapped" : "cas refused");
        if (want) {
            if (c.newValue() == null) {
                model.delete(c.ks(), c.key());
            } else {
                model.put(c.ks(), c.key(), c.newValue(), expiry(now, c.ttlMillis()));
            }
        }
        dirty.add(c.ks());
    }

    // ---- reads of the latest state ------------------------------------------------------------

    private void get(Op.Get g) {
        if (!live(g.ks(), h -> h.get(g.key().clone()))) {
            return;
        }
        Keyspace h = handles.get(g.ks());
        byte[] want = model.get(g.ks(), g.key(), now());
        switch (g.form()) {
            case KEYSPACE_GET: {
                byte[] got = h.get(g.key().clone());
                note(Bytes.value(got));
                expectEqual("get", g, want, got);
                if (got != null && got.length > 0) {
                    got[0] ^= 1;
                    expectEqual("get", g + " after changing the array an earlier get returned", want,
                            h.get(g.key().clone()));
                }
                break;
            }
            case STORE_GET: {
                byte[] got = store.get(h, g.key().clone());
                note(Bytes.value(got));
                expectEqual("get", g, want, got);
                break;
            }
            case KEYSPACE_CONTAINS:
            case STORE_CONTAINS: {
                boolean got = g.form() == Op.GetForm.KEYSPACE_CONTAINS ? h.contains(g.key().clone())
                        : store.contains(h, g.key().clone());
                note(String.valueOf(got));
                if (got != (want != null)) {
                    throw mismatch("contains", g + " returned " + got + ", the key holds " + Bytes.value(want));
                }
                break;
            }
            default:
                throw new AssertionError(g.form());
        }
    }

    private void scan(Op.Scan s) {
        ReadSpec sp = s.spec();
        if (!live(sp.ks(), h -> h.scan(sp.range().toRange(), sp.options()))) {
            return;
        }
        CursorModel m = new CursorModel(model, now(), sp.ks(), sp.range().start(), sp.range().end(),
                sp.reverse(), sp.limit(), sp.keysOnly());
        read(store, handles.get(sp.ks()), sp, m, true, "scan");
    }

    /**
     * Reads a range through a view and checks it against a cursor model.
     *
     * @param live whether {@code view} is the store itself (so {@code Keyspace} methods apply)
     */
    void read(ReadView view, Keyspace h, ReadSpec sp, CursorModel m, boolean live, String category) {
        Range range = sp.range().toRange();
        ScanOptions o = sp.options();
        if (!sp.isCursor()) {
            List<KeyValue> got = live && sp.form() == ReadSpec.Form.KEYSPACE_SCAN ? h.scan(range, o)
                    : view.scan(h, range, o);
            note(got.size() + " entries");
            feed(m, got, sp.keysOnly(), sp, category);
            return;
        }
        try (Cursor c = live && sp.form() == ReadSpec.Form.KEYSPACE_CURSOR ? h.cursor(range, o)
                : view.cursor(h, range, o)) {
            drain(c, m, sp, category);
        }
    }

    private void drain(Cursor c, CursorModel m, ReadSpec sp, String category) {
        boolean seekPending = sp.seekAfter() >= 0;
        int n = 0;
        boolean checkedValue = false;
        List<String> seen = new ArrayList<>();
        while (true) {
            if (seekPending && n >= sp.seekAfter()) {
                c.seek(sp.seekKey().clone());
                m.seek(sp.seekKey());
                seekPending = false;
                seen.add("<seek>");
            }
            boolean has = c.next();
            byte[] k = has ? c.key() : null;
            byte[] v = has && !sp.keysOnly() ? c.value() : null;
            if (has && sp.keysOnly() && !checkedValue) {
                checkedValue = true;
                expectIllegalState(c::value, "value() of a keys-only cursor");
            }
            String err = m.next(has, k, v, now());
            if (err != null) {
                throw mismatch(category, sp + ": cursor " + err + "; before that it returned " + seen
                        + "; the model holds " + m.expected(now()));
            }
            if (has) {
                seen.add(Bytes.key(k));
                n++;
            } else if (seekPending) {
                n = sp.seekAfter();
            } else {
                break;
            }
        }
        note(n + " entries");
        expectIllegalState(c::key, "key() of a cursor past its end");
    }

    // ---- clock, maintenance, keyspaces, reopen --------------------------------------------------

    private void advanceClock(Op.AdvanceClock a) {
        long now = now();
        long target = now + a.millis();
        if (a.mode() == Op.ClockMode.TO_EXPIRY) {
            List<Long> expiries = model.futureExpiries(now);
            if (expiries.isEmpty()) {
                note("no expiry pending");
            } else {
                target = Math.max(now, expiries.get(a.pick() % expiries.size()) + a.offset());
                count(a.offset() == 0 ? "clock set to an expiry instant" : "clock set next to an expiry instant");
            }
        }
        advanceClock(target - now);
    }

    /** Moves the clock on; every keyspace is checked afterwards, since entries may have expired. */
    void advanceClock(long millis) {
        clock.advance(Duration.ofMillis(millis));
        note("+" + millis + "ms");
        dirtyAll = true;
    }

    private void flush() {
        store.flush();
        dirtyAll = true;
    }

    private void compact() {
        store.compact();
        dirtyAll = true;
    }

    private void createKeyspace(Op.CreateKeyspace c) {
        Keyspace k = store.createKeyspace(c.ks());
        if (!c.ks().equals(k.name())) {
            throw mismatch("keyspaces", "createKeyspace(" + c.ks() + ") returned a keyspace named " + k.name());
        }
        note(model.create(c.ks()) ? "created" : "existed");
        handles.put(c.ks(), k);
        stale.remove(c.ks());
        namesDirty = true;
        dirty.add(c.ks());
    }

    private void dropKeyspace(Op.DropKeyspace d) {
        if (DEFAULT.equals(d.ks())) {
            try {
                store.dropKeyspace(DEFAULT);
            } catch (IllegalArgumentException expected) {
                note("IllegalArgumentException, as expected");
                return;
            }
            throw mismatch("keyspaces", "dropKeyspace(default) did not throw IllegalArgumentException");
        }
        views.closeAll();
        boolean got = store.dropKeyspace(d.ks());
        boolean want = model.drop(d.ks());
        note(got ? "dropped" : "did not exist");
        if (got != want) {
            throw mismatch("keyspaces", "dropKeyspace(" + d.ks() + ") returned " + got + ", expected " + want);
        }
        if (want) {
            stale.put(d.ks(), handles.remove(d.ks()));
        }
        try {
            store.keyspace(d.ks());
            throw mismatch("keyspaces", "keyspace(" + d.ks() + ") of a dropped keyspace did not throw NoSuchKeyspaceException");
        } catch (NoSuchKeyspaceException expected) {
            // as the API says
        }
        namesDirty = true;
    }

    private void reopen() {
        if (!persistent) {
            note("skipped: engine not persistent");
            count("skipped");
            return;
        }
        count("reopened");
        views.closeAll();
        List<OpenResource> open = store.openResources();
        if (!open.isEmpty()) {
            throw mismatch("resources", "resources open before reopen: " + open);
        }
        store.close();
        open();
    }
}
