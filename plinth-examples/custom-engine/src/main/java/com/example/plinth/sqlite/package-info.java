/**
 * A Plinth engine over SQLite ({@code sqlite:/dir}), written against the published {@code plinth-core}
 * SPI only, as a third party would. Only {@link com.example.plinth.sqlite.SqliteEngineProvider} is public;
 * users open stores by URI. {@code docs/custom-engine.md} in Plinth's repository builds it step by step.
 *
 * <p>Lock order: the engine's write lock, then a read transaction's mutex
 * ({@link com.example.plinth.sqlite.ReadTxn}). A thread holding a read transaction's mutex takes no other
 * lock.
 */
package com.example.plinth.sqlite;
