package dev.plinth.cli.bench;

/**
 * How loading the shared store went for one URI. Immutable.
 *
 * @param uri the URI as given
 * @param durability the stores' default durability
 * @param keys records loaded
 * @param nanos time to load them, in batches, and flush
 * @param diskBytes bytes on disk after the load, or -1 for a store that keeps nothing on disk
 */
record LoadResult(String uri, String durability, long keys, long nanos, long diskBytes) {
}
