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
     * The default number of terms each direction of the term cache holds: enough for every term of a million
     * quads of typical data (about 400,000), at roughly 150 to 300 bytes of heap a cached term and direction.
     */
    public static final long DEFAULT_TERM_CACHE_SIZE = 500_000;
    /** The default number of quads a bulk load parses before writing them in one batch. */
    public static final int DEFAULT_LOAD_BATCH_QUADS = 5_000;
    /**
     * The default durability of a bulk load's batches: each survives the death of the process once the load's
     * listener is told of it, and the whole load is made durable with one {@link dev.plinth.Store#flush()} at its
     * end (see {@link QuadStore#load(java.io.InputStream, org.apache.jena.riot.Lang, String, LoadListener)}).
     */
    public static final Durability DEFAULT_LOAD_DURABILITY = Durability.PROCESS;

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
     * The durability a bulk load writes each batch with, when the engine honours it (else the store's default):
     * {@link Durability#PROCESS} keeps every acknowledged batch through the death of the process and leaves the
     * fsync to the load's one {@link dev.plinth.Store#flush()} at its end; {@link Durability#SYNC} makes each
     * batch durable on stable storage before the listener hears of it.
     *
     * @return the durability; {@link #DEFAULT_LOAD_DURABILITY} unless set
     */
    public Durability loadDurability() {
        return loadDurability;
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
        private Durability loadDurability = DEFAULT_LOAD_DURABILITY;

        private Builder() {
        }

        /**
         * Sets how many terms each direction of the cache holds; 0 turns caching off.
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
