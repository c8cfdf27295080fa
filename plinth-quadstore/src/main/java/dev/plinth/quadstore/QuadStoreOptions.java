package dev.plinth.quadstore;

import dev.plinth.Durability;
import java.util.Objects;

/**
 * Settings of a {@link QuadStore}: the size of the hot-term cache, and the size and durability of a bulk load's
 * batches.
 *
 * <p>Immutable and thread-safe; build one with {@link #builder()}.
 */
public final class QuadStoreOptions {
    /**
     * The default number of terms each direction of the term cache holds (2<sup>19</sup>): enough for every term
     * of a million quads of typical data (about 400,000), at roughly 150 to 300 bytes of heap a cached term and
     * direction.
     */
    public static final long DEFAULT_TERM_CACHE_SIZE = 1 << 19;
    /** The default number of quads a bulk load parses before writing them in one batch. */
    public static final int DEFAULT_LOAD_BATCH_QUADS = 5_000;
    /** The defaults. */
    public static final QuadStoreOptions DEFAULTS = builder().build();

    private final long termCacheSize;
    private final int loadBatchQuads;
    private final Durability loadDurability;

    private QuadStoreOptions(Builder b) {
        this.termCacheSize = b.termCacheSize;
        this.loadBatchQuads = b.loadBatchQuads;
        this.loadDurability = b.loadDurability;
    }

    /**
     * A builder holding the defaults.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * The most terms each direction of the cache (term to id, id to term) holds.
     *
     * @return the size; {@link #DEFAULT_TERM_CACHE_SIZE} unless set
     */
    public long termCacheSize() {
        return termCacheSize;
    }

    /**
     * The quads a bulk load writes in one atomic batch (fewer if the engine's batch limits ask for it).
     *
     * @return the batch size; {@link #DEFAULT_LOAD_BATCH_QUADS} unless set
     */
    public int loadBatchQuads() {
        return loadBatchQuads;
    }

    /**
     * The durability a bulk load writes each batch with, if set; unset, the store's default durability (for
     * {@code lsm:}, {@code rocksdb:} and {@code lmdb:} {@link Durability#SYNC} unless the store was opened
     * otherwise). Set below {@link Durability#SYNC}, the load leaves the fsync to its one
     * {@link dev.plinth.Store#flush()} at its end: {@link Durability#PROCESS} keeps every acknowledged batch
     * through the death of the process, {@link Durability#NONE} not even that. A level the engine does not
     * honour makes the load fail before it reads its input.
     *
     * @return the durability, or empty for the store's default
     */
    public java.util.Optional<Durability> loadDurability() {
        return java.util.Optional.ofNullable(loadDurability);
    }

    @Override
    public String toString() {
        return "QuadStoreOptions[termCacheSize=" + termCacheSize + ", loadBatchQuads=" + loadBatchQuads
                + ", loadDurability=" + loadDurability + "]";
    }

    /** Builds {@link QuadStoreOptions}. Not thread-safe. */
    public static final class Builder {
        private long termCacheSize = DEFAULT_TERM_CACHE_SIZE;
        private int loadBatchQuads = DEFAULT_LOAD_BATCH_QUADS;
        private Durability loadDurability;

        private Builder() {
        }

        /**
         * Sets the most terms each direction of the cache holds; 0 turns caching off. The id-to-term direction
         * is a table of the largest power of two of slots not above this, allocated when the store opens.
         *
         * @param terms 0 or more
         * @return this builder
         * @throws IllegalArgumentException if negative
         */
        public Builder termCacheSize(long terms) {
            if (terms < 0) {
                throw new IllegalArgumentException("termCacheSize must be 0 or more, not " + terms);
            }
            this.termCacheSize = terms;
            return this;
        }

        /**
         * Sets how many quads a bulk load writes per batch.
         *
         * @param quads 1 or more
         * @return this builder
         * @throws IllegalArgumentException if less than 1
         */
        public Builder loadBatchQuads(int quads) {
            if (quads < 1) {
                throw new IllegalArgumentException("loadBatchQuads must be 1 or more, not " + quads);
            }
            this.loadBatchQuads = quads;
            return this;
        }

        /**
         * Sets the durability of a bulk load's batches ({@link QuadStoreOptions#loadDurability()}).
         *
         * @param durability the durability
         * @return this builder
         * @throws NullPointerException if {@code durability} is null
         */
        public Builder loadDurability(Durability durability) {
            this.loadDurability = Objects.requireNonNull(durability, "durability");
            return this;
        }

        /**
         * The options.
         *
         * @return new options
         */
        public QuadStoreOptions build() {
            return new QuadStoreOptions(this);
        }
    }
}
