package dev.plinth.testkit.crash;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.testkit.crash.CrashViolation.Kind;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.zip.CRC32C;

/**
 * Checks a store reopened after a kill against what the child acknowledged. Knows nothing of processes:
 * it reads a {@link Store} and an {@link ExpectedStateFile.Contents}, so unit tests feed it synthetic
 * states.
 *
 * <p>The model: writes are numbered and made one at a time by a single thread, so after the kill the
 * workload keys present must be exactly the writes {@code 0..h}, each complete and byte-exact, for some
 * {@code h} with {@code ackedHigh <= h <= ackedHigh + 1}: every acknowledged write is there (whatever its
 * durability, a process kill keeps both {@code SYNC} and {@code PROCESS} writes), the one write that was
 * in flight may or may not be, and nothing else. Writes verified in earlier cycles ({@code < startSeq})
 * must still be there; a caller-chosen slice of them is read again each cycle.
 *
 * <p>Not thread-safe; one instance per run.
 */
final class CrashChecker {
    /** Violations listed per cycle; the rest are counted in one last violation. */
    static final int MAX_VIOLATIONS_LISTED = 25;
    /** Sequence numbers named in one violation's description. */
    private static final int MAX_SEQS_NAMED = 8;

    private final long seed;
    private final List<Durability> levels;

    /**
     * A checker for one run.
     *
     * @param seed the run's seed
     * @param levels the durability levels the workload chose from, in its order
     */
    CrashChecker(long seed, List<Durability> levels) {
        this.seed = seed;
        this.levels = List.copyOf(levels);
    }

    /** What one cycle's check found. Mutable, filled in by {@link #check}. */
    static final class CycleCheck {
        /** The highest write present, or {@code startSeq - 1} if none of this cycle's is. */
        long highestPresent;
        /** The last acknowledged write of this cycle, or {@code startSeq - 1} if none. */
        long ackedHigh;
        /** Acknowledged writes of this cycle found complete, per durability. */
        final Map<Durability, Long> verified = new EnumMap<>(Durability.class);
        /** Batches found all or nothing: the acknowledged ones (all) and the in-flight one (either). */
        long batchesVerified;
        /** Whether the write in flight at the kill was found: {@code null} if not judged. */
        Boolean inFlightPresent;
        /** Earlier cycles' writes read again and found intact. */
        long rechecked;
        final List<CrashViolation> violations = new ArrayList<>();
        private int suppressed;

        long verifiedTotal() {
            return verified.values().stream().mapToLong(Long::longValue).sum();
        }

        boolean clean() {
            return violations.isEmpty();
        }
    }

    /**
     * Checks one cycle.
     *
     * @param store the reopened store
     * @param cycle the cycle number, for violations
     * @param startSeq the first write of this cycle: every write before it was verified present earlier
     * @param expected what the child recorded in this cycle
     * @param recheckFrom the first earlier write to read again (inclusive)
     * @param recheckTo the end of the earlier writes to read again (exclusive), at most {@code startSeq}
     * @return what was found
     */
    CycleCheck check(Store store, int cycle, long startSeq, ExpectedStateFile.Contents expected, long recheckFrom,
            long recheckTo) {
        if (recheckFrom < 0 || recheckTo < recheckFrom || recheckTo > startSeq) {
            throw new IllegalArgumentException("bad recheck range [" + recheckFrom + ", " + recheckTo
                    + ") for start " + startSeq);
        }
        CycleCheck out = new CycleCheck();
        out.highestPresent = startSeq - 1;
        out.ackedHigh = startSeq - 1;
        for (Durability d : levels) {
            out.verified.put(d, 0L);
        }
        List<ExpectedStateFile.Ack> acks = expected.acks();
        if (!validateAcks(out, cycle, startSeq, expected)) {
            return out;
        }
        out.ackedHigh = startSeq + acks.size() - 1;
        Keyspace a = keyspaceOrNull(store, WriteSpec.KEYSPACE_A);
        Keyspace b = keyspaceOrNull(store, WriteSpec.KEYSPACE_B);
        checkOutsidePrefix(out, cycle, a);
        checkOutsidePrefix(out, cycle, b);
        recheck(out, cycle, a, b, recheckFrom, recheckTo);
        checkNew(out, cycle, a, b, startSeq, acks);
        if (out.suppressed > 0) {
            out.violations.add(new CrashViolation(cycle, seed, out.violations.get(0).kind(),
                    out.suppressed + " more violation(s) in this cycle not listed", ""));
        }
        return out;
    }

    private boolean validateAcks(CycleCheck out, int cycle, long startSeq, ExpectedStateFile.Contents expected) {
        for (String d : expected.damaged()) {
            add(out, cycle, Kind.EXPECTED_STATE, "expected-state file: " + d);
        }
        if (!out.violations.isEmpty()) {
            return false;
        }
        List<ExpectedStateFile.Ack> acks = expected.acks();
        for (int i = 0; i < acks.size(); i++) {
            ExpectedStateFile.Ack ack = acks.get(i);
            long want = startSeq + i;
            if (ack.seq() != want) {
                add(out, cycle, Kind.EXPECTED_STATE, "record " + (i + 1) + " acknowledges write " + ack.seq()
                        + ", expected write " + want + " (the child writes in order from " + startSeq + ")");
                break;
            }
            ExpectedStateFile.Ack regenerated = ExpectedStateFile.Ack.of(WriteSpec.of(seed, ack.seq(), levels));
            if (!regenerated.equals(ack)) {
                add(out, cycle, Kind.EXPECTED_STATE, "record for write " + ack.seq() + " is " + ack
                        + " but the workload makes " + regenerated);
                break;
            }
        }
        return out.violations.isEmpty();
    }

    private static Keyspace keyspaceOrNull(Store store, String name) {
        return store.keyspaces().contains(name) ? store.keyspace(name) : null;
    }

    private void checkOutsidePrefix(CycleCheck out, int cycle, Keyspace ks) {
        if (ks == null) {
            return;
        }
        byte[] prefix = WriteSpec.KEY_PREFIX.getBytes(StandardCharsets.US_ASCII);
        for (Range r : List.of(Range.until(prefix), Range.from(Range.prefixSuccessor(prefix)))) {
            try (Cursor c = ks.cursor(r, ScanOptions.forward().withLimit(1).withKeysOnly(true))) {
                if (c.next()) {
                    add(out, cycle, Kind.UNEXPECTED_KEY, "keyspace " + ks.name() + " holds key " + show(c.key())
                            + ", which the workload never writes");
                }
            }
        }
    }

    /** Reads earlier cycles' writes {@code [from, to)} again: each must be there, complete and exact. */
    private void recheck(CycleCheck out, int cycle, Keyspace a, Keyspace b, long from, long to) {
        if (from == to) {
            return;
        }
        long[] next = {from};
        walk(out, cycle, a, b, from, to, (seq, found) -> {
            if (seq > next[0]) {
                add(out, cycle, Kind.LOST, "write(s) " + span(next[0], seq - 1)
                        + ", verified present after an earlier kill, now absent (write " + seq + " is present)");
            }
            WriteSpec spec = WriteSpec.of(seed, seq, levels);
            int present = compare(out, cycle, spec, found);
            if (present == spec.parts().size()) {
                out.rechecked++;
            } else if (present > 0) {
                add(out, cycle, Kind.LOST, spec.describe() + ", verified complete after an earlier kill, now has only "
                        + present + " of its " + spec.parts().size() + " parts");
            } else {
                return;
            }
            next[0] = seq + 1;
        });
        if (next[0] < to) {
            add(out, cycle, Kind.LOST, "write(s) " + span(next[0], to - 1)
                    + ", verified present after an earlier kill, now absent");
        }
    }

    /** Checks this cycle's writes, from {@code startSeq} to the end of the workload's keys. */
    private void checkNew(CycleCheck out, int cycle, Keyspace a, Keyspace b, long startSeq,
            List<ExpectedStateFile.Ack> acks) {
        long ackedHigh = out.ackedHigh;
        long inFlight = ackedHigh + 1;
        long[] next = {startSeq};
        List<Long> neverWritten = new ArrayList<>();
        walk(out, cycle, a, b, startSeq, Long.MAX_VALUE, (seq, found) -> {
            WriteSpec spec = WriteSpec.of(seed, seq, levels);
            int present = compare(out, cycle, spec, found);
            if (present == 0) {
                return; // only misplaced keys, already reported; for the prefix this write is absent
            }
            if (seq > inFlight) {
                neverWritten.add(seq);
            }
            if (seq > next[0]) {
                gap(out, cycle, next[0], seq - 1, seq, acks, startSeq);
            }
            if (present < spec.parts().size()) {
                add(out, cycle, Kind.PARTIAL_BATCH, spec.describe() + " is partly present: "
                        + present + " of " + spec.parts().size() + " parts"
                        + (seq <= ackedHigh ? " (it was acknowledged)" : " (it was in flight at the kill)"));
            } else if (seq <= ackedHigh) {
                out.verified.merge(spec.durability(), 1L, Long::sum);
                if (spec.kind() == WriteSpec.Kind.BATCH) {
                    out.batchesVerified++;
                }
            } else if (seq == inFlight) {
                out.inFlightPresent = true;
                if (spec.kind() == WriteSpec.Kind.BATCH) {
                    out.batchesVerified++;
                }
            }
            next[0] = seq + 1;
        });
        out.highestPresent = next[0] - 1;
        if (next[0] <= ackedHigh) {
            gap(out, cycle, next[0], ackedHigh, -1, acks, startSeq);
        }
        if (!neverWritten.isEmpty()) {
            add(out, cycle, Kind.NEVER_WRITTEN, neverWritten.size() + " write(s) present that the child never started, "
                    + "first " + names(neverWritten) + ": the child acknowledged up to write " + ackedHigh
                    + " and writes one at a time");
        }
        if (out.inFlightPresent == null && next[0] == inFlight) {
            out.inFlightPresent = false;
            if (WriteSpec.of(seed, inFlight, levels).kind() == WriteSpec.Kind.BATCH) {
                out.batchesVerified++;
            }
        }
    }

    /**
     * Reports writes {@code [first, last]} absent: a hole if {@code presentAfter >= 0} is present, and the
     * acknowledged ones among them as missing.
     */
    private void gap(CycleCheck out, int cycle, long first, long last, long presentAfter,
            List<ExpectedStateFile.Ack> acks, long startSeq) {
        if (presentAfter >= 0) {
            add(out, cycle, Kind.HOLE, "write(s) " + span(first, last) + " absent while write " + presentAfter
                    + " is present: what survived is not a prefix");
        }
        Map<Durability, Long> missing = new EnumMap<>(Durability.class);
        long ackedHigh = startSeq + acks.size() - 1;
        List<Long> named = new ArrayList<>();
        for (long s = first; s <= Math.min(last, ackedHigh); s++) {
            missing.merge(acks.get((int) (s - startSeq)).durability(), 1L, Long::sum);
            named.add(s);
        }
        if (!missing.isEmpty()) {
            WriteSpec firstSpec = WriteSpec.of(seed, first, levels);
            add(out, cycle, Kind.MISSING_ACKNOWLEDGED, named.size() + " acknowledged write(s) absent " + missing
                    + ", first " + firstSpec.describe() + "; absent: " + names(named)
                    + "; last acknowledged write: " + ackedHigh);
        }
    }

    /**
     * Compares what was found for one write with what it wrote, reporting wrong values and misplaced keys.
     *
     * @return how many of the write's parts are present (whatever their values)
     */
    private int compare(CycleCheck out, int cycle, WriteSpec spec, List<Found> found) {
        int present = 0;
        for (Found f : found) {
            WriteSpec.Part p = spec.part(f.keyspace, f.part);
            if (p == null) {
                add(out, cycle, Kind.UNEXPECTED_KEY, "keyspace " + f.keyspace + " holds " + show(f.key) + ", but "
                        + spec.describe() + " has no such part there");
                continue;
            }
            present++;
            if (!Arrays.equals(p.value(), f.value)) {
                add(out, cycle, Kind.WRONG_VALUE, spec.describe() + ": " + f.keyspace + "/" + show(f.key)
                        + " holds " + describeValue(f.value) + ", expected " + describeValue(p.value())
                        + firstDifference(p.value(), f.value));
            }
        }
        return present;
    }

    private interface GroupVisitor {
        void visit(long seq, List<Found> found);
    }

    /** One workload key found in the store. */
    private record Found(String keyspace, int part, byte[] key, byte[] value) {
    }

    /**
     * Walks the workload keys of writes {@code [from, to)} in both keyspaces, merged by sequence number,
     * calling the visitor once per write that has any key present. Keys of no workload shape are reported.
     */
    private void walk(CycleCheck out, int cycle, Keyspace a, Keyspace b, long from, long to, GroupVisitor v) {
        Range range = Range.of(WriteSpec.key(from), to == Long.MAX_VALUE
                ? Range.prefixSuccessor(WriteSpec.KEY_PREFIX.getBytes(StandardCharsets.US_ASCII))
                : WriteSpec.key(to));
        try (PartStream sa = new PartStream(out, cycle, a, range); PartStream sb = new PartStream(out, cycle, b, range)) {
            while (true) {
                long seq = Math.min(sa.peekSeq(), sb.peekSeq());
                if (seq == Long.MAX_VALUE) {
                    return;
                }
                List<Found> group = new ArrayList<>();
                sa.take(seq, group);
                sb.take(seq, group);
                v.visit(seq, group);
            }
        }
    }

    /** The workload keys of one keyspace in a range, in order, with unparseable keys reported and skipped. */
    private final class PartStream implements AutoCloseable {
        private final CycleCheck out;
        private final int cycle;
        private final String name;
        private final Cursor cursor;
        private Found head;
        private long headSeq = Long.MAX_VALUE;

        PartStream(CycleCheck out, int cycle, Keyspace ks, Range range) {
            this.out = out;
            this.cycle = cycle;
            this.name = ks == null ? null : ks.name();
            this.cursor = ks == null ? null : ks.cursor(range);
            advance();
        }

        long peekSeq() {
            return headSeq;
        }

        void take(long seq, List<Found> into) {
            while (head != null && headSeq == seq) {
                into.add(head);
                advance();
            }
        }

        private void advance() {
            head = null;
            headSeq = Long.MAX_VALUE;
            while (cursor != null && cursor.next()) {
                byte[] key = cursor.key();
                long[] id = WriteSpec.parseKey(key);
                if (id == null) {
                    add(out, cycle, Kind.UNEXPECTED_KEY, "keyspace " + name + " holds key " + show(key)
                            + ", which the workload never writes");
                    continue;
                }
                head = new Found(name, (int) id[1], key, cursor.value());
                headSeq = id[0];
                return;
            }
        }

        @Override
        public void close() {
            if (cursor != null) {
                cursor.close();
            }
        }
    }

    private void add(CycleCheck out, int cycle, Kind kind, String description) {
        if (out.violations.size() < MAX_VIOLATIONS_LISTED) {
            out.violations.add(new CrashViolation(cycle, seed, kind, description, ""));
        } else {
            out.suppressed++;
        }
    }

    private static String span(long first, long last) {
        return first == last ? String.valueOf(first) : first + ".." + last;
    }

    private static String names(List<Long> seqs) {
        List<Long> shown = seqs.subList(0, Math.min(seqs.size(), MAX_SEQS_NAMED));
        return shown + (seqs.size() > shown.size() ? " and " + (seqs.size() - shown.size()) + " more" : "");
    }

    private static String show(byte[] key) {
        StringBuilder sb = new StringBuilder();
        for (byte x : key) {
            if (x >= 0x20 && x < 0x7f) {
                sb.append((char) x);
            } else {
                sb.append(String.format("\\x%02x", x & 0xff));
            }
        }
        return sb.toString();
    }

    private static String describeValue(byte[] v) {
        CRC32C c = new CRC32C();
        c.update(v);
        String origin = "";
        if (v.length >= 9) {
            long seq = 0;
            for (int i = 0; i < 8; i++) {
                seq = (seq << 8) | (v[i] & 0xff);
            }
            origin = ", header says write " + seq + " part " + v[8];
        }
        return v.length + " bytes (crc32c " + String.format("%08x", c.getValue()) + origin + ")";
    }

    private static String firstDifference(byte[] want, byte[] got) {
        int n = Arrays.mismatch(want, got);
        return n < 0 ? "" : "; first difference at byte " + n;
    }
}
