/**
 * Plinth: one ordered key-value API over many storage engines.
 *
 * <p>Open a store with {@link dev.plinth.Plinth#open(String)}; the URI scheme picks the engine
 * ({@code mem:}, and the engines on the class path). Everything a user programs against lives in this
 * package: {@link dev.plinth.Store}, {@link dev.plinth.Keyspace}, {@link dev.plinth.Cursor},
 * {@link dev.plinth.Snapshot}, {@link dev.plinth.WriteBatch}, {@link dev.plinth.Transaction}, and the
 * exception hierarchy rooted at {@link dev.plinth.PlinthException}.
 *
 * <h2>Keys, values, ranges</h2>
 * Keys and values are byte arrays. Keys are compared as unsigned bytes
 * ({@link java.util.Arrays#compareUnsigned(byte[], byte[])}); a key is 1 byte or longer. Ranges are
 * half-open {@code [start, end)} ({@link dev.plinth.Range}). Arrays passed in are copied before the
 * call returns, and arrays returned belong to the caller: neither side sees later changes to the other's
 * arrays.
 *
 * <h2>Argument checking</h2>
 * Every argument is checked before anything reaches the engine, and a rejected call changes nothing:
 * {@link java.lang.NullPointerException} naming the argument for nulls,
 * {@link java.lang.IllegalArgumentException} for malformed arguments (inverted ranges, empty keys, bad
 * keyspace names), {@link dev.plinth.LimitExceededException} for keys, values or batches over the
 * engine's {@link dev.plinth.Capabilities}, {@link dev.plinth.UnsupportedCapabilityException} for a
 * durability the engine cannot honour, and {@link dev.plinth.StoreClosedException} after
 * {@link dev.plinth.Store#close()}.
 */
package dev.plinth;
