package dev.plinth.lsm.internal.manifest;

import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.lsm.internal.wal.WalWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * Writes a store's manifest as the code before leveled compaction did: edits that end after their table
 * list, with no levels section. For tests that an old store still opens.
 */
public final class LegacyManifest {
    private LegacyManifest() {
    }

    /**
     * An edit in the old layout.
     *
     * @param s the state; its levels are left out
     * @return the record's bytes
     */
    public static byte[] encode(VersionState s) {
        byte[] now = s.encode();
        return Arrays.copyOf(now, now.length - 4 - s.tables().size());
    }

    /**
     * Replaces the manifest of a closed store by one in the old layout holding the same state, and points
     * {@code CURRENT} at it.
     *
     * @param vfs the store's file system
     * @param store the store, for messages
     */
    public static void rewrite(Vfs vfs, String store) {
        String old = null;
        for (String n : vfs.list("")) {
            if (Manifest.manifestNumber(n) >= 0) {
                old = n;
            }
        }
        VersionState s = Manifest.read(vfs, store);
        long n = s.nextFileNumber();
        String name = Manifest.manifestName(n);
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        WalWriter.frame(framed, WalFormat.HEADER_SIZE, encode(s.withNextFileNumber(n + 1)));
        try (VfsFile f = vfs.create(name)) {
            f.write(0, WalFormat.header(Manifest.MAGIC, n));
            f.write(WalFormat.HEADER_SIZE, ByteBuffer.wrap(framed.toByteArray()));
            f.force();
        }
        String line = name + " " + String.format("%08x", WalFormat.crc(name.getBytes(StandardCharsets.US_ASCII), 0,
                name.length())) + "\n";
        vfs.delete(Manifest.CURRENT);
        try (VfsFile t = vfs.create(Manifest.CURRENT)) {
            t.write(0, ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
            t.force();
        }
        if (old != null) {
            vfs.delete(old);
        }
    }
}
