package dev.plinth.documents;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.nio.file.Path;

/** The contract on {@code mem:}; a reopen is a new document store over the same store. */
class DocumentStoreOnMemTest extends DocumentCollectionContract {
    @Override
    protected Store openStore(Path dir) {
        return Plinth.open("mem:");
    }

    @Override
    protected Store reopenStore(Path dir, Store current) {
        return current;
    }
}
