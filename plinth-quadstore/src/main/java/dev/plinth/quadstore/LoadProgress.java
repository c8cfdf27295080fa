package dev.plinth.quadstore;

/**
 * How far a bulk load ({@link QuadStore#load}, {@link QuadStore#loadSorted}) has come: figures since the load
 * began. Passed to a {@link LoadListener} after each batch is applied (a sorted load: after each batch is spilled,
 * and after each index is written), and returned when the load ends.
 *
 * @param quadsRead quads (and triples, which go to the default graph) the parser has delivered and that were
 *     written in an applied batch (a sorted load: spilled)
 * @param quadsAdded how many of those were new to the store; repeats and quads already present are not counted.
 *     A sorted load knows it only once it merges its runs: 0 while it spills
 * @param batches batches applied (a sorted load: parsed and spilled)
 * @param warnings parser warnings (the load went on past them)
 * @param indexesWritten a sorted load's indexes written so far, 0 to 6; always 0 for {@link QuadStore#load}
 */
public record LoadProgress(long quadsRead, long quadsAdded, long batches, long warnings, int indexesWritten) {
    /**
     * The progress of a batch-by-batch load, which writes all indexes in each batch.
     *
     * @param quadsRead quads delivered and written
     * @param quadsAdded how many were new
     * @param batches batches applied
     * @param warnings parser warnings
     */
    public LoadProgress(long quadsRead, long quadsAdded, long batches, long warnings) {
        this(quadsRead, quadsAdded, batches, warnings, 0);
    }
}
