package dev.plinth.quadstore;

/**
 * How far a bulk load ({@link QuadStore#load}) has come: figures since the load began. Passed to a
 * {@link LoadListener} after each batch is applied, and returned when the load ends.
 *
 * @param quadsRead quads (and triples, which go to the default graph) the parser has delivered and that were
 *     written in an applied batch
 * @param quadsAdded how many of those were new to the store; repeats and quads already present are not counted
 * @param batches batches applied
 * @param warnings parser warnings (the load went on past them)
 */
public record LoadProgress(long quadsRead, long quadsAdded, long batches, long warnings) {
}
