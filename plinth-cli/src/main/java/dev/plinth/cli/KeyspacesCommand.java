package dev.plinth.cli;

import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth keyspaces URI}: lists keyspaces. */
@Command(name = "keyspaces", mixinStandardHelpOptions = true, sortOptions = false,
        description = "List the store's keyspaces, sorted, one a line.")
final class KeyspacesCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Option(names = {"-c", "--count"},
            description = "Also count each keyspace's entries (reads every key) and print name TAB count.")
    boolean count;

    @Override
    public Integer call() {
        try (Store store = Stores.openFrozen(uri, "keyspaces")) {
            if (!count) {
                for (String name : store.keyspaces()) {
                    Text.println(out(), name);
                }
                return ExitCode.OK;
            }
            try (Snapshot snap = store.snapshot()) {
                for (String name : store.keyspaces()) {
                    long n = 0;
                    try (Cursor c = snap.cursor(store.keyspace(name), Range.all(),
                            ScanOptions.forward().withKeysOnly(true))) {
                        while (c.next()) {
                            n++;
                        }
                    }
                    Text.println(out(), name + "\t" + n);
                }
            }
            return ExitCode.OK;
        }
    }
}
