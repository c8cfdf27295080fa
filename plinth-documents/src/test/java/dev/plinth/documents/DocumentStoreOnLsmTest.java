package dev.plinth.documents;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The contract on the durable {@code lsm:} engine; a reopen closes the store and opens its files again. */
class DocumentStoreOnLsmTest extends DocumentCollectionContract {
    @Override
    protected Store openStore(Path dir) {
        return Plinth.open("lsm:" + dir.resolve("db"));
    }

    @Override
    protected Store reopenStore(Path dir, Store current) {
        current.close();
        return Plinth.open("lsm:" + dir.resolve("db"));
    }

    @Test
    void anUnknownCollectionOnAReadOnlyStoreIsAClearError() {
        docs.collection("notes").create("a");
        docs.close();
        store.close();
        try (Store ro = StoreOptions.builder("lsm:" + dir.resolve("db")).readOnly(true).open();
             DocumentStore d = DocumentStore.open(ro)) {
            assertThat(d.collection("notes").ids()).containsExactly("a");
            assertThatThrownBy(() -> d.collection("missing")).isInstanceOf(NoSuchCollectionException.class)
                    .hasMessageContaining("'missing'").hasMessageContaining("lsm:");
        }
    }
}
