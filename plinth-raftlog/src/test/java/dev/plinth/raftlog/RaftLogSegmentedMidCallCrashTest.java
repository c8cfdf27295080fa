package dev.plinth.raftlog;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.PlinthException;
import dev.plinth.raftlog.testkit.RaftLogModel;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * A crash in the middle of a purge, reset, replace or append of the segmented log, or of the first save of a group's
 * {@code hardstate} or {@code meta} file: the machine dies at the N-th file operation of a kind (a sticky fault stops
 * the call there, then power is lost). After the restart the log is wholly as before the call or wholly as after it.
 */
class RaftLogSegmentedMidCallCrashTest {
    static final long G = 9;
    static final List<IoOp> KINDS = List.of(IoOp.CREATE, IoOp.WRITE, IoOp.FORCE, IoOp.RENAME, IoOp.SYNC_DIRECTORY,
            IoOp.DELETE, IoOp.TRUNCATE);
    static final HardState VOTED = new HardState(5, 3, 0);
    static final List<PowerLoss> CRASHES = List.of(PowerLoss.processCrash(), PowerLoss.dropUnsynced(),
            PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite());

    private record View(long first, long last, long boundaryTerm, List<LogEntry> entries) {
        static View of(RaftStorage s) {
            return new View(s.firstIndex(G), s.lastIndex(G), s.termAt(G, s.firstIndex(G) - 1),
                    s.entries(G, s.firstIndex(G), s.lastIndex(G) + 1));
        }
    }

    private static void prepare(RaftStorage s) {
        for (long i = 1; i <= 30; i++) {
            s.append(G, List.of(new LogEntry(i, i / 10, new byte[25])), Durability.SYNC);
        }
    }

    @Test
    void purgeIsAllOrNothing() {
        everyCrashPoint("purge", s -> s.purge(G, 22, Durability.SYNC));
    }

    @Test
    void resetIsAllOrNothing() {
        everyCrashPoint("reset", s -> s.reset(G, 100, 7, Durability.SYNC));
    }

    @Test
    void resetBelowTheOldEntriesIsAllOrNothing() {
        everyCrashPoint("reset below", s -> s.reset(G, 3, 0, Durability.SYNC));
    }

    @Test
    void replaceIsAllOrNothing() {
        everyCrashPoint("replace", s -> s.replaceFrom(G, 5, List.of(new LogEntry(5, 9, new byte[3]),
                new LogEntry(6, 9, new byte[200])), Durability.SYNC));
    }

    @Test
    void truncateIsAllOrNothing() {
        everyCrashPoint("truncate", s -> s.truncate(G, 12, Durability.SYNC));
    }

    @Test
    void aFirstHardStateSaveOnAGroupWithEntriesIsAllOrNothing() {
        everyFirstSaveCrashPoint("first saveHardState", true, s -> s.saveHardState(G, VOTED, Durability.SYNC),
                s -> s.loadHardState(G), HardState.INITIAL, VOTED);
    }

    @Test
    void aFirstHardStateSaveOnAFreshGroupIsAllOrNothing() {
        everyFirstSaveCrashPoint("first saveHardState, fresh group", false,
                s -> s.saveHardState(G, VOTED, Durability.SYNC), s -> s.loadHardState(G), HardState.INITIAL, VOTED);
    }

    @Test
    void aFirstPutOnAGroupWithEntriesIsAllOrNothing() {
        everyFirstSaveCrashPoint("first put", true, s -> s.put(G, "k", new byte[] {7}, Durability.SYNC),
                s -> s.get(G, "k") == null ? null : List.of(s.get(G, "k")[0]), null, List.of((byte) 7));
    }

    @Test
    void aFirstPutOnAFreshGroupIsAllOrNothing() {
        everyFirstSaveCrashPoint("first put, fresh group", false, s -> s.put(G, "k", new byte[] {7}, Durability.SYNC),
                s -> s.get(G, "k") == null ? null : List.of(s.get(G, "k")[0]), null, List.of((byte) 7));
    }

    /**
     * The first save of a {@code hardstate} or {@code meta} file, cut at the N-th file operation of a kind, then each
     * kind of crash, an open, a second power loss that drops what that open left unsynced and another open: no open
     * refuses the log (a files record must never outlive the file it names), the value read is the old or the new
     * one and stays what the first open read, the new one if the save returned, and the entries are as before.
     */
    private static void everyFirstSaveCrashPoint(String what, boolean withEntries, Consumer<RaftStorage> save,
            Function<RaftStorage, Object> read, Object before, Object after) {
        int crashed = 0;
        for (IoOp kind : KINDS) {
            for (int nth = 1; nth <= 6; nth++) {
                for (PowerLoss crash : CRASHES) {
                    FaultyVfs vfs = new FaultyVfs(new MemVfs(nth), nth);
                    RaftStorage s = RaftLogs.openSegmented(vfs, 200);
                    if (withEntries) {
                        prepare(s);
                    }
                    View entries = View.of(s);
                    List<Throwable> thrown = crashInside(vfs, kind, nth, crash, s, save);
                    if (!thrown.isEmpty()) {
                        crashed++;
                    }
                    String at = String.format("%s with a crash at %s #%d, then %s (failed: %s)", what, kind, nth,
                            crash, thrown);
                    Object first;
                    try (RaftStorage r = RaftLogs.openSegmented(vfs, 200)) {
                        first = read.apply(r);
                        assertThat(first).as(at).isIn(before, after);
                        if (thrown.isEmpty()) {
                            assertThat(first).as("%s: the save returned", at).isEqualTo(after);
                        }
                        assertThat(View.of(r)).as(at).isEqualTo(entries);
                    }
                    vfs.powerLoss(PowerLoss.dropUnsynced());
                    try (RaftStorage r = RaftLogs.openSegmented(vfs, 200)) {
                        assertThat(read.apply(r)).as("%s, open, power loss, open", at).isEqualTo(first);
                        assertThat(View.of(r)).as("%s, open, power loss, open", at).isEqualTo(entries);
                    }
                }
            }
        }
        assertThat(crashed).as("calls cut short").isPositive();
    }

    /**
     * Runs {@code change} with a sticky fault at the {@code nth} operation of {@code kind}, then crashes and closes
     * {@code s}; returns what the call threw (empty if it returned).
     */
    private static List<Throwable> crashInside(FaultyVfs vfs, IoOp kind, int nth, PowerLoss crash, RaftStorage s,
            Consumer<RaftStorage> change) {
        vfs.inject(Fault.on(kind).at(nth).sticky());
        List<Throwable> thrown = new ArrayList<>();
        try {
            change.accept(s);
        } catch (PlinthException e) {
            thrown.add(e);
        }
        vfs.clearFaults();
        vfs.powerLoss(crash);
        s.close();
        return thrown;
    }

    private static void everyCrashPoint(String what, Consumer<RaftStorage> change) {
        int crashed = 0;
        for (IoOp kind : KINDS) {
            for (int nth = 1; nth <= 4; nth++) {
                FaultyVfs vfs = new FaultyVfs(new MemVfs(nth), nth);
                RaftStorage s = RaftLogs.openSegmented(vfs, 200);
                prepare(s);
                View before = View.of(s);
                RaftLogModel model = new RaftLogModel();
                prepare(model);
                change.accept(model);
                View after = View.of(model);
                List<Throwable> thrown = crashInside(vfs, kind, nth, PowerLoss.dropUnsynced(), s, change);
                if (!thrown.isEmpty()) {
                    crashed++;
                }
                try (RaftStorage r = RaftLogs.openSegmented(vfs, 200)) {
                    View got = View.of(r);
                    assertThat(got).as("%s with a crash at %s #%d (failed: %s)", what, kind, nth, thrown)
                            .isIn(before, after);
                    if (thrown.isEmpty()) {
                        assertThat(got).as("%s completed before %s #%d", what, kind, nth).isEqualTo(after);
                    }
                }
            }
        }
        assertThat(crashed).as("calls cut short").isPositive();
    }
}
