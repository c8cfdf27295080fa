package dev.plinth.cli.transfer;

import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.ReadView;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Iterator;
import java.util.List;

/**
 * A store's contents read through one view (the store itself, or a snapshot of it for a consistent read
 * across keyspaces): every keyspace the store lists, each walked by a forward cursor. Not thread-safe.
 */
public final class StoreEntrySource implements EntrySource {
    private final Store store;
    private final ReadView view;
    private final Iterator<String> names;
    private Cursor cursor;

    /**
     * Reads a store.
     *
     * @param store the store, for its keyspaces
     * @param view what to read through: the store or a snapshot of it
     */
    public StoreEntrySource(Store store, ReadView view) {
        this.store = store;
        this.view = view;
        List<String> sorted = new ArrayList<>(store.keyspaces());
        Collections.sort(sorted);
        this.names = sorted.iterator();
    }

    @Override
    public String name() {
        return store.uri();
    }

    @Override
    public String nextKeyspace() {
        close();
        if (!names.hasNext()) {
            return null;
        }
        String name = names.next();
        cursor = view.cursor(store.keyspace(name), Range.all(), ScanOptions.forward());
        return name;
    }

    @Override
    public boolean nextEntry() {
        return cursor != null && cursor.next();
    }

    @Override
    public byte[] key() {
        return cursor.key();
    }

    @Override
    public byte[] value() {
        return cursor.value();
    }

    @Override
    public void close() {
        if (cursor != null) {
            cursor.close();
            cursor = null;
        }
    }
}
