package dev.plinth.documents;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.nio.file.Path;

/** The contract on the {@code lmdb:} engine; a reopen closes the store and opens its files again. */
class DocumentStoreOnLmdbTest extends DocumentCollectionContract {
    @Override
    protected Store openStore(Path dir) {
        return Plinth.open("lmdb:" + dir.resolve("db"));
    }

    @Override
    protected Store reopenStore(Path dir, Store current) {
        current.close();
        return Plinth.open("lmdb:" + dir.resolve("db"));
    }
}
