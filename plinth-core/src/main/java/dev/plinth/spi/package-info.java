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
 * <h2>What the core guarantees the engine</h2>
 * An engine may rely on these and need not check them again:
 * <ul>
 *   <li>every argument is non-null unless documented as optional (range bounds, a precondition's expected
 *       value);
 *   <li>keys of point reads, puts, deletes and preconditions are non-empty and at most
 *       {@link dev.plinth.Capabilities#maxKeySize()} bytes; values are at most
 *       {@link dev.plinth.Capabilities#maxValueSize()} bytes; a batch holds at most
 *       {@link dev.plinth.Capabilities#maxBatchOps()} mutations of at most
 *       {@link dev.plinth.Capabilities#maxBatchBytes()} bytes; its durability is one the engine declared.
 *       Range bounds and seek targets are not limited: they may be longer than any key;
 *   <li>ranges are never inverted ({@code start <= end} when both are given), though they may be empty;
 *   <li>keyspace names are valid, and the default keyspace is never dropped; keyspace handles passed in are
 *       ones this engine returned (one may have been dropped since, which the engine reports);
 *   <li>no call begins after {@link dev.plinth.spi.Engine#close()} began, {@code close} is called once,
 *       and cursors and snapshots the core opened are closed before it;
 *   <li>arrays handed to the engine are never changed by the core afterwards (the engine may keep them
 *       without copying), and arrays the engine returns are never changed by the core;
 *   <li>version preconditions ({@link dev.plinth.spi.EngineBatch.KeyUnchangedSince},
 *       {@link dev.plinth.spi.EngineBatch.RangeUnchangedSince}) reach only engines that declare
 *       {@link dev.plinth.Capabilities#versionedPreconditions()}, and name only the version of a snapshot of
 *       the same engine that the core keeps open until the batch's {@link dev.plinth.spi.Engine#apply}
 *       returns;
 *   <li>a cursor's {@link dev.plinth.spi.ScanSpec} says how much of each value the core reads; the engine
 *       may copy no more.
 * </ul>
 *
 * <p>The engine author's toolkit, for what every engine otherwise writes again:
 * {@link dev.plinth.spi.KeyspaceRegistry} keeps the live keyspaces by name and answers
 * {@code keyspaceNames}, {@code keyspace} and the fast path of {@code createKeyspace};
 * {@link dev.plinth.spi.StoreDirectory} refuses another engine's files before anything is created;
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
