package dev.plinth.lsm.internal.engine;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.spi.StoreDirectory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;

/**
 * The names of an lsm store's files and its identity file. The identity file ({@link #IDENTITY}) proves a
 * store: {@link #IDENTITY_MAGIC}, the format version and a CRC32C, {@link #IDENTITY_SIZE} bytes, written to
 * a temporary file, forced, renamed and made durable with the directory before anything else exists.
 * Stateless.
 */
final class StoreFiles {
    /** The identity file. */
    static final String IDENTITY = "PLINTH-LSM";
    /** The lock file. */
    static final String LOCK = "LOCK";
    /** {@code "PLNTHLSM"} in ASCII. */
    static final long IDENTITY_MAGIC = 0x504C4E54484C534DL;
    /** The store format version. */
    static final int FORMAT_VERSION = 1;
    /** Bytes of the identity file: magic (8), version (4), CRC32C of those (4). */
    static final int IDENTITY_SIZE = 16;

    private StoreFiles() {
    }

    /** Removes what an interrupted creation left (every own file but the lock), before a store is made. */
    static void wipe(Vfs vfs) {
        boolean any = false;
        for (String n : vfs.list("")) {
            if (!n.equals(LOCK) && StoreDirectory.LSM.ownFile().test(n)) {
                vfs.delete(n);
                any = true;
            }
        }
        if (any) {
            vfs.syncDirectory("");
        }
    }

    /** Makes a new store's identity durable; the last step of creating a store. */
    static void writeIdentity(Vfs vfs) {
        ByteBuffer b = ByteBuffer.allocate(IDENTITY_SIZE).order(ByteOrder.LITTLE_ENDIAN);
        b.putLong(Long.reverseBytes(IDENTITY_MAGIC)).putInt(FORMAT_VERSION); // the magic reads as ASCII
        b.putInt(WalFormat.crc(b.array(), 0, 12));
        b.flip();
        String tmp = IDENTITY + ".tmp";
        try (VfsFile f = vfs.create(tmp)) {
            f.write(0, b);
            f.force();
        }
        vfs.rename(tmp, IDENTITY);
        vfs.syncDirectory("");
    }

    /**
     * Checks the identity file.
     *
     * @throws CorruptionException if it is damaged or of another format version
     */
    static void checkIdentity(Vfs vfs, String uri) {
        byte[] b = new byte[IDENTITY_SIZE];
        int n;
        long size;
        try (VfsFile f = vfs.openRead(IDENTITY)) {
            size = f.size();
            n = f.read(0, ByteBuffer.wrap(b));
        }
        ByteBuffer h = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        String where = "the identity file " + vfs.location(IDENTITY) + " of " + uri;
        if (n != IDENTITY_SIZE || size != IDENTITY_SIZE) {
            throw new CorruptionException(where + " is " + size + " bytes, not " + IDENTITY_SIZE);
        }
        if (h.getInt(12) != WalFormat.crc(b, 0, 12)) {
            throw new CorruptionException(where + " fails its CRC32C");
        }
        if (Long.reverseBytes(h.getLong(0)) != IDENTITY_MAGIC) {
            throw new CorruptionException(where + " has no lsm magic number");
        }
        int version = h.getInt(8);
        if (version != FORMAT_VERSION) {
            throw new CorruptionException(where + " says format version " + version + "; this code reads only "
                    + FORMAT_VERSION);
        }
    }

    /** Deletes tables, log segments and manifests the manifest does not name: leftovers of a crash. */
    static void removeUnnamed(Vfs vfs, dev.plinth.lsm.internal.manifest.VersionState state, long manifestNumber) {
        boolean any = false;
        for (String n : vfs.list("")) {
            long table = dev.plinth.lsm.internal.sstable.TableFormat.tableNumber(n);
            long segment = WalFormat.segmentNumber(n);
            long man = dev.plinth.lsm.internal.manifest.Manifest.manifestNumber(n);
            if ((table >= 0 && !state.tables().contains(table)) || (segment >= 0 && segment < state.logNumber())
                    || (man >= 0 && man != manifestNumber) || n.equals(dev.plinth.lsm.internal.manifest.Manifest.CURRENT + ".tmp")) {
                vfs.delete(n);
                any = true;
            }
        }
        if (any) {
            vfs.syncDirectory("");
        }
    }
}
