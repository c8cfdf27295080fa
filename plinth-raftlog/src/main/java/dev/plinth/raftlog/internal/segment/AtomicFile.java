package dev.plinth.raftlog.internal.segment;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.nio.ByteBuffer;
import java.util.zip.CRC32C;

/**
 * A small file replaced crash-atomically: write a temporary file, force it, rename it over the target, sync the
 * directory. After a crash at any point the target holds the old contents or the new ones, whole; it is never
 * rewritten in place. The contents carry a CRC32C so damage at rest is reported, never returned.
 *
 * <p>Stateless and thread safe; callers serialise writes of one name.
 */
public final class AtomicFile {
    /** The suffix of the temporary file; a leftover one is deleted by {@link #read}. */
    public static final String TEMP_SUFFIX = ".tmp";

    private AtomicFile() {
    }

    /**
     * Replaces a file's contents.
     *
     * @param vfs      the file system
     * @param name     the file
     * @param contents the new contents
     */
    public static void write(Vfs vfs, String name, byte[] contents) {
        String temp = name + TEMP_SUFFIX;
        vfs.delete(temp);
        try (VfsFile f = vfs.create(temp)) {
            CRC32C crc = new CRC32C();
            crc.update(contents);
            f.write(0, ByteBuffer.allocate(4 + contents.length).putInt((int) crc.getValue()).put(contents).flip());
            f.force();
        }
        vfs.rename(temp, name);
        int slash = name.lastIndexOf('/');
        vfs.syncDirectory(slash < 0 ? "" : name.substring(0, slash));
    }

    /**
     * Reads a file written by {@link #write}, deleting a leftover temporary file.
     *
     * @param vfs  the file system
     * @param name the file
     * @return the contents, or {@code null} if the file does not exist
     * @throws CorruptionException if the contents fail their checksum
     */
    public static byte[] read(Vfs vfs, String name) {
        vfs.delete(name + TEMP_SUFFIX);
        if (!vfs.exists(name)) {
            return null;
        }
        try (VfsFile f = vfs.openRead(name)) {
            long size = f.size();
            if (size < 4 || size > Integer.MAX_VALUE) {
                throw new CorruptionException(vfs.location(name) + " has " + size + " bytes, too few for its checksum.");
            }
            ByteBuffer b = ByteBuffer.allocate((int) size);
            f.read(0, b);
            b.flip();
            int stored = b.getInt();
            byte[] contents = new byte[b.remaining()];
            b.get(contents);
            CRC32C crc = new CRC32C();
            crc.update(contents);
            if ((int) crc.getValue() != stored) {
                throw new CorruptionException(vfs.location(name) + " fails its CRC32C: it was damaged at rest.");
            }
            return contents;
        }
    }
}
