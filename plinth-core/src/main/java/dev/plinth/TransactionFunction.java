package dev.plinth;

/**
 * The body of a transaction run by {@link Store#inTransaction(Isolation, TransactionFunction)}. It may
 * run more than once (once per attempt), so it must not have side effects outside the transaction.
 *
 * @param <T> the result type
 */
@FunctionalInterface
public interface TransactionFunction<T> {
    /**
     * Runs the body.
     *
     * @param transaction the open transaction; do not commit or close it
     * @return the result
     */
    T apply(Transaction transaction);
}
