package dev.plinth.testkit.crash;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.testkit.crash.CrashViolation.Kind;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The crash checker against synthetic states: what a store might hold after a kill, built on the
 * in-memory engine with the workload's own write path, with one promise broken at a time. Proves the
 * checker can fail, and fails for the right reason.
 */
class CrashCheckerTest {
    private static final long SEED = 20260101L;
    private static final List<Durability> LEVELS = List.of(Durability.SYNC, Durability.PROCESS);

    private Store store;
    private Map<String, Keyspace> keyspaces;

    @BeforeEach
    void open() {
        store = Plinth.open("mem:");
        keyspaces = Map.of(WriteSpec.KEYSPACE_A, store.createKeyspace(WriteSpec.KEYSPACE_A),
                WriteSpec.KEYSPACE_B, store.createKeyspace(WriteSpec.KEYSPACE_B));
    }

    @AfterEach
    void close() {
        store.close();
    }

    // --- states that keep every promise -------------------------------------------------------------

    @Test
    void everyAcknowledgedWritePresentIsClean() {
        write(0, 200);
        CrashChecker.CycleCheck r = check(0, acks(0, 200));
        assertThat(r.violations).isEmpty();
        assertThat(r.verifiedTotal()).isEqualTo(200);
        assertThat(r.verified.get(Durability.SYNC)).isPositive();
        assertThat(r.verified.get(Durability.PROCESS)).isPositive();
        assertThat(r.batchesVerified).isEqualTo(countBatches(0, 200) + (spec(200).kind() == WriteSpec.Kind.BATCH ? 1 : 0));
        assertThat(r.highestPresent).isEqualTo(199);
        assertThat(r.inFlightPresent).isFalse();
    }

    @Test
    void theWriteInFlightMayBePresent() {
        write(0, 101);
        CrashChecker.CycleCheck r = check(0, acks(0, 100));
        assertThat(r.violations).isEmpty();
        assertThat(r.verifiedTotal()).isEqualTo(100);
        assertThat(r.highestPresent).isEqualTo(100);
        assertThat(r.inFlightPresent).isTrue();
    }

    @Test
    void laterCyclesStartAfterWhatEarlierOnesLeft() {
        write(0, 150);
        CrashChecker.CycleCheck r = new CrashChecker(SEED, LEVELS).check(store, 3, 100, acks(100, 150), 0, 100);
        assertThat(r.violations).isEmpty();
        assertThat(r.rechecked).isEqualTo(100);
        assertThat(r.verifiedTotal()).isEqualTo(50);
    }

    @Test
    void aKillBeforeAnyAcknowledgementIsClean() {
        write(0, 10);
        CrashChecker.CycleCheck r = check(10, acks(10, 10));
        assertThat(r.violations).isEmpty();
        assertThat(r.highestPresent).isEqualTo(9);
        assertThat(r.verifiedTotal()).isZero();
    }

    // --- broken promises -------------------------------------------------------------------------

    @Test
    void aHoleIsCaught() {
        write(0, 100);
        erase(50);
        CrashChecker.CycleCheck r = check(0, acks(0, 100));
        assertThat(kinds(r)).contains(Kind.HOLE, Kind.MISSING_ACKNOWLEDGED);
        assertThat(describe(r)).contains("write(s) 50 absent while write 51 is present");
    }

    @Test
    void aHoleAmongUnacknowledgedWritesIsCaught() {
        // Acknowledged up to 9; 10 (in flight) absent but 11 present: not a prefix, and 11 never started.
        write(0, 10);
        write(11, 12);
        CrashChecker.CycleCheck r = check(0, acks(0, 10));
        assertThat(kinds(r)).containsExactlyInAnyOrder(Kind.HOLE, Kind.NEVER_WRITTEN);
    }

    @Test
    void aMissingSyncWriteIsCaught() {
        long n = firstWith(Durability.SYNC, 20);
        write(0, n);
        CrashChecker.CycleCheck r = check(0, acks(0, n + 1));
        assertThat(kinds(r)).containsExactly(Kind.MISSING_ACKNOWLEDGED);
        assertThat(describe(r)).contains("{SYNC=1}").contains("write " + n + " (SYNC");
    }

    @Test
    void aMissingProcessWriteIsCaught() {
        long n = firstWith(Durability.PROCESS, 20);
        write(0, n);
        CrashChecker.CycleCheck r = check(0, acks(0, n + 1));
        assertThat(kinds(r)).containsExactly(Kind.MISSING_ACKNOWLEDGED);
        assertThat(describe(r)).contains("{PROCESS=1}");
    }

    @Test
    void aWholeCycleLostIsCaught() {
        CrashChecker.CycleCheck r = check(0, acks(0, 40));
        assertThat(kinds(r)).containsExactly(Kind.MISSING_ACKNOWLEDGED);
        assertThat(describe(r)).contains("40 acknowledged write(s) absent");
    }

    @Test
    void halfABatchIsCaught() {
        long b = firstBatch(10);
        write(0, b + 1);
        eraseKeyspace(b, WriteSpec.KEYSPACE_B);
        CrashChecker.CycleCheck r = check(0, acks(0, b + 1));
        assertThat(kinds(r)).containsExactly(Kind.PARTIAL_BATCH);
        assertThat(describe(r)).contains("(it was acknowledged)");
    }

    @Test
    void halfABatchInFlightIsCaught() {
        long b = firstBatch(10);
        write(0, b + 1);
        eraseKeyspace(b, WriteSpec.KEYSPACE_A);
        CrashChecker.CycleCheck r = check(0, acks(0, b));
        assertThat(kinds(r)).containsExactly(Kind.PARTIAL_BATCH);
        assertThat(describe(r)).contains("(it was in flight at the kill)");
    }

    @Test
    void aWrongValueIsCaught() {
        write(0, 30);
        WriteSpec.Part p = spec(17).parts().get(0);
        byte[] bad = p.value().length == 0 ? new byte[] {1} : p.value().clone();
        bad[bad.length - 1] ^= 1;
        keyspaces.get(p.keyspace()).put(p.key(), bad);
        CrashChecker.CycleCheck r = check(0, acks(0, 30));
        assertThat(kinds(r)).containsExactly(Kind.WRONG_VALUE);
        assertThat(describe(r)).contains("write 17");
    }

    @Test
    void aValueOfAnotherWriteIsCaught() {
        write(0, 30);
        WriteSpec.Part p = spec(12).parts().get(0);
        keyspaces.get(p.keyspace()).put(p.key(), spec(13).parts().get(0).value());
        assertThat(kinds(check(0, acks(0, 30)))).containsExactly(Kind.WRONG_VALUE);
    }

    @Test
    void aStrayKeyIsCaught() {
        write(0, 10);
        keyspaces.get(WriteSpec.KEYSPACE_A).put("x".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        keyspaces.get(WriteSpec.KEYSPACE_B).put("w/junk".getBytes(StandardCharsets.US_ASCII), new byte[0]);
        CrashChecker.CycleCheck r = check(0, acks(0, 10));
        assertThat(kinds(r)).containsExactly(Kind.UNEXPECTED_KEY, Kind.UNEXPECTED_KEY);
    }

    @Test
    void aWriteInTheWrongKeyspaceIsCaught() {
        long n = firstSingle(4);
        write(0, n + 5);
        WriteSpec.Part p = spec(n).parts().get(0);
        keyspaces.get(p.keyspace()).delete(p.key());
        String other = p.keyspace().equals(WriteSpec.KEYSPACE_A) ? WriteSpec.KEYSPACE_B : WriteSpec.KEYSPACE_A;
        keyspaces.get(other).put(p.key(), p.value());
        CrashChecker.CycleCheck r = check(0, acks(0, n + 5));
        assertThat(kinds(r)).containsExactly(Kind.UNEXPECTED_KEY, Kind.HOLE, Kind.MISSING_ACKNOWLEDGED);
    }

    @Test
    void aWriteVerifiedEarlierThenLostIsCaught() {
        write(0, 60);
        erase(7);
        CrashChecker.CycleCheck r = new CrashChecker(SEED, LEVELS).check(store, 5, 50, acks(50, 60), 0, 50);
        assertThat(kinds(r)).containsExactly(Kind.LOST);
        assertThat(r.violations.get(0).cycle()).isEqualTo(5);
        assertThat(r.violations.get(0).seed()).isEqualTo(SEED);
    }

    @Test
    void violationsAreCapped() {
        write(0, 200);
        for (long s = 0; s < 200; s += 2) {
            for (WriteSpec.Part p : spec(s).parts()) {
                keyspaces.get(p.keyspace()).put(p.key(), new byte[] {9, 9});
            }
        }
        CrashChecker.CycleCheck r = check(0, acks(0, 200));
        assertThat(r.violations).hasSize(CrashChecker.MAX_VIOLATIONS_LISTED + 1);
        assertThat(r.violations.get(r.violations.size() - 1).description()).contains("more violation(s)");
    }

    // --- the expected-state file -----------------------------------------------------------------

    @Test
    void aTornLastRecordIsIgnored() {
        write(0, 10);
        byte[] whole = ExpectedStateFile.encode(ExpectedStateFile.Ack.of(spec(10)));
        for (int cut = 1; cut < whole.length; cut++) {
            byte[] file = concat(bytes(acks(0, 10)), Arrays.copyOf(whole, cut));
            ExpectedStateFile.Contents c = ExpectedStateFile.parse(file);
            assertThat(c.acks()).hasSize(10);
            assertThat(c.tornTail()).isNotNull();
            CrashChecker.CycleCheck r = check(0, c);
            assertThat(r.violations).isEmpty();
            assertThat(r.ackedHigh).isEqualTo(9);
        }
    }

    @Test
    void aTornLastRecordsWriteMayBePresent() {
        write(0, 11);
        byte[] whole = ExpectedStateFile.encode(ExpectedStateFile.Ack.of(spec(10)));
        byte[] file = concat(bytes(acks(0, 10)), Arrays.copyOf(whole, whole.length / 2));
        CrashChecker.CycleCheck r = check(0, ExpectedStateFile.parse(file));
        assertThat(r.violations).isEmpty();
        assertThat(r.inFlightPresent).isTrue();
    }

    @Test
    void aDamagedLastRecordWithItsNewlineIsIgnored() {
        byte[] rec = ExpectedStateFile.encode(ExpectedStateFile.Ack.of(spec(3)));
        rec[4] ^= 0x01;
        ExpectedStateFile.Contents c = ExpectedStateFile.parse(concat(bytes(acks(0, 3)), rec));
        assertThat(c.acks()).hasSize(3);
        assertThat(c.tornTail()).contains("damaged");
        assertThat(c.damaged()).isEmpty();
    }

    @Test
    void aDamagedRecordBeforeTheLastIsAHarnessFailure() {
        byte[] file = bytes(acks(0, 5));
        file[3] = '#';
        ExpectedStateFile.Contents c = ExpectedStateFile.parse(file);
        assertThat(c.damaged()).hasSize(1);
        write(0, 5);
        assertThat(kinds(check(0, c))).containsExactly(Kind.EXPECTED_STATE);
    }

    @Test
    void recordsOutOfOrderAreAHarnessFailure() {
        write(0, 5);
        ExpectedStateFile.Contents c = new ExpectedStateFile.Contents(
                List.of(ExpectedStateFile.Ack.of(spec(0)), ExpectedStateFile.Ack.of(spec(2))), null, List.of());
        assertThat(kinds(check(0, c))).containsExactly(Kind.EXPECTED_STATE);
    }

    @Test
    void aRecordThatDisagreesWithTheWorkloadIsAHarnessFailure() {
        write(0, 5);
        WriteSpec w = spec(0);
        Durability other = w.durability() == Durability.SYNC ? Durability.PROCESS : Durability.SYNC;
        ExpectedStateFile.Ack lie = new ExpectedStateFile.Ack(0, w.kind(), w.parts().size(), other, w.contentCrc());
        assertThat(kinds(check(0, new ExpectedStateFile.Contents(List.of(lie), null, List.of()))))
                .containsExactly(Kind.EXPECTED_STATE);
    }

    // --- helpers -----------------------------------------------------------------------------------

    private static WriteSpec spec(long seq) {
        return WriteSpec.of(SEED, seq, LEVELS);
    }

    private void write(long from, long to) {
        for (long s = from; s < to; s++) {
            CrashWorkload.apply(keyspaces, spec(s), Durability.NONE); // mem: honours only NONE
        }
    }

    private void erase(long seq) {
        for (WriteSpec.Part p : spec(seq).parts()) {
            keyspaces.get(p.keyspace()).delete(p.key());
        }
    }

    private void eraseKeyspace(long seq, String keyspace) {
        for (WriteSpec.Part p : spec(seq).parts()) {
            if (p.keyspace().equals(keyspace)) {
                keyspaces.get(p.keyspace()).delete(p.key());
            }
        }
    }

    private CrashChecker.CycleCheck check(long startSeq, ExpectedStateFile.Contents c) {
        return new CrashChecker(SEED, LEVELS).check(store, 0, startSeq, c, 0, startSeq);
    }

    private static ExpectedStateFile.Contents acks(long from, long to) {
        return ExpectedStateFile.parse(bytesOf(from, to));
    }

    private static byte[] bytesOf(long from, long to) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        for (long s = from; s < to; s++) {
            out.writeBytes(ExpectedStateFile.encode(ExpectedStateFile.Ack.of(spec(s))));
        }
        return out.toByteArray();
    }

    private static byte[] bytes(ExpectedStateFile.Contents c) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        c.acks().forEach(a -> out.writeBytes(ExpectedStateFile.encode(a)));
        return out.toByteArray();
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] out = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, out, a.length, b.length);
        return out;
    }

    private static long firstWith(Durability d, long from) {
        long s = from;
        while (spec(s).durability() != d) {
            s++;
        }
        return s;
    }

    private static long firstBatch(long from) {
        long s = from;
        while (spec(s).kind() != WriteSpec.Kind.BATCH) {
            s++;
        }
        return s;
    }

    private static long firstSingle(long from) {
        long s = from;
        while (spec(s).kind() != WriteSpec.Kind.SINGLE) {
            s++;
        }
        return s;
    }

    private static long countBatches(long from, long to) {
        long n = 0;
        for (long s = from; s < to; s++) {
            n += spec(s).kind() == WriteSpec.Kind.BATCH ? 1 : 0;
        }
        return n;
    }

    private static List<Kind> kinds(CrashChecker.CycleCheck r) {
        return r.violations.stream().map(CrashViolation::kind).toList();
    }

    private static String describe(CrashChecker.CycleCheck r) {
        return r.violations.toString();
    }
}
