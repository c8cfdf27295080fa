/**
 * The core's machinery, built once over the engine SPI: the store and keyspace objects, argument
 * checking, the time-to-live value codec, cursors and snapshots with leak tracking, conditional batches
 * (and compare-and-set on top of them), and transactions. Not a public API.
 *
 * <p>Layering, bottom-up: {@link dev.plinth.internal.ValueCodec}, {@link dev.plinth.internal.Checks} and
 * {@link dev.plinth.internal.Bytes} depend on nothing; {@link dev.plinth.internal.WriteBuffer} on those;
 * cursors, snapshots, conditional batches and transactions on the buffer; {@link dev.plinth.internal.CoreStore}
 * on all of them; {@link dev.plinth.internal.StoreOpener} on the store.
 *
 * <p>Locks: {@link dev.plinth.internal.CoreStore} has one private lock for keyspace creation and drop, and
 * no lock on the read or write path; close waits for calls in progress with a counter instead
 * ({@link dev.plinth.spi.CallGuard}). Engines bring their own locks; the core never calls an engine
 * while holding its keyspace lock except for keyspace management itself.
 */
package dev.plinth.internal;
