package dev.plinth.cli;

import dev.plinth.Capabilities;
import dev.plinth.Store;
import dev.plinth.cli.transfer.Comparison;
import dev.plinth.cli.transfer.DumpException;
import dev.plinth.cli.transfer.DumpReader;
import dev.plinth.cli.transfer.DumpSummary;
import dev.plinth.cli.transfer.StoreEntrySource;
import dev.plinth.cli.transfer.Transfer;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth load URI FILE}: writes a dump file into a store. */
@Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write a dump file into the store, creating the store and its keyspaces.",
                "The whole file is checked (every checksum, the counts) before anything is written; a damaged "
                        + "file is refused and the store left untouched. After loading, the store is compared "
                        + "with the file key by key."})
final class LoadCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Parameters(index = "1", paramLabel = "FILE", description = "The dump file, or - for standard input.")
    String file;

    @Option(names = "--allow-nonempty",
            description = "Load into a store that already holds data: dumped keys overwrite, others stay.")
    boolean allowNonEmpty;

    @Option(names = "--no-verify", negatable = false,
            description = "Skip comparing the store with the file after loading.")
    boolean noVerify;

    @Override
    public Integer call() {
        Path spooled = null;
        try {
            Path path;
            if (file.equals("-")) {
                spooled = DumpFiles.spool(root.io().in());
                path = spooled;
            } else {
                path = Path.of(file);
                if (!Files.isRegularFile(path)) {
                    throw new CommandException(Files.exists(path) ? file + " is not a regular file"
                            : "no such file: " + file);
                }
            }
            return load(path);
        } catch (IOException e) {
            throw new CommandException("reading " + file + ": " + Text.ioProblem(e), e);
        } finally {
            if (spooled != null) {
                try {
                    Files.deleteIfExists(spooled);
                } catch (IOException e) {
                    // a temporary file left behind
                }
            }
        }
    }

    private int load(Path path) throws IOException {
        String name = file.equals("-") ? "standard input" : file;
        DumpReader.Checked checked;
        try (InputStream in = open(path)) {
            checked = DumpReader.check(in, name);
        } catch (DumpException e) {
            throw new CommandException("refusing to load: " + e.getMessage() + "; nothing was written", e);
        }
        DumpSummary expected = checked.summary();
        try (Store store = Stores.openForWrite(uri)) {
            Stores.requireEmpty(store, "load", allowNonEmpty);
            Stores.requireFits(store, "load", name, checked.summary().keyspaces(), checked.longestKey(),
                    checked.longestValue());
            DumpSummary loaded;
            try (DumpReader reader = new DumpReader(open(path), name);
                 Progress progress = Progress.start("load", expected.entries())) {
                loaded = Transfer.load(reader, store, progress::advance);
            } catch (DumpException e) {
                throw new CommandException("the file changed while loading: " + e.getMessage()
                        + "; the store holds part of it", e);
            }
            Text.println(out(), "loaded " + loaded.describe() + " from " + name + " into " + uri);
            warnIfNotPersistent(store);
            if (noVerify) {
                return ExitCode.OK;
            }
            Comparison c;
            try (DumpReader reader = new DumpReader(open(path), name);
                 StoreEntrySource actual = new StoreEntrySource(store, store)) {
                c = Comparison.of(reader, actual, allowNonEmpty);
            }
            return Reports.verification(out(), c, uri, name);
        } catch (UncheckedIOException e) {
            throw new CommandException(e.getMessage(), e);
        }
    }

    private static InputStream open(Path path) throws IOException {
        try {
            return new BufferedInputStream(Files.newInputStream(path), 1 << 16);
        } catch (NoSuchFileException e) {
            throw new CommandException("no such file: " + path, e);
        }
    }
}
