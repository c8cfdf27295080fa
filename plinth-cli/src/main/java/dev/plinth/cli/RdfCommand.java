package dev.plinth.cli;

import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.quadstore.LoadProgress;
import dev.plinth.quadstore.QuadStore;
import dev.plinth.quadstore.RdfParseException;
import java.io.BufferedInputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFLanguages;
import org.apache.jena.sparql.core.Quad;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;

/**
 * {@code plinth rdf load|dump|query|stats}: the RDF quad store of {@code plinth-quadstore} on any store.
 * Commands that only read open the store read-only and never create a quad store.
 */
@Command(name = "rdf", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Load, dump, query and count RDF quads kept by plinth-quadstore (docs/quadstore.md).",
        subcommands = {RdfCommand.LoadRdf.class, RdfCommand.DumpRdf.class, RdfQueryCommand.class,
                RdfCommand.StatsRdf.class})
final class RdfCommand implements Runnable {
    @ParentCommand
    PlinthCommand root;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public void run() {
        spec.commandLine().usage(root.io().out());
    }

    /** What the rdf subcommands share: the streams, opening a quad store, usage errors. */
    abstract static class RdfSubcommand implements java.util.concurrent.Callable<Integer> {
        @ParentCommand
        RdfCommand rdf;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        java.io.PrintStream out() {
            return rdf.root.io().out();
        }

        java.io.PrintStream err() {
            return rdf.root.io().err();
        }

        InputStream in() {
            return rdf.root.io().in();
        }

        CommandLine.ParameterException usage(String message) {
            return new CommandLine.ParameterException(spec.commandLine(), message);
        }

        /**
         * Opens an existing store and the quad store in it, refusing a store that holds none.
         *
         * @param uri the store
         * @param command the command's name, for messages
         * @param readOnly whether to open the store for reading only (its clock stopped)
         * @return the quad store; closing it closes the store
         */
        static QuadStore existingQuadStore(String uri, String command, boolean readOnly) {
            Store store = readOnly ? Stores.openFrozen(uri, command) : Stores.openExisting(uri, command);
            try {
                if (!store.keyspaces().contains(QuadStore.META_KEYSPACE)) {
                    throw new CommandException(uri + " holds no quad store (no keyspace " + QuadStore.META_KEYSPACE
                            + "); 'plinth rdf load' creates one");
                }
                return ownedBy(store);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }

        /**
         * The quad store in a store; closes the store if that fails.
         *
         * @param store an open store, closed by {@link #closeBoth} later
         * @return the quad store
         */
        static QuadStore ownedBy(Store store) {
            return ownedBy(store, dev.plinth.quadstore.QuadStoreOptions.DEFAULTS);
        }

        /**
         * {@link #ownedBy(Store)} with options.
         *
         * @param store an open store, closed by {@link #closeBoth} later
         * @param options the quad store's options
         * @return the quad store
         */
        static QuadStore ownedBy(Store store, dev.plinth.quadstore.QuadStoreOptions options) {
            try {
                return QuadStore.on(store, options);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
        }

        /** Closes a quad store from {@link #ownedBy} and its store. */
        static void closeBoth(QuadStore quads) {
            Store store = quads.store();
            try {
                quads.close();
            } finally {
                store.close();
            }
        }
    }

    /** {@code plinth rdf load URI FILE...}. */
    @Command(name = "load", mixinStandardHelpOptions = true, sortOptions = false,
            description = {"Bulk-load RDF files into the store's quad store, creating both if absent.",
                    "The syntax comes from each file's name: .nq, .trig, .ttl, .nt (and others Jena reads), "
                            + "optionally gzipped (.nq.gz); - reads standard input and needs --syntax. Quads "
                            + "are written in atomic batches; a parse error names the line and column, and "
                            + "keeps the batches applied before it. --sorted loads one file into an empty quad "
                            + "store by sorting each index, all or nothing (docs/quadstore.md)."})
    static final class LoadRdf extends RdfSubcommand {
        @Parameters(index = "0", paramLabel = "URI", description = "The store.")
        String uri;

        @Parameters(index = "1..*", arity = "1..*", paramLabel = "FILE", description = "The files, or - for standard "
                + "input.")
        List<String> files = new ArrayList<>();

        @Option(names = "--syntax", paramLabel = "SYNTAX",
                description = "The syntax of every file, whatever its name: nquads, trig, turtle, ntriples.")
        String syntax;

        @Option(names = "--sorted", description = "Load one file into an empty quad store by sorting, all or "
                + "nothing (a failed or killed load leaves the quad store empty). At a million quads it measured "
                + "faster than batches on rocksdb:, slower on lsm: (docs/performance.md).")
        boolean sorted;

        @Option(names = "--discard-incomplete-load", description = "Empty a quad store that holds an incomplete "
                + "sorted load (one that was killed) before loading.")
        boolean discardIncomplete;

        @Override
        public Integer call() {
            if (sorted && files.size() != 1) {
                throw usage("--sorted loads one file into an empty quad store, not " + files.size());
            }
            Lang forced = syntax == null ? null : lang(syntax);
            List<Path> paths = new ArrayList<>();
            for (String f : files) {
                if (f.equals("-")) {
                    if (forced == null) {
                        throw usage("loading standard input needs --syntax (nquads, trig, turtle, ntriples)");
                    }
                    paths.add(null);
                    continue;
                }
                Path p = Path.of(f);
                if (!Files.isRegularFile(p)) {
                    throw new CommandException(Files.exists(p) ? f + " is not a regular file; nothing was loaded"
                            : "no such file: " + f + "; nothing was loaded");
                }
                if (forced == null) {
                    langOf(f); // every file's syntax is known before anything is written
                }
                paths.add(p);
            }
            QuadStore quads;
            try {
                quads = ownedBy(Stores.openForWrite(uri), dev.plinth.quadstore.QuadStoreOptions.builder()
                        .discardIncompleteLoad(discardIncomplete).build());
            } catch (dev.plinth.quadstore.IncompleteLoadException e) {
                throw new CommandException(e.getMessage() + " With the CLI: plinth rdf load --discard-incomplete-load.",
                        e);
            }
            try {
                long before = quads.size();
                if (sorted && before != 0) {
                    throw new CommandException("the quad store on " + uri + " holds " + Text.count(before, "quad",
                            "quads") + "; --sorted fills an empty quad store only (without --sorted, load adds to it"
                            + " batch by batch); nothing was read or written");
                }
                for (int i = 0; i < files.size(); i++) {
                    loadOne(quads, files.get(i), paths.get(i), forced);
                }
                Text.println(out(), "the quad store on " + uri + " holds " + Text.count(quads.size(), "quad", "quads")
                        + " (" + Text.format("%,d", quads.size() - before) + " more than before)");
                if (!quads.store().capabilities().persistent()) {
                    Text.println(err(), "plinth: " + uri + " is not persistent: what this command wrote is gone "
                            + "when it exits");
                }
                return ExitCode.OK;
            } finally {
                closeBoth(quads);
            }
        }

        private void loadOne(QuadStore quads, String name, Path path, Lang forced) {
            Lang lang = forced != null ? forced : langOf(name);
            long total = -1;
            LoadProgress done;
            try (CountingInput counted = new CountingInput(path == null ? in() : Files.newInputStream(path));
                 Progress bar = Progress.start("load " + name, path == null ? -1 : Files.size(path))) {
                InputStream in = new BufferedInputStream(counted, 1 << 16);
                if (name.endsWith(".gz")) {
                    in = new GZIPInputStream(in, 1 << 16);
                }
                long[] shown = {0};
                String base = path == null ? null : path.toAbsolutePath().toUri().toString();
                dev.plinth.quadstore.LoadListener listener = progress -> {
                    bar.advance(counted.count - shown[0]);
                    shown[0] = counted.count;
                };
                done = sorted ? quads.loadSorted(in, lang, base, listener) : quads.load(in, lang, base, listener);
            } catch (RdfParseException e) {
                throw new CommandException(e.getMessage(), e);
            } catch (IOException e) {
                throw new CommandException("reading " + name + ": " + Text.ioProblem(e) + "; the batches read before "
                        + "the failure were loaded", e);
            } catch (UncheckedIOException e) {
                throw new CommandException("reading " + name + ": " + e.getMessage() + "; the batches read before "
                        + "the failure were loaded", e);
            }
            Text.println(out(), "loaded " + Text.count(done.quadsRead(), "quad", "quads") + " from "
                    + (path == null ? "standard input" : name) + " (" + Text.format("%,d", done.quadsAdded())
                    + " new) in " + Text.count(done.batches(), "batch", "batches")
                    + (done.warnings() == 0 ? "" : ", " + Text.count(done.warnings(), "parser warning",
                            "parser warnings")));
        }

        private Lang langOf(String name) {
            String plain = name.endsWith(".gz") ? name.substring(0, name.length() - 3) : name;
            Lang lang = RDFLanguages.pathnameToLang(plain);
            if (lang == null || !RDFLanguages.isTriples(lang) && !RDFLanguages.isQuads(lang)) {
                throw usage("cannot tell the RDF syntax of " + name + " from its name (.nq, .trig, .ttl, .nt, "
                        + "optionally .gz); name it with --syntax");
            }
            return lang;
        }

        private Lang lang(String name) {
            return switch (name.toLowerCase(Locale.ROOT)) {
                case "nquads", "nq" -> Lang.NQUADS;
                case "trig" -> Lang.TRIG;
                case "turtle", "ttl" -> Lang.TURTLE;
                case "ntriples", "nt" -> Lang.NTRIPLES;
                default -> throw usage("unknown syntax '" + name + "'; the syntaxes are nquads, trig, turtle, "
                        + "ntriples");
            };
        }
    }

    /** Counts the bytes read through it, for the progress bar. Single-threaded. */
    private static final class CountingInput extends FilterInputStream {
        long count;

        CountingInput(InputStream in) {
            super(in);
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                count++;
            }
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = super.read(b, off, len);
            if (n > 0) {
                count += n;
            }
            return n;
        }
    }

    /** The output syntaxes of {@code rdf dump}. */
    enum DumpSyntax {
        nquads(Lang.NQUADS), trig(Lang.TRIG);

        final Lang lang;

        DumpSyntax(Lang lang) {
            this.lang = lang;
        }
    }

    /** {@code plinth rdf dump URI}. */
    @Command(name = "dump", mixinStandardHelpOptions = true, sortOptions = false,
            description = "Write every quad of the store's quad store to standard output (or a file), graph by "
                    + "graph with the default graph first, from one consistent snapshot.")
    static final class DumpRdf extends RdfSubcommand {
        @Parameters(index = "0", paramLabel = "URI", description = "The store.")
        String uri;

        @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "nquads",
                description = "nquads (the default) or trig.")
        DumpSyntax format;

        @Option(names = {"-o", "--output"}, paramLabel = "FILE", description = "Write to FILE instead of standard "
                + "output; the file is replaced.")
        Path output;

        @Override
        public Integer call() {
            QuadStore quads = existingQuadStore(uri, "rdf dump", true);
            try {
                if (output == null) {
                    quads.dump(out(), format.lang);
                    return ExitCode.OK;
                }
                long n;
                try (var o = new java.io.BufferedOutputStream(Files.newOutputStream(output), 1 << 16)) {
                    n = quads.dump(o, format.lang);
                } catch (IOException e) {
                    throw new CommandException("writing " + output + ": " + Text.ioProblem(e), e);
                }
                Text.println(err(), "dumped " + Text.count(n, "quad", "quads") + " from " + uri + " to " + output);
                return ExitCode.OK;
            } finally {
                closeBoth(quads);
            }
        }
    }

    /** {@code plinth rdf stats URI}. */
    @Command(name = "stats", mixinStandardHelpOptions = true,
            description = "Print the quad store's counts, one name and value a line: quads, named graphs, quads "
                    + "in the default graph, dictionary terms (small literals are inlined and not counted).")
    static final class StatsRdf extends RdfSubcommand {
        @Parameters(index = "0", paramLabel = "URI", description = "The store.")
        String uri;

        @Override
        public Integer call() {
            QuadStore quads = existingQuadStore(uri, "rdf stats", true);
            try {
                Map<String, Object> rows = new LinkedHashMap<>();
                rows.put("uri", uri);
                rows.put("quads", quads.size());
                rows.put("named-graphs", quads.graphs().size());
                rows.put("default-graph-quads", quads.count(null, null, null, Quad.defaultGraphIRI));
                rows.put("terms", keys(quads.store(), QuadStore.TERMS_KEYSPACE));
                int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
                for (Map.Entry<String, Object> e : rows.entrySet()) {
                    Text.println(out(), Text.format("%-" + width + "s  %s", e.getKey(), e.getValue()));
                }
                return ExitCode.OK;
            } finally {
                closeBoth(quads);
            }
        }

        private static long keys(Store store, String keyspace) {
            long n = 0;
            try (Cursor c = store.keyspace(keyspace).cursor(Range.all(), ScanOptions.forward().withKeysOnly(true))) {
                while (c.next()) {
                    n++;
                }
            }
            return n;
        }
    }

    /** UTF-8 text of standard input, for a query given as {@code -}. */
    static String readAll(InputStream in) {
        try {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new CommandException("reading standard input: " + Text.ioProblem(e), e);
        }
    }
}
