/**
 * The fault-injecting file system: test doubles of the {@link dev.plinth.io.Vfs} seam that make an
 * engine's file handling fail in every way a disk can, deterministically from a seed.
 *
 * <ul>
 *   <li>{@link dev.plinth.testkit.io.MemVfs}: a strict in-memory file system that keeps the durable
 *       state apart from what the process sees, and {@linkplain dev.plinth.testkit.io.MemVfs#powerLoss
 *       loses power} as a {@link dev.plinth.testkit.io.PowerLoss} says: unforced bytes dropped or torn,
 *       unsynced names forgotten.</li>
 *   <li>{@link dev.plinth.testkit.io.FaultyVfs}: a wrapper over any {@code Vfs} (the in-memory one, or real
 *       files through {@link dev.plinth.io.NioVfs}) that counts operations by
 *       {@link dev.plinth.testkit.io.IoOp kind}, injects {@link dev.plinth.testkit.io.Fault}s at the N-th
 *       operation, limits free space, and reports leaked handles with where they were opened.</li>
 *   <li>{@link dev.plinth.testkit.io.Corruption}: damage at rest (bit flips, zeroed blocks, cut files).</li>
 *   <li>{@link dev.plinth.testkit.io.VfsContract}: the behaviour every {@code Vfs} shares, as an abstract
 *       JUnit 5 class an implementation runs with one factory method.</li>
 * </ul>
 * See {@code docs/testing.md}, "The fault-injecting file system".
 */
package dev.plinth.testkit.io;
