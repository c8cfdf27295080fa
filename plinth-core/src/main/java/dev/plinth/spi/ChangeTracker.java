package dev.plinth.spi;

/**
 * What an engine that keeps versions knows about change: whether a key or a range was changed by a batch
 * applied after a given version. Engines that declare {@link dev.plinth.Capabilities#versionedPreconditions()}
 * implement it and hand it to {@link EngineBatch#preconditionsHold(EngineReader, ChangeTracker)} under their
 * write lock, so the answer describes the state the batch is about to be applied to.
 *
 * <p>"Changed" means written: a put (even of the same value), a delete or range delete of a present key;
 * not a batch that {@linkplain EngineBatch#reclaimsOnly() only reclaims} expired entries. A version is one
 * that {@link EngineSnapshot#version()} of the same engine returned; the core keeps that snapshot open until
 * the batch that names it is applied, so the engine still holds what it needs to answer (tombstones newer
 * than the version, for instance). An answer of {@code true} when in doubt is safe (the transaction
 * conflicts and is retried); {@code false} for a change is a lost update.
 */
public interface ChangeTracker {
    /**
     * Whether a batch applied after {@code version} wrote the key.
     *
     * @param keyspace the keyspace
     * @param key the key
     * @param version a version of an open snapshot of this engine
     * @return {@code true} if the key was changed since
     */
    boolean changedSince(EngineKeyspace keyspace, byte[] key, long version);

    /**
     * Whether a batch applied after {@code version} wrote any key of {@code [start, end)}, one present then
     * or one added since.
     *
     * @param keyspace the keyspace
     * @param start inclusive lower bound, or {@code null}
     * @param end exclusive upper bound, or {@code null}
     * @param version a version of an open snapshot of this engine
     * @return {@code true} if any key of the range was changed since
     */
    boolean changedSince(EngineKeyspace keyspace, byte[] start, byte[] end, long version);
}
