package dev.plinth.cli;

import dev.plinth.Store;
import dev.plinth.documents.DocumentCollection;
import dev.plinth.documents.DocumentJson;
import dev.plinth.documents.DocumentStore;
import dev.plinth.documents.SyncSession;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.TreeSet;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/** {@code plinth docs list|show|sync}: Automerge document collections ({@code plinth-documents}). */
@Command(name = "docs", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List, show and sync the Automerge document collections kept by plinth-documents.",
        subcommands = {DocsCommand.ListDocs.class, DocsCommand.ShowDoc.class, DocsCommand.SyncDocs.class})
final class DocsCommand implements Runnable {
    @ParentCommand
    PlinthCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.io().out());
    }

    /** What the docs subcommands share: the output stream and the collection lookup. */
    abstract static class DocsSubcommand implements Callable<Integer> {
        @ParentCommand
        DocsCommand docs;

        PrintStream out() {
            return docs.root.io().out();
        }

        static DocumentCollection existing(DocumentStore store, String name) {
            if (!store.collections().contains(name)) {
                throw new CommandException(ExitCode.NOT_FOUND, "no collection '" + name + "' in " + store.uri()
                        + " (collections: " + String.join(", ", store.collections()) + ")", null);
            }
            return store.collection(name);
        }
    }

    /** {@code plinth docs list URI [COLLECTION]}. */
    @Command(name = "list", mixinStandardHelpOptions = true,
            description = "List the collections of a store, or the document ids of one collection, one a line.")
    static final class ListDocs extends DocsSubcommand {
        @Parameters(index = "0", paramLabel = "URI", description = "The store.")
        String uri;

        @Parameters(index = "1", paramLabel = "COLLECTION", arity = "0..1",
                description = "A collection; without it, the collections are listed.")
        String collection;

        @Option(names = {"-p", "--prefix"}, paramLabel = "PREFIX", defaultValue = "",
                description = "Only ids starting with PREFIX.")
        String prefix;

        @Override
        public Integer call() {
            try (Store store = Stores.openFrozen(uri, "docs list"); DocumentStore d = DocumentStore.open(store)) {
                List<String> lines = collection == null ? d.collections() : existing(d, collection).ids(prefix);
                for (String line : lines) {
                    Text.println(out(), line);
                }
                return ExitCode.OK;
            }
        }
    }

    /** {@code plinth docs show URI COLLECTION ID}. */
    @Command(name = "show", mixinStandardHelpOptions = true,
            description = "Print one document as JSON: maps with sorted keys, lists, text as strings, counters as "
                    + "numbers, bytes as base64.")
    static final class ShowDoc extends DocsSubcommand {
        @Parameters(index = "0", paramLabel = "URI", description = "The store.")
        String uri;

        @Parameters(index = "1", paramLabel = "COLLECTION", description = "The collection.")
        String collection;

        @Parameters(index = "2", paramLabel = "ID", description = "The document id.")
        String id;

        @Override
        public Integer call() {
            try (Store store = Stores.openFrozen(uri, "docs show"); DocumentStore d = DocumentStore.open(store)) {
                Optional<String> json = existing(d, collection).read(id, DocumentJson::toJson);
                if (json.isEmpty()) {
                    throw new CommandException(ExitCode.NOT_FOUND, "no document '" + id + "' in collection '"
                            + collection + "' of " + uri, null);
                }
                Text.println(out(), json.get());
                return ExitCode.OK;
            }
        }
    }

    /** {@code plinth docs sync URI1 URI2}. */
    @Command(name = "sync", mixinStandardHelpOptions = true,
            description = "Sync every collection of two stores (or the ones named) with Automerge's sync protocol, "
                    + "so both end with the same documents; deletions are not synced.")
    static final class SyncDocs extends DocsSubcommand {
        @Parameters(index = "0", paramLabel = "URI1", description = "One store.")
        String uri1;

        @Parameters(index = "1", paramLabel = "URI2", description = "The other store.")
        String uri2;

        @Option(names = {"-c", "--collection"}, paramLabel = "NAME",
                description = "Sync only this collection (repeatable).")
        List<String> only = new ArrayList<>();

        @Override
        public Integer call() {
            try (Store s1 = Stores.openExisting(uri1, "docs sync"); Store s2 = Stores.openExisting(uri2, "docs sync");
                 DocumentStore d1 = DocumentStore.open(s1); DocumentStore d2 = DocumentStore.open(s2)) {
                TreeSet<String> names = new TreeSet<>(only);
                if (names.isEmpty()) {
                    names.addAll(d1.collections());
                    names.addAll(d2.collections());
                }
                for (String name : names) {
                    DocumentCollection a = d1.collection(name);
                    DocumentCollection b = d2.collection(name);
                    int rounds = sync(a, b);
                    Text.println(out(), "synced " + name + ": " + a.ids().size() + " documents in " + rounds
                            + " rounds");
                }
                d1.flush();
                d2.flush();
                return ExitCode.OK;
            }
        }

        private static int sync(DocumentCollection a, DocumentCollection b) {
            try (SyncSession sa = a.syncSession(); SyncSession sb = b.syncSession()) {
                for (int round = 1; ; round++) {
                    Optional<byte[]> m1 = sa.nextMessage();
                    m1.ifPresent(sb::receive);
                    Optional<byte[]> m2 = sb.nextMessage();
                    m2.ifPresent(sa::receive);
                    if (m1.isEmpty() && m2.isEmpty()) {
                        return round;
                    }
                }
            }
        }
    }
}
