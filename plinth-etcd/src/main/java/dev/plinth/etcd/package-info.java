/**
 * The etcd engine ({@code etcd://host:port,.../root/}) over {@code io.etcd:jetcd-core}. Only
 * {@link dev.plinth.etcd.EtcdEngineProvider} and {@link dev.plinth.etcd.CompactedRevisionException} are
 * public; users open stores by URI. User documentation, parameters, limits and the key layout:
 * {@code docs/engines/etcd.md}.
 *
 * <h2>Data</h2>
 * Every key of a store lives under its root prefix: a marker key, a keyspace registry (name to an
 * identifier drawn at creation), each keyspace's entries under its identifier, and each keyspace's stamp key
 * ({@code EtcdKeyspace}). Keys sort by etcd's byte order, which is Plinth's unsigned order.
 *
 * <h2>Reads</h2>
 * A snapshot is a revision ({@code EtcdSnapshot}); a cursor pages through a range at one
 * revision, fixed by its first page ({@code EtcdCursor}). The engine remembers the revisions
 * open snapshots and cursors read, so {@code EtcdEngine#compact()} never compacts past them.
 *
 * <h2>Writes</h2>
 * A batch is one etcd transaction ({@code TxnPlan}): preconditions are checked at a
 * revision and guarded by compares of mod revisions ({@code PreconditionView}), re-checked
 * when a concurrent write beats the compares. Writes are never retried after an unknown outcome
 * ({@code Remote}). Time to live: shared leases per expiry bucket
 * ({@code Leases}).
 *
 * <h2>Locks</h2>
 * {@code EtcdEngine.keyspaceLock} (keyspace creation and drop), then {@code EtcdEngine.snapshotLock} (the
 * open revisions); each {@code Leases} grant is guarded by itself. No lock is held across a call to etcd
 * except the keyspace lock, which serialises this engine's keyspace creations and drops.
 */
package dev.plinth.etcd;
