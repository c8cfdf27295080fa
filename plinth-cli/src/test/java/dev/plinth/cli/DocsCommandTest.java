package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.documents.DocumentCollection;
import dev.plinth.documents.DocumentStore;
import java.nio.file.Path;
import org.automerge.NewValue;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code plinth docs list|show|sync} on documents written through {@code plinth-documents}. */
class DocsCommandTest {
    @TempDir
    Path dir;

    @Test
    void listShowAndSyncTwoStores() {
        String a = "rocksdb:" + dir.resolve("a");
        String b = "lmdb:" + dir.resolve("b");
        try (Store sa = Plinth.open(a); DocumentStore da = DocumentStore.open(sa)) {
            DocumentCollection notes = da.collection("notes");
            notes.create("n1", tx -> {
                tx.set(ObjectId.ROOT, "title", "groceries \"weekly\"");
                tx.set(ObjectId.ROOT, "count", NewValue.counter(3));
                ObjectId items = tx.set(ObjectId.ROOT, "items", ObjectType.LIST);
                tx.insert(items, 0, "milk");
                tx.insert(items, 1, true);
            });
            notes.create("n2");
            da.collection("tasks").create("t1", tx -> {
                ObjectId text = tx.set(ObjectId.ROOT, "body", ObjectType.TEXT);
                tx.spliceText(text, 0, 0, "call\nbob");
            });
        }
        try (Store sb = Plinth.open(b); DocumentStore db = DocumentStore.open(sb)) {
            db.collection("notes").create("n3", tx -> tx.set(ObjectId.ROOT, "from", "b"));
        }

        CliRun list = CliRun.run("docs", "list", a);
        assertThat(list.exitCode()).as("%s", list).isZero();
        assertThat(list.outText()).isEqualTo("notes\ntasks\n");
        assertThat(CliRun.run("docs", "list", a, "notes").outText()).isEqualTo("n1\nn2\n");
        assertThat(CliRun.run("docs", "list", a, "notes", "--prefix", "n2").outText()).isEqualTo("n2\n");
        CliRun show = CliRun.run("docs", "show", a, "notes", "n1");
        assertThat(show.outText()).isEqualTo(
                "{\"count\":3,\"items\":[\"milk\",true],\"title\":\"groceries \\\"weekly\\\"\"}\n");
        assertThat(CliRun.run("docs", "show", a, "tasks", "t1").outText()).isEqualTo("{\"body\":\"call\\nbob\"}\n");
        CliRun missing = CliRun.run("docs", "show", a, "notes", "nope");
        assertThat(missing.exitCode()).isEqualTo(ExitCode.NOT_FOUND);
        assertThat(missing.err()).contains("no document 'nope' in collection 'notes'");

        CliRun sync = CliRun.run("docs", "sync", a, b);
        assertThat(sync.exitCode()).as("%s", sync).isZero();
        assertThat(sync.outText()).contains("synced notes: 3 documents").contains("synced tasks: 1 documents");
        assertThat(CliRun.run("docs", "list", b, "notes").outText()).isEqualTo("n1\nn2\nn3\n");
        assertThat(CliRun.run("docs", "show", b, "notes", "n1").outText()).isEqualTo(show.outText());
        assertThat(CliRun.run("docs", "show", a, "notes", "n3").outText()).isEqualTo("{\"from\":\"b\"}\n");
    }
}
