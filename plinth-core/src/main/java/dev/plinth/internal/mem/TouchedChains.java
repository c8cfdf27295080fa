package dev.plinth.internal.mem;

import java.util.Arrays;

/**
 * The chains one batch installed versions in, to be reclaimed once the batch is published: the engine
 * keeps one and reuses it for every batch, so that a batch allocates no list and no entry per mutation
 * (a {@link ChainRef} is made only for a chain that has to wait in the reclaimer's queue). Used only
 * under the engine's write lock.
 */
final class TouchedChains {
    /** Capacity kept between batches; a larger batch's arrays are dropped when it is done with them. */
    private static final int KEEP = 256;

    private MemKeyspace[] keyspaces = new MemKeyspace[8];
    private byte[][] keys = new byte[8][];
    private VersionChain[] chains = new VersionChain[8];
    private int size;

    /** Records a chain the batch changed; {@code key} is the array the keyspace's map holds. */
    void add(MemKeyspace keyspace, byte[] key, VersionChain chain) {
        if (size == chains.length) {
            int n = size * 2;
            keyspaces = Arrays.copyOf(keyspaces, n);
            keys = Arrays.copyOf(keys, n);
            chains = Arrays.copyOf(chains, n);
        }
        keyspaces[size] = keyspace;
        keys[size] = key;
        chains[size] = chain;
        size++;
    }

    /** Reclaims every recorded chain, then forgets them all, keeping no reference to a key or value. */
    void reclaimAndClear(Reclaimer reclaimer, long minActive) {
        try {
            for (int i = 0; i < size; i++) {
                reclaimer.reclaimLocked(keyspaces[i], keys[i], chains[i], minActive);
            }
        } finally {
            clear();
        }
    }

    /** Forgets every recorded chain, as after a batch that failed half-way. */
    void clear() {
        if (chains.length > KEEP) {
            keyspaces = new MemKeyspace[8];
            keys = new byte[8][];
            chains = new VersionChain[8];
        } else {
            Arrays.fill(keyspaces, 0, size, null);
            Arrays.fill(keys, 0, size, null);
            Arrays.fill(chains, 0, size, null);
        }
        size = 0;
    }
}
