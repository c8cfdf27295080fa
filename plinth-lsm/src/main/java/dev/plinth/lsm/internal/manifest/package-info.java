/**
 * The manifest of the lsm engine: the durable record of which tables and log segments hold the store,
 * its keyspaces and its counters, and {@code CURRENT}, which names the manifest file. Depends on the wal
 * package for its framing.
 */
package dev.plinth.lsm.internal.manifest;
