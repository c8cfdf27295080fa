package dev.plinth.documents;

import dev.plinth.Durability;
import java.time.InstantSource;
import java.util.Objects;

/**
 * Options of a {@link DocumentStore}. Immutable and thread-safe; built with {@link #builder()}.
 */
public final class DocumentOptions {
    /** The default number of change entries after which a document is compacted in the background. */
    public static final int DEFAULT_COMPACT_AFTER = 512;
    /** The default number of loaded documents kept in memory per collection. */
    public static final int DEFAULT_MAX_CACHED = 1024;

    private static final DocumentOptions DEFAULTS = builder().build();

    private final Durability durability;
    private final int compactAfter;
    private final boolean backgroundCompaction;
    private final int maxCached;
    private final InstantSource clock;

    private DocumentOptions(Builder b) {
        this.durability = b.durability;
        this.compactAfter = b.compactAfter;
        this.backgroundCompaction = b.backgroundCompaction;
        this.maxCached = b.maxCached;
        this.clock = b.clock;
    }

    /** @return the defaults: the store's durability, background compaction after {@link #DEFAULT_COMPACT_AFTER} */
    public static DocumentOptions defaults() {
        return DEFAULTS;
    }

    /** @return a builder holding the defaults */
    public static Builder builder() {
        return new Builder();
    }

    /** @return the durability of every write, or {@code null} for the store's default */
    public Durability durability() {
        return durability;
    }

    /**
     * @return the number of change entries after which a document is compacted in the background; a document
     *         with a long history waits until its entries after the snapshot are also a quarter of its history, so
     *         that compaction costs a constant amount per change
     */
    public int compactAfter() {
        return compactAfter;
    }

    /** @return whether compaction runs on a background thread once a document reaches {@link #compactAfter()} */
    public boolean backgroundCompaction() {
        return backgroundCompaction;
    }

    /** @return how many loaded documents each collection keeps in memory at most */
    public int maxCached() {
        return maxCached;
    }

    /** @return the clock that document expiry is measured with */
    public InstantSource clock() {
        return clock;
    }

    /** Builds {@link DocumentOptions}. Not thread-safe. */
    public static final class Builder {
        private Durability durability;
        private int compactAfter = DEFAULT_COMPACT_AFTER;
        private boolean backgroundCompaction = true;
        private int maxCached = DEFAULT_MAX_CACHED;
        private InstantSource clock = InstantSource.system();

        private Builder() {
        }

        /**
         * Sets the durability of every change, create, delete and compaction.
         *
         * @param durability a level the store honours, or {@code null} for the store's default
         * @return this builder
         */
        public Builder durability(Durability durability) {
            this.durability = durability;
            return this;
        }

        /**
         * Sets the number of change entries after which a document's log is folded into its snapshot.
         *
         * @param changes at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code changes < 1}
         */
        public Builder compactAfter(int changes) {
            if (changes < 1) {
                throw new IllegalArgumentException("compactAfter must be at least 1, not " + changes);
            }
            this.compactAfter = changes;
            return this;
        }

        /**
         * Sets whether compaction runs by itself on a background thread (on by default). Off, documents are
         * compacted only by {@link DocumentCollection#compact(String)} and {@link DocumentStore#compact()}.
         *
         * @param on whether to compact in the background
         * @return this builder
         */
        public Builder backgroundCompaction(boolean on) {
            this.backgroundCompaction = on;
            return this;
        }

        /**
         * Sets how many loaded documents each collection keeps in memory; the least recently loaded are let go
         * first and loaded again from the store when next used.
         *
         * @param documents at least 1
         * @return this builder
         * @throws IllegalArgumentException if {@code documents < 1}
         */
        public Builder maxCached(int documents) {
            if (documents < 1) {
                throw new IllegalArgumentException("maxCached must be at least 1, not " + documents);
            }
            this.maxCached = documents;
            return this;
        }

        /**
         * Sets the clock that document expiry is measured with (the system clock by default).
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /** @return the options */
        public DocumentOptions build() {
            return new DocumentOptions(this);
        }
    }
}
