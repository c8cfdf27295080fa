package dev.plinth.ycsb;

import dev.plinth.Cursor;
import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.PlinthException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.Vector;
import java.util.concurrent.ConcurrentHashMap;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;

/**
 * A YCSB binding: runs the standard YCSB client against any Plinth store, named by the property
 * {@value #URI_PROPERTY}. A YCSB table is a Plinth keyspace (created on first use); a record is one entry
 * whose key is the YCSB key in UTF-8 and whose value holds all its fields (see {@link FieldCodec}).
 * An update merges the given fields into the record with compare-and-set, retried on a race, so
 * concurrent updates of one record lose no field; it reports {@code NOT_FOUND} for an absent record.
 *
 * <p>Optional property {@value #DURABILITY_PROPERTY} ({@code none}, {@code process}, {@code sync}) sets
 * the durability of every write; without it the store's default applies.
 *
 * <p>YCSB makes one instance per client thread; all instances in a JVM with the same URI share one open
 * store, closed when the last of them is cleaned up. An instance is used by one thread at a time.
 */
public class PlinthYcsbClient extends DB {
    /** The store to open, any Plinth URI: {@code mem:}, {@code rocksdb:/tmp/ycsb}, {@code lmdb:/tmp/ycsb}. */
    public static final String URI_PROPERTY = "plinth.uri";
    /** Durability of writes: {@code none}, {@code process} or {@code sync}; default: the store's. */
    public static final String DURABILITY_PROPERTY = "plinth.durability";

    /** Open stores by URI with the number of instances using each; guarded by {@code SHARED}. */
    private static final Map<String, SharedStore> SHARED = new HashMap<>();

    private SharedStore shared;
    private WriteOptions writeOptions;

    /** A store shared by the client instances of one URI, with its keyspaces by table name. */
    private static final class SharedStore {
        final Store store;
        final Map<String, Keyspace> keyspaces = new ConcurrentHashMap<>();
        int users;

        SharedStore(Store store) {
            this.store = store;
        }

        Keyspace keyspace(String table) {
            return keyspaces.computeIfAbsent(table, name -> {
                synchronized (this) {
                    return store.keyspaces().contains(name) ? store.keyspace(name) : store.createKeyspace(name);
                }
            });
        }
    }

    @Override
    public void init() throws DBException {
        String uri = getProperties().getProperty(URI_PROPERTY);
        if (uri == null || uri.isBlank()) {
            throw new DBException("set the store to benchmark with -p " + URI_PROPERTY
                    + "=URI (for example mem:, rocksdb:/tmp/ycsb or lmdb:/tmp/ycsb)");
        }
        String durability = getProperties().getProperty(DURABILITY_PROPERTY);
        try {
            writeOptions = durability == null || durability.isBlank()
                    ? WriteOptions.DEFAULT
                    : WriteOptions.durability(Durability.valueOf(durability.trim().toUpperCase(Locale.ROOT)));
        } catch (IllegalArgumentException e) {
            throw new DBException(DURABILITY_PROPERTY + " must be none, process or sync, got " + durability);
        }
        synchronized (SHARED) {
            SharedStore s = SHARED.get(uri);
            if (s == null) {
                try {
                    s = new SharedStore(Plinth.open(uri));
                } catch (PlinthException | IllegalArgumentException e) {
                    throw new DBException("cannot open " + uri + ": " + e.getMessage(), e);
                }
                SHARED.put(uri, s);
            }
            s.users++;
            shared = s;
        }
    }

    @Override
    public void cleanup() throws DBException {
        SharedStore s = shared;
        if (s == null) {
            return;
        }
        shared = null;
        synchronized (SHARED) {
            if (--s.users == 0) {
                SHARED.values().remove(s);
                s.store.close();
            }
        }
    }

    private Keyspace keyspace(String table) {
        SharedStore s = shared;
        if (s == null) {
            throw new IllegalStateException("PlinthYcsbClient used before init() or after cleanup()");
        }
        return s.keyspace(table);
    }

    private static byte[] key(String key) {
        return key.getBytes(StandardCharsets.UTF_8);
    }

    /** A failed operation, reported to YCSB (which counts it) with the store's message. */
    private static Status error(String op, String key, RuntimeException e) {
        return new Status("ERROR", op + " " + key + ": " + e);
    }

    @Override
    public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        try {
            return readRecord(table, key, fields, result);
        } catch (PlinthException | IllegalArgumentException e) {
            return error("read", key, e);
        }
    }

    private Status readRecord(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
        byte[] value = keyspace(table).get(key(key));
        if (value == null) {
            return Status.NOT_FOUND;
        }
        FieldCodec.toIterators(FieldCodec.decode(value, fields), result);
        return Status.OK;
    }

    @Override
    public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                       Vector<HashMap<String, ByteIterator>> result) {
        if (recordcount <= 0) {
            return Status.OK;
        }
        try {
            return scanRecords(table, startkey, recordcount, fields, result);
        } catch (PlinthException | IllegalArgumentException e) {
            return error("scan", startkey, e);
        }
    }

    private Status scanRecords(String table, String startkey, int recordcount, Set<String> fields,
                               Vector<HashMap<String, ByteIterator>> result) {
        try (Cursor c = keyspace(table).cursor(Range.from(key(startkey)), ScanOptions.forward().withLimit(recordcount))) {
            while (c.next()) {
                HashMap<String, ByteIterator> record = new HashMap<>();
                FieldCodec.toIterators(FieldCodec.decode(c.value(), fields), record);
                result.add(record);
            }
        }
        return Status.OK;
    }

    @Override
    public Status update(String table, String key, Map<String, ByteIterator> values) {
        try {
            return merge(table, key, values);
        } catch (PlinthException | IllegalArgumentException e) {
            return error("update", key, e);
        }
    }

    private Status merge(String table, String key, Map<String, ByteIterator> values) {
        Keyspace ks = keyspace(table);
        byte[] k = key(key);
        Map<String, byte[]> changes = FieldCodec.toBytes(values);
        while (true) {
            byte[] old = ks.get(k);
            if (old == null) {
                return Status.NOT_FOUND;
            }
            Map<String, byte[]> merged = FieldCodec.decode(old, null);
            merged.putAll(changes);
            if (ks.compareAndSet(k, old, FieldCodec.encode(merged), writeOptions)) {
                return Status.OK;
            }
        }
    }

    @Override
    public Status insert(String table, String key, Map<String, ByteIterator> values) {
        try {
            keyspace(table).put(key(key), FieldCodec.encode(FieldCodec.toBytes(values)), writeOptions);
            return Status.OK;
        } catch (PlinthException | IllegalArgumentException e) {
            return error("insert", key, e);
        }
    }

    @Override
    public Status delete(String table, String key) {
        try {
            keyspace(table).delete(key(key), writeOptions);
            return Status.OK;
        } catch (PlinthException | IllegalArgumentException e) {
            return error("delete", key, e);
        }
    }
}
