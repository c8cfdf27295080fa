package dev.plinth.raftlog.testkit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Durability;
import dev.plinth.StoreClosedException;
import dev.plinth.raftlog.HardState;
import dev.plinth.raftlog.LogContinuityException;
import dev.plinth.raftlog.LogEntry;
import dev.plinth.raftlog.LogIndexOutOfRangeException;
import dev.plinth.raftlog.LogReader;
import dev.plinth.raftlog.RaftStorage;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The contract every {@link RaftStorage} keeps, as JUnit 5 tests: a {@link dev.plinth.raftlog.LogStore} and a
 * {@link dev.plinth.raftlog.MetaStore}. An implementation's test extends this class and implements
 * {@link #open(Path)} (usually with {@link #reopening}); see {@link RaftLogModelRunContract} for the seeded random
 * runs against the model. An implementation that cannot write entries and hard state in one step says so with
 * {@link RaftStorage#atomicHardState()}, and the contract then checks that it refuses cleanly.
 *
 * <p>Not thread safe: JUnit runs one instance per test. Needs JUnit Jupiter and AssertJ on the test class path
 * (optional dependencies of {@code plinth-raftlog}).
 */
public abstract class RaftLogStorageContract {

    /** The storage under test and the means to restart it on the same data. */
    public interface Subject extends AutoCloseable {
        /** The storage now open. */
        RaftStorage storage();

        /** Closes the storage (and what it runs on) and opens it again on the same data; returns the new one. */
        RaftStorage reopen();

        /** Closes everything. */
        @Override
        void close();
    }

    /**
     * Opens a fresh, empty storage.
     *
     * @param dir an empty directory the storage may use
     * @return the subject
     */
    protected abstract Subject open(Path dir);

    /**
     * A subject that restarts by closing the storage and opening it again.
     *
     * @param opener  opens the storage on the same data each time
     * @param crash   runs before the storage is closed for a restart (a simulated power loss, or nothing)
     * @param onClose runs after the last close (closing what the storage runs on, or nothing)
     * @return the subject
     */
    public static Subject reopening(java.util.function.Supplier<RaftStorage> opener, Runnable crash, Runnable onClose) {
        return new Subject() {
            RaftStorage s = opener.get();

            @Override
            public RaftStorage storage() {
                return s;
            }

            @Override
            public RaftStorage reopen() {
                crash.run();
                s.close();
                s = opener.get();
                return s;
            }

            @Override
            public void close() {
                s.close();
                onClose.run();
            }
        };
    }

    /** The durability the tests ask for; the strongest the implementation honours. */
    protected Durability durability() {
        return Durability.SYNC;
    }

    /** A directory for the storage under test. */
    @TempDir
    protected Path dir;
    /** The subject under test. */
    protected Subject subject;
    /** The storage now open. */
    protected RaftStorage s;
    /** The durability of every change, from {@link #durability()}. */
    protected Durability d;

    @BeforeEach
    public void openSubject() {
        subject = open(dir);
        s = subject.storage();
        d = durability();
    }

    @AfterEach
    public void closeSubject() {
        subject.close();
    }

    /** Restarts the storage on the same data. */
    protected void reopen() {
        s = subject.reopen();
    }

    /**
     * UTF-8 bytes.
     *
     * @param s the text
     * @return its bytes
     */
    public static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    /**
     * An entry whose payload names its index and term.
     *
     * @param index the index
     * @param term  the term
     * @return the entry
     */
    public static LogEntry e(long index, long term) {
        return new LogEntry(index, term, bytes("e" + index + "t" + term));
    }

    /**
     * Entries {@code from .. to} (both inclusive), all of one term.
     *
     * @param from the first index
     * @param to   the last index
     * @param term the term
     * @return the entries
     */
    public static List<LogEntry> run(long from, long to, long term) {
        List<LogEntry> l = new ArrayList<>();
        for (long i = from; i <= to; i++) {
            l.add(e(i, term));
        }
        return l;
    }

    /**
     * Asserts a group's first and last index.
     *
     * @param group the group
     * @param first the expected first index
     * @param last  the expected last index
     */
    protected void assertLog(long group, long first, long last) {
        assertThat(s.firstIndex(group)).as("firstIndex").isEqualTo(first);
        assertThat(s.lastIndex(group)).as("lastIndex").isEqualTo(last);
    }

    // ---- pipelined appends --------------------------------------------------------------------------------

    /** Where {@link #durability()} is not {@code SYNC}, {@code appendAsync} (a durable append) is refused. */
    private boolean asyncRefused() {
        if (d == Durability.SYNC) {
            return false;
        }
        assertThatThrownBy(() -> s.appendAsync(1, run(1, 3, 1)))
                .isInstanceOf(dev.plinth.UnsupportedCapabilityException.class);
        assertLog(1, 1, 0);
        return true;
    }

    @Test
    public void pipelinedAppendsAreInTheLogAtOnceAndAcknowledgedInOrderWithTheirLastIndex() {
        if (asyncRefused()) {
            return;
        }
        // Futures complete in the order of their calls: when a batch's future completes, every earlier one is done.
        // That is what each dependent action checks. (The order in which dependent actions run is not the order of
        // completion: a thread that joins a future may run that future's dependents itself, later than the
        // completing thread runs the next future's; recording the actions' order made this test fail at random.)
        java.util.concurrent.atomic.AtomicReferenceArray<java.util.concurrent.CompletableFuture<Long>> futures =
                new java.util.concurrent.atomic.AtomicReferenceArray<>(30);
        List<String> outOfOrder = java.util.Collections.synchronizedList(new ArrayList<>());
        List<java.util.concurrent.CompletableFuture<Void>> checked = new ArrayList<>();
        for (int b = 0; b < 30; b++) {
            long from = b * 4L + 1;
            java.util.concurrent.CompletableFuture<Long> f = s.appendAsync(5, run(from, from + 3, 1 + b / 10));
            futures.set(b, f);
            int batch = b;
            checked.add(f.thenAccept(last -> {
                for (int earlier = 0; earlier < batch; earlier++) {
                    if (!futures.get(earlier).isDone()) {
                        outOfOrder.add("batch " + batch + " before batch " + earlier);
                    }
                }
            }));
            // In the log as soon as the call returns, durable or not yet.
            assertLog(5, 1, from + 3);
            assertThat(s.entry(5, from + 3)).isEqualTo(e(from + 3, 1 + b / 10));
        }
        for (int b = 0; b < 30; b++) {
            assertThat(futures.get(b).join()).as("batch %d's last index", b).isEqualTo(b * 4L + 4);
        }
        checked.forEach(java.util.concurrent.CompletableFuture::join);
        assertThat(outOfOrder).as("acknowledged in the order handed over").isEmpty();
        assertThat(s.appendAsync(5, List.of()).join()).as("an empty list: the last index").isEqualTo(120);
        reopen();
        assertLog(5, 1, 120);
        assertThat(s.entries(5, 1, 121)).isEqualTo(concat(concat(run(1, 40, 1), run(41, 80, 2)), run(81, 120, 3)));
    }

    @Test
    public void aPipelinedAppendWithAGapOrAFallingTermIsRefusedBeforeAnythingChanges() {
        if (asyncRefused()) {
            return;
        }
        s.appendAsync(1, run(1, 5, 2)).join();
        assertThatThrownBy(() -> s.appendAsync(1, run(7, 8, 2))).isInstanceOf(LogContinuityException.class);
        assertThatThrownBy(() -> s.appendAsync(1, run(6, 7, 1))).isInstanceOf(LogContinuityException.class);
        assertLog(1, 1, 5);
        assertThat(s.appendAsync(1, run(6, 6, 2)).join()).isEqualTo(6);
    }

    @Test
    public void closeLeavesNoPipelinedAppendPendingAndRefusesMore() {
        if (asyncRefused()) {
            return;
        }
        List<java.util.concurrent.CompletableFuture<Long>> futures = new ArrayList<>();
        for (long i = 1; i <= 200; i += 10) {
            futures.add(s.appendAsync(3, run(i, i + 9, 1)));
        }
        s.close();
        for (java.util.concurrent.CompletableFuture<Long> f : futures) {
            assertThat(f).as("no future left pending by close").isDone();
            assertThat(f.join()).isPositive();
        }
        assertThatThrownBy(() -> s.appendAsync(3, run(201, 201, 1))).isInstanceOf(StoreClosedException.class);
        // Acknowledged, so durable: a restart (a power loss, where the subject simulates one) keeps them all.
        reopen();
        assertLog(3, 1, 200);
        assertThat(s.entries(3, 1, 201)).isEqualTo(run(1, 200, 1));
    }

    // ---- empty, single, batch ----------------------------------------------------------------------------

    @Test
    public void anEmptyLogStartsAtOneAndHoldsNothing() {
        assertLog(1, 1, 0);
        assertThat(s.termAt(1, 0)).isZero();
        assertThat(s.entries(1, 1, 1)).isEmpty();
        assertThatThrownBy(() -> s.entry(1, 1)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThatThrownBy(() -> s.termAt(1, 1)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThatThrownBy(() -> s.entry(1, 0)).isInstanceOf(LogIndexOutOfRangeException.class);
    }

    @Test
    public void aSingleEntryIsReadBack() {
        s.append(1, List.of(e(1, 1)), d);
        assertLog(1, 1, 1);
        assertThat(s.entry(1, 1)).isEqualTo(e(1, 1));
        assertThat(s.termAt(1, 1)).isEqualTo(1);
    }

    @Test
    public void aBatchIsReadBackInOrder() {
        s.append(7, run(1, 100, 3), d);
        s.append(7, run(101, 150, 4), d);
        assertLog(7, 1, 150);
        assertThat(s.entries(7, 1, 151)).isEqualTo(concat(run(1, 100, 3), run(101, 150, 4)));
        assertThat(s.entries(7, 40, 60)).isEqualTo(run(40, 59, 3));
        assertThat(s.termAt(7, 100)).isEqualTo(3);
        assertThat(s.termAt(7, 101)).isEqualTo(4);
    }

    @Test
    public void anEmptyAppendChangesNothing() {
        s.append(1, List.of(), d);
        assertLog(1, 1, 0);
    }

    @Test
    public void anEmptyPayloadIsAnEntry() {
        s.append(1, List.of(new LogEntry(1, 0, new byte[0])), d);
        assertThat(s.entry(1, 1).payload()).isEmpty();
        reopen();
        assertThat(s.entry(1, 1).payload()).isEmpty();
    }

    @Test
    public void theCallerMutatingAPayloadChangesNothingStored() {
        byte[] p = bytes("abc");
        LogEntry entry = new LogEntry(1, 1, p);
        p[0] = 'z';
        s.append(1, List.of(entry), d);
        s.entry(1, 1).payload()[0] = 'y';
        assertThat(s.entry(1, 1).payload()).isEqualTo(bytes("abc"));
    }

    // ---- rejected appends ------------------------------------------------------------------------------------

    @Test
    public void aGapIsRejectedAndNothingChanges() {
        s.append(1, run(1, 3, 1), d);
        assertThatThrownBy(() -> s.append(1, List.of(e(5, 1)), d)).isInstanceOf(LogContinuityException.class)
                .hasMessageContaining("index 4");
        assertThatThrownBy(() -> s.append(1, List.of(e(4, 1), e(6, 1)), d)).isInstanceOf(LogContinuityException.class);
        assertThatThrownBy(() -> s.append(1, List.of(e(3, 1)), d)).isInstanceOf(LogContinuityException.class);
        assertLog(1, 1, 3);
        reopen();
        assertLog(1, 1, 3);
    }

    @Test
    public void aFallingTermIsRejectedAndNothingChanges() {
        s.append(1, run(1, 3, 5), d);
        assertThatThrownBy(() -> s.append(1, List.of(e(4, 4)), d)).isInstanceOf(LogContinuityException.class)
                .hasMessageContaining("term");
        assertThatThrownBy(() -> s.append(1, List.of(e(4, 6), e(5, 5)), d)).isInstanceOf(LogContinuityException.class);
        assertLog(1, 1, 3);
    }

    @Test
    public void theFirstAppendMustStartAtOne() {
        assertThatThrownBy(() -> s.append(1, List.of(e(2, 1)), d)).isInstanceOf(LogContinuityException.class);
    }

    // ---- streaming reads -------------------------------------------------------------------------------------

    @Test
    public void aReadStopsAtTheByteBudgetButAlwaysReturnsOneEntry() {
        for (long i = 1; i <= 10; i++) {
            s.append(1, List.of(new LogEntry(i, 1, new byte[10])), d);
        }
        assertThat(read(1, 1, 11, 0)).isEqualTo(1);
        assertThat(read(1, 1, 11, 9)).isEqualTo(1);
        assertThat(read(1, 1, 11, 10)).isEqualTo(1);
        assertThat(read(1, 1, 11, 29)).isEqualTo(2);
        assertThat(read(1, 1, 11, 30)).isEqualTo(3);
        assertThat(read(1, 3, 11, Long.MAX_VALUE)).isEqualTo(8);
        assertThat(read(1, 5, 5, 0)).isZero();
    }

    int read(long g, long from, long to, long budget) {
        int n = 0;
        try (LogReader r = s.entries(g, from, to, budget)) {
            while (r.next()) {
                assertThat(r.entry().index()).isEqualTo(from + n);
                n++;
            }
            assertThat(r.next()).isFalse();
        }
        return n;
    }

    @Test
    public void readsOutsideTheLogOrInvertedAreRejected() {
        s.append(1, run(1, 5, 1), d);
        assertThatThrownBy(() -> s.entries(1, 4, 3, 10)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("inverted");
        assertThatThrownBy(() -> s.entries(1, 1, 7, 10)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThatThrownBy(() -> s.entries(1, 0, 3, 10)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThatThrownBy(() -> s.entries(1, 1, 2, -1)).isInstanceOf(IllegalArgumentException.class);
        assertThat(s.entries(1, 6, 6)).isEmpty();
    }

    @Test
    public void aReaderBeforeNextHasNoEntry() {
        s.append(1, run(1, 2, 1), d);
        try (LogReader r = s.entries(1, 1, 3, 100)) {
            assertThatThrownBy(r::entry).isInstanceOf(IllegalStateException.class);
            r.close();
            r.close();
        }
    }

    // ---- purge -----------------------------------------------------------------------------------------------

    @Test
    public void purgeMovesTheBoundaryAndKeepsItsTerm() {
        s.append(1, run(1, 5, 1), d);
        s.append(1, run(6, 10, 2), d);
        assertThat(s.purge(1, 6, d)).isEqualTo(6);
        assertLog(1, 7, 10);
        assertThat(s.termAt(1, 6)).isEqualTo(2);
        assertThatThrownBy(() -> s.entry(1, 6)).isInstanceOf(LogIndexOutOfRangeException.class)
                .hasMessageContaining("purged");
        assertThatThrownBy(() -> s.termAt(1, 5)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThat(s.entries(1, 7, 11)).isEqualTo(run(7, 10, 2));
    }

    @Test
    public void thePurgeBoundarySurvivesARestart() {
        s.append(1, run(1, 10, 3), d);
        s.purge(1, 4, d);
        reopen();
        assertLog(1, 5, 10);
        assertThat(s.termAt(1, 4)).isEqualTo(3);
    }

    @Test
    public void purgingEverythingKeepsTheBoundaryAndAppendsContinue() {
        s.append(1, run(1, 10, 3), d);
        assertThat(s.purge(1, 100, d)).isEqualTo(10);
        assertLog(1, 11, 10);
        assertThat(s.termAt(1, 10)).isEqualTo(3);
        reopen();
        assertLog(1, 11, 10);
        assertThat(s.termAt(1, 10)).isEqualTo(3);
        assertThatThrownBy(() -> s.append(1, List.of(e(11, 2)), d)).isInstanceOf(LogContinuityException.class);
        s.append(1, List.of(e(11, 3)), d);
        assertLog(1, 11, 11);
    }

    @Test
    public void purgingAnEmptyRangeChangesNothing() {
        assertThat(s.purge(1, 5, d)).isZero();
        assertLog(1, 1, 0);
        s.append(1, run(1, 10, 1), d);
        s.purge(1, 5, d);
        assertThat(s.purge(1, 3, d)).isEqualTo(5);
        assertThat(s.purge(1, 5, d)).isEqualTo(5);
        assertLog(1, 6, 10);
    }

    // ---- truncate --------------------------------------------------------------------------------------------

    @Test
    public void truncateDropsTheSuffix() {
        s.append(1, run(1, 10, 1), d);
        s.append(1, run(11, 12, 2), d);
        s.truncate(1, 11, d);
        assertLog(1, 1, 10);
        assertThat(s.termAt(1, 10)).isEqualTo(1);
        s.append(1, List.of(e(11, 1)), d);
        reopen();
        assertLog(1, 1, 11);
        assertThat(s.entry(1, 11)).isEqualTo(e(11, 1));
    }

    @Test
    public void truncateAtTheEndChangesNothingAndOutsideIsRejected() {
        s.append(1, run(1, 10, 1), d);
        s.purge(1, 3, d);
        s.truncate(1, 11, d);
        assertLog(1, 4, 10);
        assertThatThrownBy(() -> s.truncate(1, 12, d)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThatThrownBy(() -> s.truncate(1, 3, d)).isInstanceOf(LogIndexOutOfRangeException.class);
        s.truncate(1, 4, d);
        assertLog(1, 4, 3);
        assertThat(s.termAt(1, 3)).isEqualTo(1);
        reopen();
        assertLog(1, 4, 3);
    }

    // ---- replaceFrom -----------------------------------------------------------------------------------------

    @Test
    public void replaceFromSwapsAConflictingSuffix() {
        s.append(1, run(1, 10, 1), d);
        s.replaceFrom(1, 6, run(6, 8, 2), d);
        assertLog(1, 1, 8);
        assertThat(s.entries(1, 1, 9)).isEqualTo(concat(run(1, 5, 1), run(6, 8, 2)));
        s.replaceFrom(1, 8, run(8, 20, 3), d);
        assertLog(1, 1, 20);
        reopen();
        assertThat(s.entries(1, 1, 21)).isEqualTo(concat(run(1, 5, 1), run(6, 7, 2), run(8, 20, 3)));
    }

    @Test
    public void replaceFromAtTheEndAppendsAndEmptyTruncates() {
        s.append(1, run(1, 3, 1), d);
        s.replaceFrom(1, 4, run(4, 5, 1), d);
        assertLog(1, 1, 5);
        s.replaceFrom(1, 2, List.of(), d);
        assertLog(1, 1, 1);
    }

    @Test
    public void replaceFromRejectsBadArgumentsAndChangesNothing() {
        s.append(1, run(1, 5, 2), d);
        s.purge(1, 1, d);
        assertThatThrownBy(() -> s.replaceFrom(1, 3, run(4, 5, 2), d)).isInstanceOf(LogContinuityException.class);
        assertThatThrownBy(() -> s.replaceFrom(1, 3, run(3, 4, 1), d)).isInstanceOf(LogContinuityException.class);
        assertThatThrownBy(() -> s.replaceFrom(1, 1, run(1, 4, 2), d)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThatThrownBy(() -> s.replaceFrom(1, 7, run(7, 8, 2), d)).isInstanceOf(LogIndexOutOfRangeException.class);
        assertThat(s.entries(1, 2, 6)).isEqualTo(run(2, 5, 2));
    }

    // ---- reset -----------------------------------------------------------------------------------------------

    @Test
    public void resetDropsEntriesSetsTheBoundaryAndKeepsMeta() {
        s.append(1, run(1, 10, 1), d);
        s.saveHardState(1, new HardState(4, 2, 9), d);
        s.put(1, "applied", bytes("9"), d);
        s.reset(1, 100, 4, d);
        assertLog(1, 101, 100);
        assertThat(s.termAt(1, 100)).isEqualTo(4);
        s.append(1, List.of(e(101, 4)), d);
        reopen();
        assertLog(1, 101, 101);
        assertThat(s.termAt(1, 100)).isEqualTo(4);
        assertThat(s.loadHardState(1)).isEqualTo(new HardState(4, 2, 9));
        assertThat(s.get(1, "applied")).isEqualTo(bytes("9"));
        assertThatThrownBy(() -> s.reset(1, -1, 0, d)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void resetToZeroEmptiesTheLog() {
        s.append(1, run(1, 10, 1), d);
        s.purge(1, 5, d);
        s.reset(1, 0, 0, d);
        assertLog(1, 1, 0);
        reopen();
        assertLog(1, 1, 0);
        s.append(1, run(1, 2, 1), d);
    }

    // ---- hard state and the key-value area -------------------------------------------------------------------

    @Test
    public void hardStateIsInitialThenTheLastSaved() {
        assertThat(s.loadHardState(3)).isEqualTo(HardState.INITIAL);
        s.saveHardState(3, new HardState(1, HardState.NO_VOTE, 0), d);
        s.saveHardState(3, new HardState(2, 5, 7), d);
        assertThat(s.loadHardState(3)).isEqualTo(new HardState(2, 5, 7));
        assertThat(s.loadHardState(4)).isEqualTo(HardState.INITIAL);
        reopen();
        assertThat(s.loadHardState(3)).isEqualTo(new HardState(2, 5, 7));
    }

    @Test
    public void entriesAndHardStateAreWrittenTogether() {
        if (!s.atomicHardState()) {
            s.append(3, run(1, 2, 1), d);
            assertThatThrownBy(() -> s.appendWithHardState(3, run(3, 4, 1), new HardState(1, 2, 2), d))
                    .isInstanceOf(dev.plinth.UnsupportedCapabilityException.class)
                    .hasMessageContaining("hard state");
            assertLog(3, 1, 2);
            assertThat(s.loadHardState(3)).isEqualTo(HardState.INITIAL);
            return;
        }
        s.appendWithHardState(3, run(1, 3, 1), new HardState(1, 2, 0), d);
        s.appendWithHardState(3, run(4, 5, 2), new HardState(2, HardState.NO_VOTE, 3), d);
        s.appendWithHardState(3, List.of(), new HardState(2, HardState.NO_VOTE, 5), d);
        assertLog(3, 1, 5);
        assertThat(s.loadHardState(3)).isEqualTo(new HardState(2, HardState.NO_VOTE, 5));
        assertThat(s.entries(3, 1, 6)).isEqualTo(concat(run(1, 3, 1), run(4, 5, 2)));
        reopen();
        assertLog(3, 1, 5);
        assertThat(s.loadHardState(3)).isEqualTo(new HardState(2, HardState.NO_VOTE, 5));
        assertThat(s.entries(3, 1, 6)).isEqualTo(concat(run(1, 3, 1), run(4, 5, 2)));
        assertThat(s.loadHardState(4)).isEqualTo(HardState.INITIAL);
    }

    @Test
    public void aRejectedAppendWithHardStateChangesNeither() {
        if (!s.atomicHardState()) {
            return;
        }
        s.appendWithHardState(3, run(1, 2, 2), new HardState(2, 1, 0), d);
        assertThatThrownBy(() -> s.appendWithHardState(3, run(4, 4, 2), new HardState(3, 1, 2), d))
                .isInstanceOf(LogContinuityException.class);
        assertThatThrownBy(() -> s.appendWithHardState(3, run(3, 3, 1), new HardState(3, 1, 2), d))
                .isInstanceOf(LogContinuityException.class);
        assertThatThrownBy(() -> s.appendWithHardState(3, run(3, 3, 2), null, d))
                .isInstanceOf(NullPointerException.class);
        assertLog(3, 1, 2);
        assertThat(s.loadHardState(3)).isEqualTo(new HardState(2, 1, 0));
        reopen();
        assertLog(3, 1, 2);
        assertThat(s.loadHardState(3)).isEqualTo(new HardState(2, 1, 0));
    }

    /**
     * Two lists of entries, one after the other.
     *
     * @param a the first
     * @param b the second
     * @return a new list
     */
    public static List<LogEntry> concat(List<LogEntry> a, List<LogEntry> b) {
        List<LogEntry> l = new ArrayList<>(a);
        l.addAll(b);
        return l;
    }

    @Test
    public void theKeyValueAreaPutsGetsAndDeletesPerGroup() {
        assertThat(s.get(1, "conf")).isNull();
        s.put(1, "conf", bytes("a,b,c"), d);
        s.put(2, "conf", bytes("x"), d);
        s.put(1, "conf", bytes("a,b"), d);
        assertThat(s.get(1, "conf")).isEqualTo(bytes("a,b"));
        assertThat(s.delete(2, "conf", d)).isTrue();
        assertThat(s.delete(2, "conf", d)).isFalse();
        reopen();
        assertThat(s.get(1, "conf")).isEqualTo(bytes("a,b"));
        assertThat(s.get(2, "conf")).isNull();
        assertThatThrownBy(() -> s.put(1, "", bytes("x"), d)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> s.put(1, "k".repeat(dev.plinth.raftlog.MetaStore.MAX_KEY_BYTES + 1), bytes("x"), d))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    public void metaKeysDoNotCollideWithTheHardState() {
        s.saveHardState(1, new HardState(3, 1, 2), d);
        s.put(1, "\u0000", bytes("x"), d);
        assertThat(s.loadHardState(1)).isEqualTo(new HardState(3, 1, 2));
        assertThat(s.get(1, "\u0000")).isEqualTo(bytes("x"));
    }

    // ---- durability, flush, many groups, close ---------------------------------------------------------------

    @Test
    public void flushPersistsEverything() {
        s.append(1, run(1, 5, 1), d);
        s.saveHardState(1, new HardState(1, 1, 5), d);
        s.flush();
        reopen();
        assertThat(s.entries(1, 1, 6)).isEqualTo(run(1, 5, 1));
        assertThat(s.loadHardState(1)).isEqualTo(new HardState(1, 1, 5));
    }

    @Test
    public void aThousandGroupsKeepTheirOwnLogs() {
        for (long g = 0; g < 1000; g++) {
            s.append(g, run(1, 1 + g % 3, g), d);
            if (g % 2 == 0) {
                s.purge(g, 1, d);
            }
        }
        s.append(-1, run(1, 2, 1), d);
        reopen();
        for (long g = 0; g < 1000; g++) {
            assertLog(g, g % 2 == 0 ? 2 : 1, 1 + g % 3);
            assertThat(s.termAt(g, 1 + g % 3)).isEqualTo(g);
        }
        assertLog(-1, 1, 2);
    }

    @Test
    public void groupsWrittenFromManyThreadsAtOnceKeepTheirOwnLogs() throws Exception {
        int threads = 4;
        int batches = 25;
        List<Thread> all = new ArrayList<>();
        List<Throwable> errors = java.util.Collections.synchronizedList(new ArrayList<>());
        for (int t = 0; t < threads; t++) {
            long g = 100 + t;
            all.add(new Thread(() -> {
                try {
                    for (int b = 0; b < batches; b++) {
                        long next = s.lastIndex(g) + 1;
                        s.append(g, run(next, next + 3, b), d);
                        if (b % 5 == 4) {
                            s.purge(g, next, d);
                        }
                        // A reader of another group, while that group is being written and purged: the index it
                        // saw may be purged before it asks, which must be reported, never answered wrongly.
                        long other = 100 + (g + 1) % threads;
                        long last = s.lastIndex(other);
                        try {
                            assertThat(s.entry(other, last).index()).isEqualTo(last);
                        } catch (LogIndexOutOfRangeException purgedMeanwhile) {
                            assertThat(s.firstIndex(other)).isGreaterThan(Math.min(last, s.firstIndex(other) - 1));
                        }
                    }
                } catch (Throwable e) {
                    errors.add(e);
                }
            }));
        }
        all.forEach(Thread::start);
        for (Thread t : all) {
            t.join();
        }
        assertThat(errors).isEmpty();
        reopen();
        for (int t = 0; t < threads; t++) {
            long g = 100 + t;
            assertThat(s.lastIndex(g)).isEqualTo(4L * batches);
            assertThat(s.firstIndex(g)).isEqualTo(4L * (batches - 1) + 2);
            assertThat(s.entries(g, s.firstIndex(g), s.lastIndex(g) + 1))
                    .isEqualTo(run(s.firstIndex(g), 4L * batches, batches - 1));
        }
    }

    @Test
    public void oneGroupWrittenByOneThreadAfterAnother() throws Exception {
        for (int t = 0; t < 3; t++) {
            Thread w = new Thread(() -> s.append(1, run(s.lastIndex(1) + 1, s.lastIndex(1) + 2, 1), d));
            w.start();
            w.join();
        }
        assertThat(s.entries(1, 1, 7)).isEqualTo(run(1, 6, 1));
    }

    @Test
    public void everyCallAfterCloseFailsAndCloseIsIdempotent() {
        s.append(1, run(1, 3, 1), d);
        LogReader r = s.entries(1, 1, 4, 100);
        s.close();
        s.close();
        assertThat(s.isClosed()).isTrue();
        assertThatThrownBy(() -> s.append(1, List.of(e(4, 1)), d)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> s.entry(1, 1)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> s.lastIndex(1)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> s.loadHardState(1)).isInstanceOf(StoreClosedException.class);
        assertThatThrownBy(() -> s.get(1, "k")).isInstanceOf(StoreClosedException.class);
        r.close();
    }

    @SafeVarargs
    static <T> List<T> concat(List<T>... parts) {
        List<T> l = new ArrayList<>();
        for (List<T> p : parts) {
            l.addAll(p);
        }
        return l;
    }
}
