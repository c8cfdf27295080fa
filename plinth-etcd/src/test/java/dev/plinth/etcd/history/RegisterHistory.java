package dev.plinth.etcd.history;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A concurrent history of operations on registers (one per key), and a Wing–Gong/Lowe linearizability
 * checker for it, partitioned per key (a history is linearizable if and only if every key's sub-history is,
 * since registers are independent objects). Thread-safe for recording: many client threads call
 * {@link #invoke} and complete the returned {@link Op}; {@link #check()} runs after they stopped.
 *
 * <p>An operation is a write, a read, or a compare-and-set (expected value, or {@code null} for "absent";
 * a {@code null} new value deletes). Values are strings; {@code null} is "absent". An operation whose
 * outcome is unknown (a timeout, a lost connection) has no completion: it may take effect at any point
 * after its invocation, or never, and its result constrains nothing.
 *
 * <p>The search: among the operations not yet linearized, any one invoked before the earliest completion
 * among them can go next, if the register's state allows its result; a state already seen with the same set
 * of linearized operations is not searched again (Lowe's memoisation). Unknown operations never bound the
 * earliest completion and may stay unlinearized.
 */
public final class RegisterHistory {
    /** What an operation does. */
    public enum Kind { WRITE, READ, CAS }

    /** How an operation ended. */
    public enum Outcome { PENDING, OK, FAILED_CAS, UNKNOWN }

    /** One operation; completed once by its client thread. */
    public static final class Op {
        final String key;
        final Kind kind;
        final String expected;
        final String value;
        final long invokedNanos;
        long completedNanos = Long.MAX_VALUE;
        Outcome outcome = Outcome.PENDING;
        String read;

        Op(String key, Kind kind, String expected, String value, long invokedNanos) {
            this.key = key;
            this.kind = kind;
            this.expected = expected;
            this.value = value;
            this.invokedNanos = invokedNanos;
        }

        /** The operation returned: a write or a successful CAS. */
        public void ok(long nanos) {
            complete(nanos, Outcome.OK, null);
        }

        /** A read returned {@code value} ({@code null} for absent). */
        public void read(long nanos, String value) {
            complete(nanos, Outcome.OK, value);
        }

        /** A CAS returned false: the register did not hold the expected value. */
        public void casFailed(long nanos) {
            complete(nanos, Outcome.FAILED_CAS, null);
        }

        /** The outcome is unknown: it may or may not have taken effect. */
        public void unknown() {
            complete(Long.MAX_VALUE, Outcome.UNKNOWN, null);
        }

        private synchronized void complete(long nanos, Outcome o, String r) {
            if (outcome != Outcome.PENDING) {
                throw new IllegalStateException("operation completed twice: " + this);
            }
            completedNanos = nanos;
            outcome = o;
            read = r;
        }

        @Override
        public String toString() {
            String what = switch (kind) {
                case WRITE -> "write(" + value + ")";
                case READ -> "read() = " + (outcome == Outcome.OK ? read : "?");
                case CAS -> "cas(" + expected + " -> " + value + ")" + (outcome == Outcome.OK ? " = true"
                        : outcome == Outcome.FAILED_CAS ? " = false" : "");
            };
            return key + ": " + what + " [" + invokedNanos + ", "
                    + (completedNanos == Long.MAX_VALUE ? "?" : Long.toString(completedNanos)) + "] " + outcome;
        }
    }

    private final List<Op> ops = new ArrayList<>();

    /** Records an invocation; the caller completes the returned operation. */
    public Op invoke(String key, Kind kind, String expected, String value, long nanos) {
        Op op = new Op(key, kind, expected, value, nanos);
        synchronized (ops) {
            ops.add(op);
        }
        return op;
    }

    /** How many operations were recorded. */
    public int size() {
        synchronized (ops) {
            return ops.size();
        }
    }

    /**
     * Checks every key's sub-history, starting from an absent register.
     *
     * @return an empty list if linearizable, else one sentence per key that is not, with its operations
     */
    public List<String> check() {
        Map<String, List<Op>> byKey = new HashMap<>();
        synchronized (ops) {
            for (Op op : ops) {
                if (op.outcome == Outcome.PENDING) {
                    throw new IllegalStateException("operation never completed: " + op);
                }
                // a read with no answer tells nothing
                if (!(op.kind == Kind.READ && op.outcome == Outcome.UNKNOWN)) {
                    byKey.computeIfAbsent(op.key, k -> new ArrayList<>()).add(op);
                }
            }
        }
        List<String> problems = new ArrayList<>();
        for (Map.Entry<String, List<Op>> e : byKey.entrySet()) {
            List<Op> h = e.getValue();
            if (!linearizable(h)) {
                StringBuilder sb = new StringBuilder("key " + e.getKey() + ": no linearization of " + h.size()
                        + " operations:");
                h.stream().sorted((a, b) -> Long.compare(a.invokedNanos, b.invokedNanos))
                        .forEach(o -> sb.append("\n  ").append(o));
                problems.add(sb.toString());
            }
        }
        return problems;
    }

    private record Seen(BitSet done, String state) {
    }

    private static boolean linearizable(List<Op> history) {
        Op[] h = history.toArray(Op[]::new);
        Arrays.sort(h, (a, b) -> Long.compare(a.invokedNanos, b.invokedNanos));
        int mustDo = 0;
        for (Op o : h) {
            if (o.outcome != Outcome.UNKNOWN) {
                mustDo++;
            }
        }
        return search(h, new BitSet(h.length), 0, mustDo, null, new HashSet<>());
    }

    private static boolean search(Op[] h, BitSet done, int doneKnown, int mustDo, String state, Set<Seen> seen) {
        if (doneKnown == mustDo) {
            return true;
        }
        long earliestCompletion = Long.MAX_VALUE;
        for (int i = done.nextClearBit(0); i < h.length; i = done.nextClearBit(i + 1)) {
            earliestCompletion = Math.min(earliestCompletion, h[i].completedNanos);
        }
        for (int i = done.nextClearBit(0); i < h.length && h[i].invokedNanos < earliestCompletion;
                i = done.nextClearBit(i + 1)) {
            Op o = h[i];
            String next;
            switch (o.kind) {
                case WRITE -> next = o.value;
                case READ -> {
                    if (!Objects.equals(o.read, state)) {
                        continue;
                    }
                    next = state;
                }
                case CAS -> {
                    boolean holds = Objects.equals(o.expected, state);
                    if (o.outcome == Outcome.OK && !holds || o.outcome == Outcome.FAILED_CAS && holds) {
                        continue;
                    }
                    next = holds ? o.value : state;
                }
                default -> throw new IllegalStateException();
            }
            BitSet after = (BitSet) done.clone();
            after.set(i);
            if (seen.add(new Seen(after, next))
                    && search(h, after, doneKnown + (o.outcome == Outcome.UNKNOWN ? 0 : 1), mustDo, next, seen)) {
                return true;
            }
        }
        return false;
    }
}
