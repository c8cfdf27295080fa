package dev.plinth.cli;

import dev.plinth.Plinth;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.cli.transfer.Comparison;
import dev.plinth.cli.transfer.DumpException;
import dev.plinth.cli.transfer.DumpReader;
import dev.plinth.cli.transfer.EntrySource;
import dev.plinth.cli.transfer.StoreEntrySource;
import dev.plinth.cli.transfer.StoreVerifier;
import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.regex.Pattern;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth verify URI}: reads every entry back and checks it; optionally compares with a dump or store. */
@Command(name = "verify", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Read every entry of every keyspace through forward and reverse cursors, checking key "
                + "order and that get of each key returns the scanned value, then check every stored value's "
                + "checksum and the engine's own files; print counts and every problem. Exits 4 if the store "
                + "is damaged.",
                "With --against, also compare the store with a dump file or another store key by key."})
final class VerifyCommand extends StoreCommand {
    private static final Pattern URI_SCHEME = Pattern.compile("([a-zA-Z][a-zA-Z0-9+.-]*):.*");

    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Option(names = "--against", paramLabel = "DUMPFILE|URI2",
            description = "A dump file (- for standard input) or a store URI that the store must equal. An "
                    + "argument that is an existing file is a dump; one that starts with a known scheme is a URI.")
    String against;

    @Override
    public Integer call() {
        try (Store store = Stores.openFrozen(uri, "verify");
             Snapshot snap = store.snapshot()) {
            StoreVerifier.Report report;
            try (Progress progress = Progress.start("verify", -1)) {
                report = StoreVerifier.verify(store, snap, progress::advance);
            }
            for (StoreVerifier.KeyspaceCount k : report.keyspaces()) {
                if (k.entries() >= 0) {
                    Text.println(out(), "keyspace " + k.name() + ": " + Text.count(k.entries(), "entry", "entries")
                            + ", " + Text.count(k.keyBytes(), "key byte", "key bytes") + ", "
                            + Text.count(k.valueBytes(), "value byte", "value bytes"));
                } else {
                    Text.println(out(), "keyspace " + k.name() + ": unreadable");
                }
            }
            long damage = report.problems().count();
            long problems = damage + report.failures().count();
            for (String line : report.problems().lines()) {
                Text.println(out(), "problem: " + line);
            }
            for (String line : report.failures().lines()) {
                Text.println(out(), "problem: " + line);
            }
            if (problems == 0) {
                Text.println(out(), "checked " + Text.count(report.keyspaces().size(), "keyspace", "keyspaces") + ", "
                        + Text.count(report.entries(), "entry", "entries")
                        + ": keys in order both ways, every get matches the scan");
            }
            if (against != null) {
                Comparison c = compare(store, snap);
                for (String line : c.problems().lines()) {
                    Text.println(out(), "problem: " + line);
                }
                if (c.ok()) {
                    Text.println(out(), "compared with " + againstName() + ": "
                            + Text.count(c.matched(), "entry matches", "entries match"));
                }
                problems += c.problems().count();
            }
            if (problems > 0) {
                // Damage (the store disagrees with itself or fails its checks) outranks a difference from
                // --against, which a healthy store can have, and a read that failed without damage (an I/O
                // error), which leaves part of the store unchecked.
                throw new CommandException(damage > 0 ? ExitCode.DAMAGED : ExitCode.FAILURE,
                        "verify found " + Text.count(problems, "problem", "problems") + " in " + uri
                                + (damage > 0 ? ": the store is damaged" : ""), null);
            }
            return ExitCode.OK;
        }
    }

    private String againstName() {
        return against.equals("-") ? "standard input" : against;
    }

    private Comparison compare(Store store, Snapshot snap) {
        if (isUri(against)) {
            try (Store other = Stores.openFrozen(against, "verify");
                 Snapshot otherSnap = other.snapshot();
                 EntrySource expected = new StoreEntrySource(other, otherSnap);
                 EntrySource actual = new StoreEntrySource(store, snap)) {
                return Comparison.of(expected, actual, false);
            }
        }
        InputStream in;
        try {
            in = against.equals("-") ? root.io().in() : Files.newInputStream(Path.of(against));
        } catch (IOException e) {
            throw new CommandException("cannot read " + against + ": " + (Files.exists(Path.of(against))
                    ? e.getMessage() : "no such file, and not a store URI (schemes: " + Plinth.schemes() + ")"), e);
        }
        try (EntrySource expected = new DumpReader(new BufferedInputStream(in, 1 << 16), againstName());
             EntrySource actual = new StoreEntrySource(store, snap)) {
            return Comparison.of(expected, actual, false);
        } catch (DumpException | UncheckedIOException e) {
            throw new CommandException(e.getMessage(), e);
        }
    }

    /** A URI if it is not an existing file and starts with a scheme on the class path. */
    private static boolean isUri(String s) {
        if (s.equals("-") || Files.exists(Path.of(s))) {
            return false;
        }
        var m = URI_SCHEME.matcher(s);
        return m.matches() && Plinth.schemes().contains(m.group(1).toLowerCase(Locale.ROOT));
    }
}
