/**
 * The engine SPI: the narrow interface a storage engine implements. Everything users see (CAS,
 * transactions, time to live, argument checking, cursor and snapshot tracking) is built once in the core
 * on top of it.
 *
 * <p>An engine provides, per keyspace, a point read and an ordered cursor over the latest state and over
 * {@link dev.plinth.spi.EngineSnapshot}s, and the atomic apply of an {@link dev.plinth.spi.EngineBatch}
 * of puts, deletes and range deletes guarded by preconditions that it checks atomically with the apply.
 * Plus keyspace management, flush, compact, stats, capabilities and close. Engines are found by URI
 * scheme through {@link java.util.ServiceLoader} of {@link dev.plinth.spi.EngineProvider}.
 *
 * <p>What the core guarantees the engine: arguments are non-null and checked against the engine's
 * {@link dev.plinth.Capabilities}; ranges are not inverted; keyspace names are valid; no call arrives
 * after {@link dev.plinth.spi.Engine#close()} began, and {@code close} waits for calls in progress;
 * cursors and snapshots are closed before the engine is. Arrays handed to the engine are not changed by
 * the core afterwards, and arrays the engine returns are not changed by the engine afterwards. Version
 * preconditions ({@link dev.plinth.spi.EngineBatch.KeyUnchangedSince},
 * {@link dev.plinth.spi.EngineBatch.RangeUnchangedSince}) reach only engines that declare
 * {@link dev.plinth.Capabilities#versionedPreconditions()}, and name only the version of a snapshot of the
 * same engine that the core keeps open until the batch's {@link dev.plinth.spi.Engine#apply} returns.
 *
 * <p>The engine author's toolkit, for what every engine otherwise writes again:
 * {@link dev.plinth.spi.CallGuard} keeps calls away from something being freed while the engine stays open
 * (a dropped keyspace's native handle, a snapshot closed under a reader) and lets the freer wait for calls
 * in progress; {@link dev.plinth.spi.FailureLatch} remembers the first error after which writes cannot be
 * trusted (a failed fsync above all) and refuses every later write with it, never retrying into a false
 * success.
 *
 * <p>Decorators wrap an engine in another engine; {@link dev.plinth.spi.ForwardingEngine} makes each one a
 * small class.
 */
package dev.plinth.spi;
