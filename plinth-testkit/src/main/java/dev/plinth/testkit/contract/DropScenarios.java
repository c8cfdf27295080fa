package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.Range;
import dev.plinth.ReadView;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.StoreOptions;
import dev.plinth.Transaction;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.function.Consumer;

/**
 * Keyspaces dropped under open cursors, as {@link KeyspaceDropContract} checks them: each scenario opens
 * cursors on a keyspace (through the keyspace, a snapshot or a transaction), drops it, and checks that the
 * cursors keep reading the view they opened on, to its end, in both directions, also after a seek, while
 * every new read of the dropped keyspace throws {@link NoSuchKeyspaceException}. Not thread-safe.
 *
 * <p>Such a drop is where an engine may free native state that a cursor still uses, and a crash there would
 * end the test run; so the contract runs these scenarios in a child JVM through {@link #main(String[])},
 * which prints one {@code PASS name} or {@code FAIL name} line per scenario (a failure's stack trace
 * follows, indented) and exits with status 0 only if every scenario passed.
 */
public final class DropScenarios {
    /** Entries written to each keyspace a scenario drops: {@code k00..k19}, values {@code v-kNN}. */
    static final int ENTRIES = 20;
    /** Entries read before the drop in the mid-walk scenarios. */
    static final int READ_BEFORE_DROP = 3;
    /** The seek target of the seek scenarios. */
    static final String SEEK_TARGET = "k10";
    /** Rounds of the scenario that walks cursors on one thread while another thread drops their keyspace. */
    static final int RACE_ROUNDS = 40;

    /** Which view a scenario's cursor is opened from. */
    enum View { KEYSPACE, SNAPSHOT, TRANSACTION }

    /** When the cursor moves, relative to the drop. */
    enum Move {
        /** Opened, dropped, then walked from its first entry. */
        FIRST_AFTER_DROP,
        /** A few entries read, dropped, then the rest. */
        MID_WALK,
        /** Dropped, then seek and walk. */
        SEEK_AFTER_DROP,
        /** Seek, dropped, then walk. */
        SEEK_BEFORE_DROP,
        /** A few entries read, dropped, then seek and walk. */
        MID_WALK_THEN_SEEK
    }

    /** One named scenario. */
    record Scenario(String name, Consumer<Store> body) {
    }

    private DropScenarios() {
    }

    /**
     * Every scenario, in the order they run; the last one closes the store.
     *
     * @return the scenarios
     */
    static List<Scenario> all() {
        List<Scenario> out = new ArrayList<>();
        int n = 0;
        for (View view : View.values()) {
            for (boolean reverse : new boolean[] {false, true}) {
                for (Move move : Move.values()) {
                    String name = "cursor-" + view.name().toLowerCase() + "-" + (reverse ? "reverse" : "forward") + "-"
                            + move.name().toLowerCase();
                    String keyspace = "dropped-" + n++;
                    out.add(new Scenario(name, s -> walkAcrossDrop(s, keyspace, view, reverse, move)));
                }
            }
        }
        out.add(new Scenario("keys-only-cursor-with-limit", s -> keysOnlyWithLimit(s, "dropped-limit")));
        out.add(new Scenario("transaction-with-pending-writes", s -> transactionWithPendingWrites(s, "dropped-tx")));
        out.add(new Scenario("cursors-walked-while-another-thread-drops", s -> racingDrops(s, "dropped-race")));
        out.add(new Scenario("store-closed-with-a-cursor-over-a-dropped-keyspace",
                s -> storeClosedUnderCursor(s, "dropped-last")));
        return out;
    }

    /**
     * Runs every scenario against a store, reporting each, and closes the store.
     *
     * @param store an open store of the engine under test, with nothing in it; closed on return
     * @param report told {@code PASS name} or {@code FAIL name} plus the stack trace, per scenario
     * @return the names of the scenarios that failed
     */
    static List<String> runAll(Store store, Consumer<String> report) {
        List<String> failed = new ArrayList<>();
        try {
            for (Scenario sc : all()) {
                try {
                    sc.body().accept(store);
                    report.accept("PASS " + sc.name());
                } catch (Throwable t) {
                    failed.add(sc.name());
                    StringWriter w = new StringWriter();
                    t.printStackTrace(new PrintWriter(w));
                    report.accept("FAIL " + sc.name() + "\n  " + w.toString().strip().replace("\n", "\n  "));
                }
            }
        } finally {
            store.close();
        }
        return failed;
    }

    /**
     * Runs every scenario in this JVM and exits with status 0 if all passed, 1 otherwise.
     *
     * @param args the store URI, then the default durability or {@code -}, then engine parameters as
     *     {@code name=value}
     */
    public static void main(String[] args) {
        StoreOptions.Builder b = StoreOptions.builder(args[0]);
        if (!args[1].equals("-")) {
            b.defaultDurability(Durability.valueOf(args[1]));
        }
        for (int i = 2; i < args.length; i++) {
            int eq = args[i].indexOf('=');
            b.param(args[i].substring(0, eq), args[i].substring(eq + 1));
        }
        List<String> failed = runAll(b.open(), System.out::println);
        System.out.flush();
        System.exit(failed.isEmpty() ? 0 : 1);
    }

    /**
     * The arguments {@link #main(String[])} needs to open a store like {@code options}.
     *
     * @param options options without decorators
     * @return the arguments
     */
    static List<String> arguments(StoreOptions options) {
        List<String> args = new ArrayList<>();
        args.add(options.uri());
        args.add(options.defaultDurability() == null ? "-" : options.defaultDurability().name());
        for (Map.Entry<String, String> p : options.params().entrySet()) {
            args.add(p.getKey() + "=" + p.getValue());
        }
        return args;
    }

    // ---- the scenarios

    private static String key(int i) {
        return String.format("k%02d", i);
    }

    /** A new keyspace holding {@link #ENTRIES} entries. */
    private static Keyspace filled(Store s, String name) {
        Keyspace ks = s.createKeyspace(name);
        for (int i = 0; i < ENTRIES; i++) {
            ks.put(bytes(key(i)), bytes("v-" + key(i)));
        }
        return ks;
    }

    /** Drops the keyspace, then creates it again and writes to the new one, which no old cursor may see. */
    private static Keyspace dropAndRecreate(Store s, String name) {
        assertThat(s.dropKeyspace(name)).as("drop of %s", name).isTrue();
        Keyspace again = s.createKeyspace(name);
        again.put(bytes(key(5)), bytes("new"));
        again.put(bytes("k10"), bytes("new"));
        again.put(bytes("zz"), bytes("new"));
        return again;
    }

    /** The entries, as {@code key=value}, from index {@code from} in the given direction. */
    private static List<String> expected(int from, boolean reverse) {
        List<String> out = new ArrayList<>();
        if (!reverse) {
            for (int i = from; i < ENTRIES; i++) {
                out.add(key(i) + "=v-" + key(i));
            }
        } else {
            for (int i = from; i >= 0; i--) {
                out.add(key(i) + "=v-" + key(i));
            }
        }
        return out;
    }

    private static void readOne(Cursor c, List<String> into) {
        assertThat(c.next()).as("an entry before the drop").isTrue();
        into.add(Bytes.show(c.key()) + "=" + Bytes.show(c.value()));
    }

    private static void walkAcrossDrop(Store s, String name, View view, boolean reverse, Move move) {
        Keyspace ks = filled(s, name);
        Snapshot snap = view == View.SNAPSHOT ? s.snapshot() : null;
        Transaction tx = view == View.TRANSACTION ? s.begin(Isolation.SERIALIZABLE) : null;
        ReadView reader = snap != null ? snap : tx != null ? tx : s;
        try {
            List<String> got = new ArrayList<>();
            List<String> want;
            Keyspace again;
            try (Cursor c = reader.cursor(ks, Range.all(), reverse ? ScanOptions.reverse() : ScanOptions.forward())) {
                int seekIndex = Integer.parseInt(SEEK_TARGET.substring(1));
                switch (move) {
                    case FIRST_AFTER_DROP -> {
                        again = dropAndRecreate(s, name);
                        want = expected(reverse ? ENTRIES - 1 : 0, reverse);
                    }
                    case MID_WALK -> {
                        for (int i = 0; i < READ_BEFORE_DROP; i++) {
                            readOne(c, got);
                        }
                        again = dropAndRecreate(s, name);
                        want = expected(reverse ? ENTRIES - 1 : 0, reverse);
                    }
                    case SEEK_AFTER_DROP -> {
                        again = dropAndRecreate(s, name);
                        c.seek(bytes(SEEK_TARGET));
                        want = expected(seekIndex, reverse);
                    }
                    case SEEK_BEFORE_DROP -> {
                        c.seek(bytes(SEEK_TARGET));
                        again = dropAndRecreate(s, name);
                        want = expected(seekIndex, reverse);
                    }
                    case MID_WALK_THEN_SEEK -> {
                        for (int i = 0; i < READ_BEFORE_DROP; i++) {
                            readOne(c, got);
                        }
                        again = dropAndRecreate(s, name);
                        c.seek(bytes(SEEK_TARGET));
                        List<String> before = new ArrayList<>(got);
                        want = new ArrayList<>(before);
                        want.addAll(expected(seekIndex, reverse));
                    }
                    default -> throw new IllegalStateException("unknown move " + move);
                }
                got.addAll(Bytes.entriesOf(c));
                assertThat(got).as("what the cursor opened before the drop reads, to its end").isEqualTo(want);
                assertThat(c.next()).as("still exhausted").isFalse();
            }
            // New reads of the dropped keyspace, through its old handle, throw; the new keyspace of the same
            // name is a different one, which a view taken before its creation sees empty.
            assertThatThrownBy(() -> ks.get(bytes(key(1)))).isInstanceOf(NoSuchKeyspaceException.class);
            assertThatThrownBy(() -> ks.cursor(Range.all()).close()).isInstanceOf(NoSuchKeyspaceException.class);
            if (reader != s) {
                assertThatThrownBy(() -> reader.get(ks, bytes(key(1)))).as("%s get", view)
                        .isInstanceOf(NoSuchKeyspaceException.class);
                assertThatThrownBy(() -> reader.cursor(ks, Range.all(), ScanOptions.forward()).close())
                        .as("%s cursor", view).isInstanceOf(NoSuchKeyspaceException.class);
                assertThat(reader.get(again, bytes(key(5)))).as("%s of the recreated keyspace", view).isNull();
                assertThat(reader.scan(again, Range.all(), ScanOptions.forward())).as("%s scan of the recreated keyspace", view)
                        .isEmpty();
            }
            if (tx != null) {
                assertThatThrownBy(() -> tx.put(ks, bytes("x"), bytes("y"))).isInstanceOf(NoSuchKeyspaceException.class);
            }
            assertThat(again.get(bytes(key(5)))).isEqualTo(bytes("new"));
            assertThat(again.get(bytes(key(6)))).as("nothing of the dropped keyspace in the new one").isNull();
        } finally {
            if (tx != null) {
                tx.close();
            }
            if (snap != null) {
                snap.close();
            }
        }
        assertThat(s.openResources()).isEmpty();
        s.dropKeyspace(name);
    }

    private static void keysOnlyWithLimit(Store s, String name) {
        Keyspace ks = filled(s, name);
        try (Cursor c = ks.cursor(Range.from(bytes("k04")), ScanOptions.reverse().withLimit(5).withKeysOnly(true))) {
            List<String> got = new ArrayList<>();
            assertThat(c.next()).isTrue();
            got.add(Bytes.show(c.key()));
            dropAndRecreate(s, name);
            assertThatThrownBy(c::value).as("keys-only").isInstanceOf(IllegalStateException.class);
            got.addAll(Bytes.keysOf(c));
            assertThat(got).containsExactly("k19", "k18", "k17", "k16", "k15");
        }
        s.dropKeyspace(name);
    }

    private static void transactionWithPendingWrites(Store s, String name) {
        Keyspace ks = filled(s, name);
        Keyspace other = s.createKeyspace(name + "-other");
        try (Transaction tx = s.begin(Isolation.SNAPSHOT)) {
            tx.put(ks, bytes(key(3)), bytes("pending"));
            tx.delete(ks, bytes(key(4)));
            tx.put(ks, bytes("k035"), bytes("added"));
            tx.put(other, bytes("o"), bytes("v"));
            List<String> got;
            try (Cursor c = tx.cursor(ks, Range.of(bytes(key(2)), bytes(key(6))), ScanOptions.forward())) {
                dropAndRecreate(s, name);
                got = Bytes.entriesOf(c);
            }
            assertThat(got).as("the transaction's view, its writes merged in")
                    .containsExactly("k02=v-k02", "k03=pending", "k035=added", "k05=v-k05");
            assertThatThrownBy(tx::commit).as("a commit writing to a dropped keyspace")
                    .isInstanceOf(NoSuchKeyspaceException.class);
        }
        assertThat(other.get(bytes("o"))).as("nothing of the failed commit was applied").isNull();
        assertThat(s.keyspace(name).get(bytes(key(3)))).isNull();
        assertThat(s.openResources()).isEmpty();
        s.dropKeyspace(name);
        s.dropKeyspace(name + "-other");
    }

    /** One thread walks cursors over a keyspace while another drops it; every walk reads its whole view. */
    private static void racingDrops(Store s, String name) {
        CyclicBarrier opened = new CyclicBarrier(2);
        List<Throwable> errors = Collections.synchronizedList(new ArrayList<>());
        Thread dropper = new Thread(() -> {
            try {
                for (int round = 0; round < RACE_ROUNDS; round++) {
                    opened.await();
                    s.dropKeyspace(name);
                }
            } catch (Throwable t) {
                errors.add(t);
                opened.reset();
            }
        }, "dropper");
        dropper.setDaemon(true);
        dropper.start();
        boolean walked = false;
        try {
            for (int round = 0; round < RACE_ROUNDS; round++) {
                Keyspace ks = filled(s, name);
                boolean reverse = round % 2 == 1;
                Snapshot snap = round % 3 == 2 ? s.snapshot() : null;
                ReadView view = snap != null ? snap : s;
                try (Cursor c = view.cursor(ks, Range.all(), reverse ? ScanOptions.reverse() : ScanOptions.forward())) {
                    opened.await();
                    if (round % 4 == 3) {
                        c.seek(bytes(SEEK_TARGET));
                        assertThat(Bytes.entriesOf(c)).as("round %d", round)
                                .isEqualTo(expected(Integer.parseInt(SEEK_TARGET.substring(1)), reverse));
                    } else {
                        assertThat(Bytes.entriesOf(c)).as("round %d", round)
                                .isEqualTo(expected(reverse ? ENTRIES - 1 : 0, reverse));
                    }
                } finally {
                    if (snap != null) {
                        snap.close();
                    }
                }
                while (s.keyspaces().contains(name)) {
                    Thread.onSpinWait(); // the drop of this round may still be running
                }
            }
            walked = true;
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            if (!walked) {
                opened.reset(); // lets the dropping thread out of its wait
            }
            try {
                dropper.join(60_000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        assertThat(errors).as("errors of the dropping thread").isEmpty();
        assertThat(dropper.isAlive()).as("the dropping thread ended").isFalse();
    }

    private static void storeClosedUnderCursor(Store s, String name) {
        Keyspace ks = filled(s, name);
        Snapshot snap = s.snapshot();
        Cursor plain = ks.cursor(Range.all());
        Cursor fromSnapshot = snap.cursor(ks, Range.all(), ScanOptions.reverse());
        assertThat(plain.next()).isTrue();
        s.dropKeyspace(name);
        assertThat(fromSnapshot.next()).isTrue();
        s.close(); // closes both cursors and the snapshot over the dropped keyspace
        assertThatThrownBy(plain::next).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(fromSnapshot::next).isInstanceOf(StoreClosedException.class);
        plain.close();
        fromSnapshot.close();
        snap.close();
    }
}
