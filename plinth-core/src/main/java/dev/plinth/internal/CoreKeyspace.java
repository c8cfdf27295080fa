package dev.plinth.internal;

import dev.plinth.Cursor;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import dev.plinth.spi.EngineKeyspace;
import java.util.List;

/** A keyspace handle: the store's operations bound to one engine keyspace. Thread-safe. */
final class CoreKeyspace implements Keyspace {
    private final CoreStore store;
    private final String name;
    final EngineKeyspace engineKeyspace;
    /** Set when this store drops the keyspace; the handle stays invalid even if the name is reused. */
    volatile boolean dropped;

    CoreKeyspace(CoreStore store, String name, EngineKeyspace engineKeyspace) {
        this.store = store;
        this.name = name;
        this.engineKeyspace = engineKeyspace;
    }

    CoreStore owner() {
        return store;
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public byte[] get(byte[] key) {
        return store.get(this, key);
    }

    @Override
    public boolean contains(byte[] key) {
        return store.contains(this, key);
    }

    @Override
    public void put(byte[] key, byte[] value) {
        store.put(this, key, value, WriteOptions.DEFAULT);
    }

    @Override
    public void put(byte[] key, byte[] value, WriteOptions options) {
        store.put(this, key, value, options);
    }

    @Override
    public void delete(byte[] key) {
        store.delete(this, key, WriteOptions.DEFAULT);
    }

    @Override
    public void delete(byte[] key, WriteOptions options) {
        store.delete(this, key, options);
    }

    @Override
    public void deleteRange(Range range) {
        store.deleteRange(this, range, WriteOptions.DEFAULT);
    }

    @Override
    public void deleteRange(Range range, WriteOptions options) {
        store.deleteRange(this, range, options);
    }

    @Override
    public Cursor cursor(Range range, ScanOptions options) {
        return store.cursor(this, range, options);
    }

    @Override
    public List<KeyValue> scan(Range range, ScanOptions options) {
        return store.scan(this, range, options);
    }

    @Override
    public boolean compareAndSet(byte[] key, byte[] expected, byte[] newValue) {
        return store.compareAndSet(this, key, expected, newValue, WriteOptions.DEFAULT);
    }

    @Override
    public boolean compareAndSet(byte[] key, byte[] expected, byte[] newValue, WriteOptions options) {
        return store.compareAndSet(this, key, expected, newValue, options);
    }

    @Override
    public String toString() {
        return "Keyspace[" + name + " of " + store.uri() + (dropped ? ", dropped" : "") + "]";
    }
}
