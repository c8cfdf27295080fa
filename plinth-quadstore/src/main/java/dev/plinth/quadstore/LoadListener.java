package dev.plinth.quadstore;

/**
 * Told of a bulk load's progress after each batch is applied, on the loading thread. A listener that throws
 * stops the load: batches applied before stay.
 */
@FunctionalInterface
public interface LoadListener {
    /** A listener that does nothing. */
    LoadListener NONE = p -> { };

    /**
     * A batch has been applied.
     *
     * @param progress figures since the load began
     */
    void batchApplied(LoadProgress progress);
}
