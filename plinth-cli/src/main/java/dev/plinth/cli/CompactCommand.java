package dev.plinth.cli;

import dev.plinth.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code plinth compact URI}: compacts storage. */
@Command(name = "compact", mixinStandardHelpOptions = true,
        description = {"Compact the store: reclaim the space of deleted, overwritten and expired entries.",
                "May take long. Prints nothing."})
final class CompactCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Override
    public Integer call() {
        try (Store store = Stores.openExisting(uri, "compact")) {
            store.compact();
            store.flush();
            return ExitCode.OK;
        }
    }
}
