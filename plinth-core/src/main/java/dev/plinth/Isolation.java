package dev.plinth;

/**
 * The isolation level of a {@link Transaction}.
 *
 * <p>Both levels read from one consistent snapshot taken when the transaction began, and both see the
 * transaction's own writes. They differ in what makes a commit fail with {@link ConflictException}.
 */
public enum Isolation {
    /**
     * Snapshot isolation: commit fails if another transaction or write changed any key (or any key in a
     * range) this transaction writes, after this transaction's snapshot was taken. Write skew is possible.
     */
    SNAPSHOT,
    /**
     * Serializable: commit fails if anything this transaction read changed after its snapshot was taken,
     * including keys that appeared in or vanished from any range it scanned (phantoms), as well as on
     * every conflict {@link #SNAPSHOT} detects. The committed result equals some serial order.
     */
    SERIALIZABLE
}
