package dev.plinth.internal.mem;

/**
 * A key's chain together with where it lives, for the reclaimer: a chain touched by a batch, or one
 * waiting for readers to move on.
 *
 * @param keyspace the keyspace whose map holds the chain
 * @param key the key, the same array the map holds
 * @param chain the chain
 */
record ChainRef(MemKeyspace keyspace, byte[] key, VersionChain chain) {
}
