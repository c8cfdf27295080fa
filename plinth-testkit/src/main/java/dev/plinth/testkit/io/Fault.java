package dev.plinth.testkit.io;

import java.util.Objects;
import java.util.function.Predicate;

/**
 * A failure to inject with {@link FaultyVfs#inject(Fault)}: which operations it fails, and how.
 * Immutable; each method returns a changed copy. Built as
 * {@code Fault.on(IoOp.FORCE).at(3).sticky().onFiles(n -> n.endsWith(".log"), "*.log")}.
 *
 * <ul>
 *   <li>Which: operations of one {@link IoOp} kind, optionally only on names a predicate accepts (for a
 *       rename, either name).</li>
 *   <li>When: the {@link #at(long) N-th} matching operation after the fault is injected (1 by default),
 *       or each one with a {@link #withProbability(double) seeded probability}.</li>
 *   <li>How long: {@link #once()} (the default) fails that one operation; {@link #sticky()} fails it and
 *       every matching operation after it, as a dead disk does.</li>
 *   <li>What: an I/O error ({@link dev.plinth.StorageIOException}) by default, or a full disk
 *       ({@link dev.plinth.StorageFullException}) with {@link #diskFull()}; either is made by
 *       {@link dev.plinth.io.StorageErrors#translate} from the {@link java.io.IOException} the operating
 *       system would give, so it is exactly what {@link dev.plinth.io.NioVfs} would throw.</li>
 * </ul>
 * A failed operation does nothing: no byte is written, no name changes.
 *
 * @param op the kind of operation failed
 * @param nth which matching operation fails first, counted from 1 after injection
 * @param staysFailed whether every later matching operation fails too ({@link #sticky()})
 * @param noSpace whether the failure is a full disk rather than an I/O error ({@link #diskFull()})
 * @param probability when above 0, each matching operation fails with this probability (and {@code nth}
 *     is ignored)
 * @param names which names the fault applies to
 * @param description how the name filter is shown in messages
 */
public record Fault(IoOp op, long nth, boolean staysFailed, boolean noSpace, double probability,
                    Predicate<String> names, String description) {
    /**
     * Checks the arguments.
     *
     * @param op the kind of operation failed
     * @param nth which matching operation fails first
     * @param staysFailed whether later ones fail too
     * @param noSpace whether it is a full disk
     * @param probability a seeded failure probability, or 0
     * @param names the name filter
     * @param description the name filter, described
     */
    public Fault {
        Objects.requireNonNull(op, "op");
        Objects.requireNonNull(names, "names");
        Objects.requireNonNull(description, "description");
        if (nth < 1) {
            throw new IllegalArgumentException("nth counts from 1, not " + nth);
        }
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability must be within [0, 1], not " + probability);
        }
    }

    /**
     * A fault failing the first operation of a kind, once, with an I/O error, on any name.
     *
     * @param op the kind of operation
     * @return the fault
     */
    public static Fault on(IoOp op) {
        return new Fault(op, 1, false, false, 0, name -> true, "any file");
    }

    /**
     * Fails the {@code nth} matching operation after injection.
     *
     * @param nth counted from 1
     * @return the changed fault
     */
    public Fault at(long nth) {
        return new Fault(op, nth, staysFailed, noSpace, probability, names, description);
    }

    /**
     * Fails only the one operation.
     *
     * @return the changed fault
     */
    public Fault once() {
        return new Fault(op, nth, false, noSpace, probability, names, description);
    }

    /**
     * Fails the operation and every matching one after it.
     *
     * @return the changed fault
     */
    public Fault sticky() {
        return new Fault(op, nth, true, noSpace, probability, names, description);
    }

    /**
     * Fails as a full disk ({@code ENOSPC}) rather than an I/O error.
     *
     * @return the changed fault
     */
    public Fault diskFull() {
        return new Fault(op, nth, staysFailed, true, probability, names, description);
    }

    /**
     * Fails each matching operation with a probability drawn from the {@link FaultyVfs}'s seed.
     *
     * @param p the probability, within [0, 1]
     * @return the changed fault
     */
    public Fault withProbability(double p) {
        return new Fault(op, nth, staysFailed, noSpace, p, names, description);
    }

    /**
     * Applies only to names the predicate accepts.
     *
     * @param filter the names
     * @param shownAs how the filter is described in messages
     * @return the changed fault
     */
    public Fault onFiles(Predicate<String> filter, String shownAs) {
        return new Fault(op, nth, staysFailed, noSpace, probability, filter, shownAs);
    }

    /**
     * Applies only to one name.
     *
     * @param name the name
     * @return the changed fault
     */
    public Fault onFile(String name) {
        Objects.requireNonNull(name, "name");
        return onFiles(name::equals, name);
    }

    @Override
    public String toString() {
        return (noSpace ? "disk full" : "I/O error") + " on " + op
                + (probability > 0 ? " with probability " + probability : " #" + nth)
                + (staysFailed ? " and after" : " once") + " (" + description + ")";
    }
}
