package dev.plinth.testkit.io;

import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.nio.ByteBuffer;
import java.util.Random;

/**
 * Damage to files at rest: flipped bits, zeroed blocks, cut-off files. Each call opens the file, changes
 * it, {@linkplain VfsFile#force() forces} it and closes it, so the damage is durable (it survives a later
 * {@link MemVfs#powerLoss}). Meant for a store that is closed or crashed; on a running one, the force also
 * makes the file's other unsynced bytes durable. Given a {@link FaultyVfs}, it works on the file system
 * underneath, so damage is neither counted nor failed. Stateless and thread-safe.
 */
public final class Corruption {
    private Corruption() {
    }

    /**
     * A bit flipped by {@link #flipRandomBit(Vfs, String, long)}.
     *
     * @param offset the byte's offset in the file
     * @param bit the bit's index, 0 (least significant) to 7
     */
    public record Flip(long offset, int bit) {
    }

    private static Vfs atRest(Vfs vfs) {
        return vfs instanceof FaultyVfs f ? f.delegate() : vfs;
    }

    /**
     * Flips bits of one byte: the byte becomes {@code byte ^ mask}.
     *
     * @param vfs the file system
     * @param name the file
     * @param offset the byte's offset, inside the file
     * @param mask the bits to flip, 1 to 255
     * @throws IllegalArgumentException if the offset is outside the file or the mask flips nothing
     */
    public static void flipBits(Vfs vfs, String name, long offset, int mask) {
        if (mask < 1 || mask > 0xFF) {
            throw new IllegalArgumentException("mask must be within 1..255, not " + mask);
        }
        try (VfsFile f = atRest(vfs).openWrite(name)) {
            checkInside(f, offset, 1);
            ByteBuffer b = ByteBuffer.allocate(1);
            f.read(offset, b);
            b.put(0, (byte) (b.get(0) ^ mask));
            f.write(offset, b.rewind());
            f.force();
        }
    }

    /**
     * Flips one bit chosen from a seed, anywhere in the file.
     *
     * @param vfs the file system
     * @param name the file, not empty
     * @param seed the seed of the choice; the same seed and size give the same bit
     * @return which bit was flipped
     */
    public static Flip flipRandomBit(Vfs vfs, String name, long seed) {
        return flipRandomBit(vfs, name, 0, atRest(vfs).size(name), seed);
    }

    /**
     * Flips one bit chosen from a seed within a range of the file.
     *
     * @param vfs the file system
     * @param name the file
     * @param from the range's first byte, inclusive
     * @param to the range's end, exclusive; inside the file and after {@code from}
     * @param seed the seed of the choice
     * @return which bit was flipped
     */
    public static Flip flipRandomBit(Vfs vfs, String name, long from, long to, long seed) {
        if (from < 0 || to <= from) {
            throw new IllegalArgumentException("no byte to flip in [" + from + ", " + to + ") of " + name);
        }
        Random r = new Random(seed);
        Flip flip = new Flip(from + (long) (r.nextDouble() * (to - from)), r.nextInt(8));
        flipBits(vfs, name, flip.offset(), 1 << flip.bit());
        return flip;
    }

    /**
     * Overwrites a range with zeros, as a lost block reads back.
     *
     * @param vfs the file system
     * @param name the file
     * @param offset the first byte
     * @param length how many bytes; the range must lie inside the file
     */
    public static void zero(Vfs vfs, String name, long offset, int length) {
        try (VfsFile f = atRest(vfs).openWrite(name)) {
            checkInside(f, offset, length);
            f.write(offset, ByteBuffer.allocate(length));
            f.force();
        }
    }

    /**
     * Cuts a file short.
     *
     * @param vfs the file system
     * @param name the file
     * @param size the new size, smaller than the file's
     */
    public static void truncate(Vfs vfs, String name, long size) {
        try (VfsFile f = atRest(vfs).openWrite(name)) {
            if (size < 0 || size >= f.size()) {
                throw new IllegalArgumentException("cannot cut " + name + " of " + f.size() + " bytes to " + size);
            }
            f.truncate(size);
            f.force();
        }
    }

    private static void checkInside(VfsFile f, long offset, long length) {
        long size = f.size();
        if (offset < 0 || length < 0 || offset + length > size) {
            throw new IllegalArgumentException("range [" + offset + ", " + (offset + length) + ") is outside "
                    + f.name() + " of " + size + " bytes");
        }
    }
}
