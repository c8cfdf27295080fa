package dev.plinth;

/**
 * A cursor, snapshot or transaction that is still open, as listed by {@link Store#openResources()}.
 *
 * @param kind what the resource is
 * @param description a short description (keyspace, range, isolation)
 * @param openedAt where it was opened, or {@code null} when origin tracking is off
 */
public record OpenResource(Kind kind, String description, Throwable openedAt) {
    /** The kinds of tracked resources. */
    public enum Kind {
        /** A {@link Cursor}. */
        CURSOR,
        /** A {@link Snapshot}. */
        SNAPSHOT,
        /** A {@link Transaction}. */
        TRANSACTION
    }

    @Override
    public String toString() {
        return kind + " " + description + (openedAt == null ? " (origin tracking off)" : "");
    }
}
