package dev.plinth.cli;

import dev.plinth.CorruptionException;
import dev.plinth.Snapshot;
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
            try (Snapshot snap = src.snapshot()) {
                // One snapshot for measuring and copying, so the limits are checked against what is copied.
                Transfer.Extent extent = Transfer.extent(src, snap);
                Stores.requireFits(dst, "copy", source, extent.keyspaces(), extent.longestKey(), extent.longestValue());
                try (Progress progress = Progress.start("copy", -1)) {
                    report = Transfer.copy(src, snap, dst, allowNonEmpty, progress::advance);
                } catch (RuntimeException e) {
                    throw failedPartWay(dst, e);
                }
            }
            Text.println(out(), "copied " + report.copied().describe() + " from " + source + " to " + destination);
            warnIfNotPersistent(dst);
            return Reports.verification(out(), report.verification(), destination, source);
        }
    }

    /**
     * A copy that failed after writing part of the source: an empty destination (the usual case) is
     * emptied again, so that a rerun is not refused as "not empty"; one that held data before is left as it
     * is, and the message says so.
     */
    private CommandException failedPartWay(Store dst, RuntimeException e) {
        int code = e instanceof CorruptionException ? ExitCode.DAMAGED : ExitCode.FAILURE;
        String why = "the copy failed part way: " + PlinthCommand.oneLine(e.getMessage() == null ? e.toString()
                : e.getMessage());
        if (allowNonEmpty) {
            return new CommandException(code, why + "; " + destination + " now holds part of the copy besides "
                    + "what it held before", e);
        }
        try {
            Transfer.clear(dst);
        } catch (RuntimeException undo) {
            e.addSuppressed(undo);
            return new CommandException(code, why + "; removing what it wrote failed too ("
                    + PlinthCommand.oneLine(undo.getMessage()) + "), so " + destination + " holds part of the copy",
                    e);
        }
        return new CommandException(code, why + "; what it wrote was removed, and " + destination
                + " is empty again", e);
    }
}
