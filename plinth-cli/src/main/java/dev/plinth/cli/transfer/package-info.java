/**
 * Moving whole stores: the dump file format ({@link dev.plinth.cli.transfer.DumpFormat}, documented in
 * {@code docs/format/dump.md}) with its writer and checking reader, copying in batches within a
 * destination's limits ({@link dev.plinth.cli.transfer.Transfer}), key-by-key comparison of any two
 * {@link dev.plinth.cli.transfer.EntrySource}s, and the read-back check behind {@code plinth verify}
 * ({@link dev.plinth.cli.transfer.StoreVerifier}). Memory use does not grow with the number of entries:
 * everything streams.
 */
package dev.plinth.cli.transfer;
