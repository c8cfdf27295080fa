/**
 * The memtable of the lsm engine: a concurrent skip list of versions keyed by (keyspace, key, sequence
 * number descending), and the range deletes. Written only under the engine's write lock; read without locks.
 */
package dev.plinth.lsm.internal.memtable;
