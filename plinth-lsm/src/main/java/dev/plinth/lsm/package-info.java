/**
 * Plinth's pure-Java durable engine, {@code lsm:}: {@link dev.plinth.lsm.LsmEngineProvider} serves it; the
 * engine's layers live in {@code dev.plinth.lsm.internal} (key, wal, memtable, engine), each depending only on
 * those below it.
 */
package dev.plinth.lsm;
