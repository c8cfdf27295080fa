package dev.plinth;

import java.util.Collections;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

/**
 * What an engine can do and its limits. The test kit and decorators read capabilities instead of probing
 * types. Immutable and thread-safe; built with {@link #builder()}.
 */
public final class Capabilities {
    /** The value of a count limit ({@link #maxKeyspaces()}, {@link #maxOpenSnapshots()}) that has none. */
    public static final int UNLIMITED = Integer.MAX_VALUE;
    /** The bytes a value checksum adds to each stored value ({@link #checksumValues()}). */
    public static final int CHECKSUM_BYTES = 4;

    private final boolean persistent;
    private final Set<Durability> durabilities;
    private final Durability defaultDurability;
    private final boolean nativeTtl;
    private final boolean distributed;
    private final boolean versionedPreconditions;
    private final boolean checksumValues;
    private final int maxKeySize;
    private final int maxValueSize;
    private final int maxBatchOps;
    private final long maxBatchBytes;
    private final int maxKeyspaces;
    private final int maxOpenSnapshots;

    private Capabilities(Builder b) {
        this.persistent = b.persistent;
        this.durabilities = Collections.unmodifiableSet(EnumSet.copyOf(b.durabilities));
        this.defaultDurability = b.defaultDurability;
        this.nativeTtl = b.nativeTtl;
        this.distributed = b.distributed;
        this.versionedPreconditions = b.versionedPreconditions;
        this.checksumValues = b.checksumValues;
        this.maxKeySize = b.maxKeySize;
        this.maxValueSize = b.maxValueSize;
        this.maxBatchOps = b.maxBatchOps;
        this.maxBatchBytes = b.maxBatchBytes;
        this.maxKeyspaces = b.maxKeyspaces;
        this.maxOpenSnapshots = b.maxOpenSnapshots;
    }

    /**
     * A builder with the defaults of a non-persistent engine that honours only {@link Durability#NONE}.
     *
     * @return a new builder
     */
    public static Builder builder() {
        return new Builder();
    }

    /**
     * A builder holding these capabilities, to derive others from.
     *
     * @return a new builder
     */
    public Builder toBuilder() {
        Builder b = new Builder();
        b.persistent = persistent;
        b.durabilities = EnumSet.copyOf(durabilities);
        b.defaultDurability = defaultDurability;
        b.nativeTtl = nativeTtl;
        b.distributed = distributed;
        b.versionedPreconditions = versionedPreconditions;
        b.checksumValues = checksumValues;
        b.maxKeySize = maxKeySize;
        b.maxValueSize = maxValueSize;
        b.maxBatchOps = maxBatchOps;
        b.maxBatchBytes = maxBatchBytes;
        b.maxKeyspaces = maxKeyspaces;
        b.maxOpenSnapshots = maxOpenSnapshots;
        return b;
    }

    /**
     * Whether data survives closing and reopening the store.
     *
     * @return {@code true} for persistent engines
     */
    public boolean persistent() {
        return persistent;
    }

    /**
     * The durability levels the engine honours; others are rejected.
     *
     * @return an unmodifiable set, never empty
     */
    public Set<Durability> durabilities() {
        return durabilities;
    }

    /**
     * Whether the engine honours a durability level.
     *
     * @param durability the level
     * @return {@code true} if writes may ask for it
     */
    public boolean supports(Durability durability) {
        return durabilities.contains(durability);
    }

    /**
     * The durability of writes that do not ask for one, unless the store's options override it.
     *
     * @return the default level, one of {@link #durabilities()}
     */
    public Durability defaultDurability() {
        return defaultDurability;
    }

    /**
     * Whether the engine reclaims expired entries itself. Either way the core encodes each entry's expiry in
     * its stored value and hides expired entries on every read, so what a reader sees does not depend on
     * it. Without native expiry, {@link Store#compact()} deletes expired entries; with it, the engine is
     * told each put's expiry instant ({@link dev.plinth.spi.EngineBatch.Mutation#expiresAtMillis()}) and
     * reclaims the space itself, when it likes (an etcd lease, a compaction filter), and {@code compact()}
     * leaves expired entries to it.
     *
     * @return {@code true} for native time to live
     */
    public boolean nativeTtl() {
        return nativeTtl;
    }

    /**
     * Whether the store is served by several machines (writes may have an unknown outcome).
     *
     * @return {@code true} for distributed engines
     */
    public boolean distributed() {
        return distributed;
    }

    /**
     * Whether the engine keeps versions and checks "unchanged since version V" preconditions itself. Then
     * a transaction commits with one small condition per key and range it depends on, naming the version of
     * the snapshot it read; otherwise the core compares values: the stored value of each key it read, and
     * every entry of each range it scanned. Both detect the same conflicts, except that version conditions
     * also see a key rewritten with the same value (a conflict that value conditions miss, harmlessly). See
     * {@code docs/architecture.md} for how an engine declares and checks versions.
     *
     * @return {@code true} if the engine checks version preconditions
     */
    public boolean versionedPreconditions() {
        return versionedPreconditions;
    }

    /**
     * Whether the core keeps a CRC32C of each entry's key and value inside every stored value, and checks it
     * on every read, so that damage the engine itself cannot detect is reported as
     * {@link CorruptionException} instead of being returned as data. An engine without checksums of its own
     * (LMDB) asks for it by default; one whose files are checksummed (RocksDB) may offer it as an option. It
     * costs {@value dev.plinth.Capabilities#CHECKSUM_BYTES} bytes per value, and a keys-only cursor then
     * reads whole values to check them. See {@code docs/format/value-encoding.md}.
     *
     * @return {@code true} if values carry checksums
     */
    public boolean checksumValues() {
        return checksumValues;
    }

    /**
     * The largest key, in bytes, that writes accept.
     *
     * @return the limit
     */
    public int maxKeySize() {
        return maxKeySize;
    }

    /**
     * The largest value, in bytes, that writes accept.
     *
     * @return the limit
     */
    public int maxValueSize() {
        return maxValueSize;
    }

    /**
     * The most operations (checks included) in one batch or transaction commit.
     *
     * @return the limit
     */
    public int maxBatchOps() {
        return maxBatchOps;
    }

    /**
     * The most bytes of keys and values in one batch or transaction commit.
     *
     * @return the limit
     */
    public long maxBatchBytes() {
        return maxBatchBytes;
    }

    /**
     * The most keyspaces the store holds at once, the default one included. Creating one more throws
     * {@link LimitExceededException} ({@link LimitExceededException.Limit#KEYSPACES}) and creates nothing.
     *
     * @return the limit, or {@link #UNLIMITED}
     */
    public int maxKeyspaces() {
        return maxKeyspaces;
    }

    /**
     * The most read views open at once: {@link Snapshot}s, {@link Transaction}s, and {@link Cursor}s opened
     * on the store or a keyspace (each reads a view of its own; a cursor opened from a snapshot or a
     * transaction shares that one's, and does not count). Opening one more throws
     * {@link LimitExceededException} ({@link LimitExceededException.Limit#OPEN_SNAPSHOTS}) and opens nothing;
     * point reads are not limited by it.
     *
     * @return the limit, or {@link #UNLIMITED}
     */
    public int maxOpenSnapshots() {
        return maxOpenSnapshots;
    }

    @Override
    public String toString() {
        return "Capabilities[persistent=" + persistent + ", durabilities=" + durabilities
                + ", defaultDurability=" + defaultDurability + ", nativeTtl=" + nativeTtl
                + ", distributed=" + distributed + ", versionedPreconditions=" + versionedPreconditions
                + ", checksumValues=" + checksumValues
                + ", maxKeySize=" + maxKeySize + ", maxValueSize="
                + maxValueSize + ", maxBatchOps=" + maxBatchOps + ", maxBatchBytes=" + maxBatchBytes
                + ", maxKeyspaces=" + limit(maxKeyspaces) + ", maxOpenSnapshots=" + limit(maxOpenSnapshots) + "]";
    }

    private static String limit(int n) {
        return n == UNLIMITED ? "unlimited" : Integer.toString(n);
    }

    /** Builds {@link Capabilities}. Not thread-safe. */
    public static final class Builder {
        private boolean persistent;
        private Set<Durability> durabilities = EnumSet.of(Durability.NONE);
        private Durability defaultDurability = Durability.NONE;
        private boolean nativeTtl;
        private boolean distributed;
        private boolean versionedPreconditions;
        private boolean checksumValues;
        private int maxKeySize = 64 * 1024;
        private int maxValueSize = 64 * 1024 * 1024;
        private int maxBatchOps = 1_000_000;
        private long maxBatchBytes = 256L * 1024 * 1024;
        private int maxKeyspaces = UNLIMITED;
        private int maxOpenSnapshots = UNLIMITED;

        private Builder() {
        }

        /**
         * Sets whether data survives reopen.
         *
         * @param persistent the flag
         * @return this builder
         */
        public Builder persistent(boolean persistent) {
            this.persistent = persistent;
            return this;
        }

        /**
         * Sets the honoured durability levels.
         *
         * @param levels one or more levels
         * @return this builder
         */
        public Builder durabilities(Durability... levels) {
            if (levels.length == 0) {
                throw new IllegalArgumentException("at least one durability level");
            }
            this.durabilities = EnumSet.of(levels[0], levels);
            return this;
        }

        /**
         * Sets the default durability.
         *
         * @param level the default, which must be honoured
         * @return this builder
         */
        public Builder defaultDurability(Durability level) {
            this.defaultDurability = Objects.requireNonNull(level, "level");
            return this;
        }

        /**
         * Sets whether expiry is native.
         *
         * @param nativeTtl the flag
         * @return this builder
         */
        public Builder nativeTtl(boolean nativeTtl) {
            this.nativeTtl = nativeTtl;
            return this;
        }

        /**
         * Sets whether the engine is distributed.
         *
         * @param distributed the flag
         * @return this builder
         */
        public Builder distributed(boolean distributed) {
            this.distributed = distributed;
            return this;
        }

        /**
         * Sets whether the engine checks version preconditions ({@link Capabilities#versionedPreconditions()}).
         *
         * @param versionedPreconditions the flag
         * @return this builder
         */
        public Builder versionedPreconditions(boolean versionedPreconditions) {
            this.versionedPreconditions = versionedPreconditions;
            return this;
        }

        /**
         * Sets whether the core checksums every stored value ({@link Capabilities#checksumValues()}).
         *
         * @param checksumValues the flag
         * @return this builder
         */
        public Builder checksumValues(boolean checksumValues) {
            this.checksumValues = checksumValues;
            return this;
        }

        /**
         * Sets the key size limit.
         *
         * @param bytes 1 or more
         * @return this builder
         */
        public Builder maxKeySize(int bytes) {
            this.maxKeySize = positive(bytes, "maxKeySize");
            return this;
        }

        /**
         * Sets the value size limit.
         *
         * @param bytes 0 or more
         * @return this builder
         */
        public Builder maxValueSize(int bytes) {
            if (bytes < 0) {
                throw new IllegalArgumentException("maxValueSize must be >= 0, got " + bytes);
            }
            this.maxValueSize = bytes;
            return this;
        }

        /**
         * Sets the batch operation limit.
         *
         * @param ops 1 or more
         * @return this builder
         */
        public Builder maxBatchOps(int ops) {
            this.maxBatchOps = positive(ops, "maxBatchOps");
            return this;
        }

        /**
         * Sets the batch byte limit.
         *
         * @param bytes 1 or more
         * @return this builder
         */
        public Builder maxBatchBytes(long bytes) {
            if (bytes < 1) {
                throw new IllegalArgumentException("maxBatchBytes must be >= 1, got " + bytes);
            }
            this.maxBatchBytes = bytes;
            return this;
        }

        /**
         * Sets the keyspace count limit.
         *
         * @param count 1 or more (the default keyspace counts), or {@link #UNLIMITED}, the default
         * @return this builder
         */
        public Builder maxKeyspaces(int count) {
            this.maxKeyspaces = positive(count, "maxKeyspaces");
            return this;
        }

        /**
         * Sets the limit on open read views ({@link Capabilities#maxOpenSnapshots()}).
         *
         * @param count 1 or more, or {@link #UNLIMITED}, the default
         * @return this builder
         */
        public Builder maxOpenSnapshots(int count) {
            this.maxOpenSnapshots = positive(count, "maxOpenSnapshots");
            return this;
        }

        /**
         * Builds the capabilities.
         *
         * @return the capabilities
         * @throws IllegalStateException if the default durability is not among the honoured levels
         */
        public Capabilities build() {
            if (!durabilities.contains(defaultDurability)) {
                throw new IllegalStateException("default durability " + defaultDurability
                        + " is not among the honoured levels " + durabilities);
            }
            return new Capabilities(this);
        }

        private static int positive(int v, String name) {
            if (v < 1) {
                throw new IllegalArgumentException(name + " must be >= 1, got " + v);
            }
            return v;
        }
    }
}
