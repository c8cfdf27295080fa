package dev.plinth.testkit.model;

import dev.plinth.Isolation;
import java.util.ArrayList;
import java.util.List;

/**
 * One generated step of a model run. Every choice is made at generation time, so any subset of a run's
 * steps can be replayed; what depends on the state (the value a compare-and-set expects, the expiry a
 * clock advance lands on) is resolved when the step runs, from the model. Immutable; the arrays are
 * never changed.
 */
sealed interface Op {
    /** A short name of the kind of step, part of a failure's signature. */
    default String kind() {
        return getClass().getSimpleName();
    }

    /** Simpler variants of this step, tried while shrinking a failing run. */
    default List<Op> simpler() {
        return List.of();
    }

    record Put(String ks, byte[] key, byte[] value, long ttlMillis, boolean withOptions) implements Op {
        @Override
        public String toString() {
            return "put " + ks + " " + Bytes.key(key) + " = " + Bytes.value(value)
                    + (ttlMillis > 0 ? " ttl " + ttlMillis + "ms" : withOptions ? " (default options)" : "");
        }
    }

    record Delete(String ks, byte[] key, boolean withOptions) implements Op {
        @Override
        public String toString() {
            return "delete " + ks + " " + Bytes.key(key) + (withOptions ? " (default options)" : "");
        }
    }

    record DeleteRange(String ks, KeyRange range, boolean withOptions) implements Op {
        @Override
        public String toString() {
            return "deleteRange " + ks + " " + range + (withOptions ? " (default options)" : "");
        }
    }

    /** How a batch check finds the value it requires. */
    enum RequireMode {
        /** The value the key holds at this point of the batch, earlier operations applied. */
        AT_POINT,
        /** The value the key held before the batch (differs if an earlier operation changed it). */
        BEFORE_BATCH,
        /** A generated value, usually wrong. */
        GIVEN
    }

    /**
     * One operation of a batch.
     *
     * @param kind what it does
     * @param ks the keyspace's name
     * @param key the key (not used by range deletes)
     * @param range the range of a range delete
     * @param value a put's value, or a {@link RequireMode#GIVEN} check's value
     * @param ttlMillis a put's time to live, 0 for none
     * @param mode how a {@code REQUIRE_EQUALS} finds its value
     */
    record BatchItem(dev.plinth.WriteBatch.Kind kind, String ks, byte[] key, KeyRange range, byte[] value,
                     long ttlMillis, RequireMode mode) {
        @Override
        public String toString() {
            switch (kind) {
                case PUT:
                    return "put " + ks + " " + Bytes.key(key) + " = " + Bytes.value(value)
                            + (ttlMillis > 0 ? " ttl " + ttlMillis + "ms" : "");
                case DELETE:
                    return "delete " + ks + " " + Bytes.key(key);
                case DELETE_RANGE:
                    return "deleteRange " + ks + " " + range;
                case REQUIRE_EQUALS:
                    return "requireEquals " + ks + " " + Bytes.key(key) + " = "
                            + (mode == RequireMode.GIVEN ? Bytes.value(value)
                            : mode == RequireMode.AT_POINT ? "<value at this point>" : "<value before batch>");
                case REQUIRE_ABSENT:
                    return "requireAbsent " + ks + " " + Bytes.key(key);
                default:
                    throw new AssertionError(kind);
            }
        }
    }

    record Batch(List<BatchItem> items) implements Op {
        @Override
        public List<Op> simpler() {
            List<Op> out = new ArrayList<>();
            for (int i = 0; i < items.size() && items.size() > 1; i++) {
                List<BatchItem> fewer = new ArrayList<>(items);
                fewer.remove(i);
                out.add(new Batch(List.copyOf(fewer)));
            }
            return out;
        }

        @Override
        public String toString() {
            return "batch " + items;
        }
    }

    /** What a compare-and-set expects. */
    enum CasExpect {
        /** The key's current value (absent if absent): the swap should happen. */
        CURRENT,
        /** Absence: the swap happens only if the key is absent. */
        ABSENT,
        /** A value the key does not hold: the swap should not happen. */
        WRONG
    }

    record Cas(String ks, byte[] key, CasExpect expect, byte[] wrong, byte[] newValue, long ttlMillis)
            implements Op {
        @Override
        public String toString() {
            return "compareAndSet " + ks + " " + Bytes.key(key) + " expect "
                    + (expect == CasExpect.CURRENT ? "<current>" : expect == CasExpect.ABSENT ? "absent"
                    : "<wrong, e.g. " + Bytes.value(wrong) + ">")
                    + " -> " + (newValue == null ? "delete" : Bytes.value(newValue))
                    + (ttlMillis > 0 ? " ttl " + ttlMillis + "ms" : "");
        }
    }

    /** Which point read. */
    enum GetForm {
        /** {@code Keyspace.get}. */
        KEYSPACE_GET,
        /** {@code Store.get(keyspace, key)}. */
        STORE_GET,
        /** {@code Keyspace.contains}. */
        KEYSPACE_CONTAINS,
        /** {@code Store.contains(keyspace, key)}. */
        STORE_CONTAINS
    }

    record Get(String ks, byte[] key, GetForm form) implements Op {
        @Override
        public String toString() {
            return (form == GetForm.KEYSPACE_CONTAINS || form == GetForm.STORE_CONTAINS ? "contains " : "get ")
                    + ks + " " + Bytes.key(key);
        }
    }

    record Scan(ReadSpec spec) implements Op {
        @Override
        public String toString() {
            return spec.toString();
        }
    }

    record OpenSnapshot(int slot) implements Op {
        @Override
        public String toString() {
            return "snapshot #" + slot + " = store.snapshot()";
        }
    }

    record SnapshotGet(int slot, String ks, byte[] key, boolean contains) implements Op {
        @Override
        public String toString() {
            return "snapshot #" + slot + (contains ? " contains " : " get ") + ks + " " + Bytes.key(key);
        }
    }

    record SnapshotScan(int slot, ReadSpec spec) implements Op {
        @Override
        public String toString() {
            return "snapshot #" + slot + " " + spec;
        }
    }

    record CloseSnapshot(int slot) implements Op {
        @Override
        public String toString() {
            return "snapshot #" + slot + " close";
        }
    }

    /** What a transaction step does. */
    enum TxKind {
        /** {@code get}. */
        GET,
        /** {@code contains}. */
        CONTAINS,
        /** A scan or cursor, {@link TxStep#spec()}. */
        READ,
        /** {@code put}. */
        PUT,
        /** {@code delete}. */
        DELETE,
        /** {@code deleteRange}. */
        DELETE_RANGE,
        /** The clock moves on while the transaction is open. */
        CLOCK
    }

    /**
     * One step inside a transaction.
     *
     * @param kind what it does
     * @param ks the keyspace's name
     * @param key the key of a point step
     * @param value a put's value
     * @param ttlMillis a put's time to live (0 for none), or how far a clock step moves the clock
     * @param range a range delete's range
     * @param spec a read's specification
     */
    record TxStep(TxKind kind, String ks, byte[] key, byte[] value, long ttlMillis, KeyRange range,
                  ReadSpec spec) {
        @Override
        public String toString() {
            switch (kind) {
                case GET:
                    return "get " + ks + " " + Bytes.key(key);
                case CONTAINS:
                    return "contains " + ks + " " + Bytes.key(key);
                case READ:
                    return spec.toString();
                case PUT:
                    return "put " + ks + " " + Bytes.key(key) + " = " + Bytes.value(value)
                            + (ttlMillis > 0 ? " ttl " + ttlMillis + "ms" : "");
                case DELETE:
                    return "delete " + ks + " " + Bytes.key(key);
                case DELETE_RANGE:
                    return "deleteRange " + ks + " " + range;
                case CLOCK:
                    return "clock +" + ttlMillis + "ms";
                default:
                    throw new AssertionError(kind);
            }
        }
    }

    /**
     * A write by another party made while a transaction is open.
     *
     * @param afterStep made after this many of the transaction's steps
     * @param conflicting aim at something the transaction read or writes (else at something it does not touch)
     * @param ks the keyspace a non-conflicting write goes to
     * @param candidates keys to choose the written key from
     * @param pick which target or candidate to choose
     * @param value the value written, unless the key holds it (then it is deleted)
     */
    record Interleave(int afterStep, boolean conflicting, String ks, List<byte[]> candidates, int pick,
                      byte[] value) {
        @Override
        public String toString() {
            return "after " + afterStep + " steps another writer changes "
                    + (conflicting ? "a key the transaction touches" : "a key the transaction does not touch");
        }
    }

    record Tx(Isolation isolation, List<TxStep> steps, boolean commit, Interleave interleave) implements Op {
        @Override
        public String kind() {
            return interleave == null ? "Tx" : "InterleavedTx";
        }

        @Override
        public List<Op> simpler() {
            List<Op> out = new ArrayList<>();
            if (interleave != null) {
                out.add(new Tx(isolation, steps, commit, null));
            }
            for (int i = 0; i < steps.size(); i++) {
                List<TxStep> fewer = new ArrayList<>(steps);
                fewer.remove(i);
                Interleave il = interleave == null || interleave.afterStep() <= i ? interleave
                        : new Interleave(interleave.afterStep() - 1, interleave.conflicting(), interleave.ks(),
                        interleave.candidates(), interleave.pick(), interleave.value());
                out.add(new Tx(isolation, List.copyOf(fewer), commit, il));
            }
            return out;
        }

        @Override
        public String toString() {
            return "transaction " + isolation + " " + steps + (interleave == null ? "" : ", " + interleave)
                    + (commit ? ", commit" : ", rollback");
        }
    }

    record OpenCursor(int slot, ReadSpec spec) implements Op {
        @Override
        public String toString() {
            return "cursor #" + slot + " = " + spec + " (kept open)";
        }
    }

    record CursorNext(int slot, int count) implements Op {
        @Override
        public String toString() {
            return "cursor #" + slot + " next x" + count;
        }
    }

    record CursorSeek(int slot, byte[] key) implements Op {
        @Override
        public String toString() {
            return "cursor #" + slot + " seek " + Bytes.key(key);
        }
    }

    record CloseCursor(int slot) implements Op {
        @Override
        public String toString() {
            return "cursor #" + slot + " close";
        }
    }

    /** How far a clock advance goes. */
    enum ClockMode {
        /** By {@link AdvanceClock#millis()}. */
        BY,
        /** To an expiry instant in the model, plus {@link AdvanceClock#offset()} milliseconds. */
        TO_EXPIRY
    }

    record AdvanceClock(ClockMode mode, long millis, int pick, int offset) implements Op {
        @Override
        public String toString() {
            return mode == ClockMode.BY ? "clock +" + millis + "ms"
                    : "clock to an expiry instant" + (offset == 0 ? "" : offset > 0 ? " +" + offset + "ms" : " " + offset + "ms");
        }
    }

    record Flush() implements Op {
        @Override
        public String toString() {
            return "flush";
        }
    }

    record Compact() implements Op {
        @Override
        public String toString() {
            return "compact";
        }
    }

    record CreateKeyspace(String ks) implements Op {
        @Override
        public String toString() {
            return "createKeyspace " + ks;
        }
    }

    record DropKeyspace(String ks) implements Op {
        @Override
        public String toString() {
            return "dropKeyspace " + ks;
        }
    }

    record Reopen() implements Op {
        @Override
        public String toString() {
            return "reopen";
        }
    }
}
