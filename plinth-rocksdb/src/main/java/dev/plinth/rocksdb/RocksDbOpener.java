package dev.plinth.rocksdb;

import dev.plinth.NoSuchStoreException;
import dev.plinth.StorageIOException;
import dev.plinth.spi.StoreDirectory;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.rocksdb.ColumnFamilyDescriptor;
import org.rocksdb.ColumnFamilyHandle;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;

/**
 * Opens a {@link RocksDbEngine}: checks and creates the directory, makes the native settings, opens the
 * database with every column family it lists, and hands all of it to the engine; on any failure it frees
 * what it opened, newest first, before the exception leaves. Stateless.
 */
final class RocksDbOpener {
    private RocksDbOpener() {
    }

    /**
     * Opens (creating if needed) the database in {@code dir} with every column family it has; on failure
     * everything opened so far is freed. Read-only, it opens in RocksDB's read-only mode, which takes no
     * lock, so a store another process holds open can be read; it sees what was written when it opened,
     * and creates nothing.
     *
     * @param uri the store URI, for messages
     * @param dir the directory
     * @param options the settings
     * @param createIfMissing whether to create the store when {@code dir} holds none; ignored when read-only
     * @param readOnly whether to open read-only
     * @return the open engine
     * @throws NoSuchStoreException if {@code dir} holds no RocksDB store and it may not be created
     * @throws dev.plinth.ForeignFilesException if {@code dir} holds files that are not RocksDB's
     */
    static RocksDbEngine open(String uri, Path dir, RocksDbOptions options, boolean createIfMissing,
                              boolean readOnly) {
        Path abs = dir.toAbsolutePath().normalize();
        String path = abs.toString();
        StoreDirectory.check(uri, abs, StoreDirectory.ROCKSDB, createIfMissing && !readOnly);
        if (!readOnly) {
            createDirectory(abs);
        }
        RocksDB.loadLibrary();
        RocksDbNativeOptions natives = RocksDbNativeOptions.create(options, createIfMissing);
        List<ColumnFamilyHandle> handles = new ArrayList<>();
        RocksDB db = null;
        try {
            List<byte[]> names = existingColumnFamilies(abs, path);
            List<ColumnFamilyDescriptor> descriptors = new ArrayList<>();
            for (byte[] name : names) {
                descriptors.add(new ColumnFamilyDescriptor(name, natives.cfOptions));
            }
            db = NativeTracker.track(readOnly
                    ? RocksDB.openReadOnly(natives.dbOptions, path, descriptors, handles)
                    : RocksDB.open(natives.dbOptions, path, descriptors, handles));
            for (ColumnFamilyHandle h : handles) {
                NativeTracker.track(h);
            }
            RocksDbEngine engine = new RocksDbEngine(uri, path, natives, db, readOnly);
            for (int i = 0; i < names.size(); i++) {
                engine.registerOpened(new String(names.get(i), StandardCharsets.UTF_8), handles.get(i));
            }
            return engine;
        } catch (RocksDBException e) {
            cleanUpFailedOpen(handles, db, natives);
            throw RocksDbErrors.translate(path, "open", e);
        } catch (RuntimeException | Error e) {
            cleanUpFailedOpen(handles, db, natives);
            throw e;
        }
    }

    /** Frees what a failed open made: column family handles, then the database, then its settings. */
    private static void cleanUpFailedOpen(List<ColumnFamilyHandle> handles, RocksDB db, RocksDbNativeOptions natives) {
        for (ColumnFamilyHandle h : handles) {
            h.close();
        }
        if (db != null) {
            db.close();
        }
        natives.close();
    }

    /** Creates the directory if missing; a new one is made durable by an fsync of its parent. */
    private static void createDirectory(Path dir) {
        try {
            if (Files.isDirectory(dir)) {
                return;
            }
            Files.createDirectories(dir);
            Path parent = dir.getParent();
            if (parent != null) {
                try (FileChannel ch = FileChannel.open(parent, StandardOpenOption.READ)) {
                    ch.force(true);
                }
            }
        } catch (IOException e) {
            throw new StorageIOException("rocksdb open on " + dir + " failed: cannot create the directory: " + e, e);
        }
    }

    /** The column families to open: those listed in the database, or only the default for a new one. */
    private static List<byte[]> existingColumnFamilies(Path dir, String path) throws RocksDBException {
        List<byte[]> names = new ArrayList<>();
        if (Files.exists(dir.resolve("CURRENT"))) {
            try (Options o = NativeTracker.track(new Options())) {
                names.addAll(RocksDB.listColumnFamilies(o, path));
            }
        }
        boolean hasDefault = false;
        for (byte[] n : names) {
            hasDefault |= Arrays.equals(n, RocksDB.DEFAULT_COLUMN_FAMILY);
        }
        if (!hasDefault) {
            names.add(0, RocksDB.DEFAULT_COLUMN_FAMILY);
        }
        return names;
    }
}
