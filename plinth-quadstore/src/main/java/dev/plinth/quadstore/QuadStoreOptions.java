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
    /**
     * The default number of quads a sorted load ({@link QuadStore#loadSorted}) holds in memory before it sorts
     * them and spills them to a run file of each index: 32 bytes of ids a quad, plus a sorted copy of them (32
     * bytes a quad) for each of up to three indexes at a time, while a full run is sorted and again while the last
     * run, which is not spilled but merged from memory, is merged into the indexes (its ids stay on the heap until
     * every index is written): up to 128 bytes a quad, about 128 MB at this default. A load of at most this many
     * quads writes no run file.
     */
    public static final int DEFAULT_SORT_RUN_QUADS = 1_000_000;
    /**
     * The largest {@link #sortRunQuads()}: a run's ids are one array of four longs a quad, whose length must stay
     * an {@code int} (about 537 million quads, some 17 GB of ids).
     */
    public static final int MAX_SORT_RUN_QUADS = (Integer.MAX_VALUE - 8) / 4;
    /** The defaults. */
    public static final QuadStoreOptions DEFAULTS = builder().build();

    private final long termCacheSize;
    private final int loadBatchQuads;
    private final Durability loadDurability;
    private final int sortRunQuads;
    private final java.nio.file.Path sortDirectory;
    private final boolean discardIncompleteLoad;

    private QuadStoreOptions(Builder b) {
        this.termCacheSize = b.termCacheSize;
        this.loadBatchQuads = b.loadBatchQuads;
        this.loadDurability = b.loadDurability;
        this.sortRunQuads = b.sortRunQuads;
        this.sortDirectory = b.sortDirectory;
        this.discardIncompleteLoad = b.discardIncompleteLoad;
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

    /**
     * The quads a sorted load ({@link QuadStore#loadSorted}) sorts in memory into one run of each index before it
     * writes the run to a temporary file (the last run is merged from memory instead, so a load of at most this
     * many quads writes no run file). With the run goes most of the load's memory: 32 bytes a quad of the run, and
     * 32 bytes a quad and order while up to three orders are sorted, both while a full run is spilled and while the
     * last run is merged into the indexes (its ids stay on the heap until every index is written): up to 128 bytes
     * a quad of the run. Merging the runs takes a
     * bounded amount whatever their number (at most 64 runs are read at once, in 64 KiB buffers, up to three
     * orders at a time: about 15 MiB and 200 open files; more runs are first merged in passes, each pass
     * rewriting the run files once). A small run size means more runs, hence more passes.
     *
     * @return the run size; {@link #DEFAULT_SORT_RUN_QUADS} unless set
     */
    public int sortRunQuads() {
        return sortRunQuads;
    }

    /**
     * The directory in which a sorted load ({@link QuadStore#loadSorted}) makes the temporary directory of its
     * run files, if set; unset, the JVM's temporary directory ({@code java.io.tmpdir}). The load deletes its
     * temporary directory when it returns or throws; about 15 bytes a quad and index, 90 a quad, are spilled. A
     * killed load leaves it behind: discarding the load ({@link #discardIncompleteLoad()}) deletes it.
     *
     * @return the directory, or empty for {@code java.io.tmpdir}
     */
    public java.util.Optional<java.nio.file.Path> sortDirectory() {
        return java.util.Optional.ofNullable(sortDirectory);
    }

    /**
     * Whether opening a quad store that holds an incomplete sorted load (one that was killed, or whose store
     * failed while it cleaned up) empties the quad store of quads (its dictionary is kept); unset, such an open throws
     * {@link IncompleteLoadException}. A sorted load still running in this JVM is never discarded; one running
     * in another process (an engine several processes can open) must be stopped first.
     *
     * @return {@code false} unless set
     */
    public boolean discardIncompleteLoad() {
        return discardIncompleteLoad;
    }

    @Override
    public String toString() {
        return "QuadStoreOptions[termCacheSize=" + termCacheSize + ", loadBatchQuads=" + loadBatchQuads
                + ", loadDurability=" + loadDurability + ", sortRunQuads=" + sortRunQuads + ", sortDirectory="
                + sortDirectory + ", discardIncompleteLoad=" + discardIncompleteLoad + "]";
    }

    /** Builds {@link QuadStoreOptions}. Not thread-safe. */
    public static final class Builder {
        private long termCacheSize = DEFAULT_TERM_CACHE_SIZE;
        private int loadBatchQuads = DEFAULT_LOAD_BATCH_QUADS;
        private Durability loadDurability;
        private int sortRunQuads = DEFAULT_SORT_RUN_QUADS;
        private java.nio.file.Path sortDirectory;
        private boolean discardIncompleteLoad;

        private Builder() {
        }

        /**
         * Sets how many quads a sorted load sorts in memory per run ({@link QuadStoreOptions#sortRunQuads()}).
         *
         * @param quads 1 to {@link QuadStoreOptions#MAX_SORT_RUN_QUADS}
         * @return this builder
         * @throws IllegalArgumentException if less than 1 or above {@link QuadStoreOptions#MAX_SORT_RUN_QUADS}
         */
        public Builder sortRunQuads(int quads) {
            if (quads < 1 || quads > MAX_SORT_RUN_QUADS) {
                throw new IllegalArgumentException("sortRunQuads must be 1 to " + MAX_SORT_RUN_QUADS + ", not "
                        + quads + " (a run is held in arrays of four ids a quad).");
            }
            this.sortRunQuads = quads;
            return this;
        }

        /**
         * Sets the directory of a sorted load's temporary run files ({@link QuadStoreOptions#sortDirectory()}).
         *
         * @param directory an existing directory
         * @return this builder
         * @throws NullPointerException if {@code directory} is null
         */
        public Builder sortDirectory(java.nio.file.Path directory) {
            this.sortDirectory = Objects.requireNonNull(directory, "directory");
            return this;
        }

        /**
         * Sets whether opening a quad store with an incomplete sorted load empties it
         * ({@link QuadStoreOptions#discardIncompleteLoad()}).
         *
         * @param discard {@code true} to empty such a store on open
         * @return this builder
         */
        public Builder discardIncompleteLoad(boolean discard) {
            this.discardIncompleteLoad = discard;
            return this;
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
