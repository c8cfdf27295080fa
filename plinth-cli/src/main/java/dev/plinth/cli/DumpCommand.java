package dev.plinth.cli;

import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.cli.transfer.DumpSummary;
import dev.plinth.cli.transfer.DumpWriter;
import dev.plinth.cli.transfer.StoreEntrySource;
import dev.plinth.cli.transfer.Transfer;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth dump URI FILE}: writes a whole store into a dump file. */
@Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write every keyspace and entry of the store, as of one moment, into a checksummed dump "
                + "file (docs/format/dump.md).",
                "Entries with a time to live are dumped as plain entries: their expiry is not kept."})
final class DumpCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Parameters(index = "1", paramLabel = "FILE", description = "The dump file, or - for standard output.")
    String file;

    @Option(names = "--force", description = "Replace FILE if it exists.")
    boolean force;

    @Override
    public Integer call() {
        boolean toStdout = file.equals("-");
        Path path = toStdout ? null : Path.of(file);
        if (path != null && Files.exists(path) && !force) {
            throw new CommandException(file + " exists; use --force to replace it");
        }
        if (path != null && Files.isDirectory(path)) {
            throw new CommandException(file + " is a directory");
        }
        DumpSummary[] result = new DumpSummary[1];
        try (Store store = Stores.openFrozen(uri, "dump");
             Snapshot snap = store.snapshot();
             Progress progress = Progress.start("dump", -1)) {
            DumpFiles.Body body = out -> {
                try (StoreEntrySource source = new StoreEntrySource(store, snap)) {
                    result[0] = Transfer.dump(source, new DumpWriter(out), progress::advance);
                }
            };
            if (toStdout) {
                OutputStream out = new BufferedOutputStream(out(), 1 << 16);
                body.writeTo(out);
                out.flush();
                if (out().checkError()) {
                    throw new CommandException("writing the dump to standard output failed");
                }
            } else {
                DumpFiles.writeAtomically(path, body);
            }
        } catch (IOException e) {
            throw new CommandException("writing " + file + ": " + Text.ioProblem(e), e);
        }
        PrintStream report = toStdout ? err() : out();
        Text.println(report, "dumped " + result[0].describe() + " from " + uri + " to "
                + (toStdout ? "standard output" : file));
        return ExitCode.OK;
    }
}
