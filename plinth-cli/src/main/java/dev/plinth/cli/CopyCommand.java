package dev.plinth.cli;

import dev.plinth.Store;
import dev.plinth.cli.transfer.Transfer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth copy SRC_URI DST_URI}: copies a whole store into another, then verifies the copy. */
@Command(name = "copy", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Copy every keyspace and entry of SRC_URI, as of one moment, into DST_URI in batches, "
                + "then compare DST_URI with SRC_URI key by key.",
                "Entries with a time to live are copied as plain entries: their expiry is not kept."})
final class CopyCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "SRC_URI", description = "The store to copy.")
    String source;

    @Parameters(index = "1", paramLabel = "DST_URI", description = "The store written; created if absent.")
    String destination;

    @Option(names = "--allow-nonempty",
            description = "Copy into a store that already holds data: copied keys overwrite, others stay.")
    boolean allowNonEmpty;

    @Override
    public Integer call() {
        if (source.equals(destination)) {
            throw usage("SRC_URI and DST_URI are the same store");
        }
        try (Store src = Stores.openFrozen(source, "copy");
             Store dst = Stores.openForWrite(destination)) {
            Stores.requireEmpty(dst, "copy", allowNonEmpty);
            Transfer.CopyReport report;
            try (Progress progress = Progress.start("copy", -1)) {
                report = Transfer.copy(src, dst, allowNonEmpty, progress::advance);
            }
            Text.println(out(), "copied " + report.copied().describe() + " from " + source + " to " + destination);
            warnIfNotPersistent(dst);
            return Reports.verification(out(), report.verification(), destination, source);
        }
    }
}
