/**
 * The memtable of the lsm engine: a skip list of versions keyed by (keyspace, key, sequence number
 * descending) for one writer at a time and any number of readers, and the range deletes. The engine writes
 * it under its write lock, recovery from its one replaying thread; reads take no lock.
 */
package dev.plinth.lsm.internal.memtable;
