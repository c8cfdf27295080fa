package dev.plinth.cli;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import java.io.BufferedOutputStream;
import java.io.PrintStream;
import java.util.Arrays;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth scan URI}: prints a range of entries in key order. */
@Command(name = "scan", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the entries of a keyspace in key order (unsigned bytes), one a line.",
                "Bounds are half-open: --from is inclusive, --to exclusive; --prefix narrows them further."})
final class ScanCommand extends StoreCommand {
    /** How many lines between checks that standard output still takes output (a closed pipe ends the scan). */
    private static final int CHECK_EVERY = 1024;

    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Option(names = {"-k", "--keyspace"}, paramLabel = "NAME", defaultValue = "default",
            description = "The keyspace (default: ${DEFAULT-VALUE}).")
    String keyspace;

    @Option(names = {"-p", "--prefix"}, paramLabel = "P", description = "Only keys starting with P.")
    String prefix;

    @Option(names = "--from", paramLabel = "F", description = "Only keys >= F.")
    String from;

    @Option(names = "--to", paramLabel = "T", description = "Only keys < T.")
    String to;

    @Option(names = {"-r", "--reverse"}, description = "Descending key order.")
    boolean reverse;

    @Option(names = {"-n", "--limit"}, paramLabel = "N", description = "At most N entries.")
    Long limit;

    @Option(names = "--keys-only", description = "Print keys only; values are not read.")
    boolean keysOnly;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, hex, base64 (key TAB value) or json (JSON lines). Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Mixin
    ByteArgs bytes;

    @Override
    public Integer call() {
        bytes.check();
        if (format == OutputFormat.RAW) {
            throw usage("--format raw is for get only; scan prints text, hex, base64 or json");
        }
        if (limit != null && limit < 0) {
            throw usage("--limit must be 0 or more, got " + limit);
        }
        Range range = range();
        ScanOptions options = ScanOptions.forward().withReverse(reverse).withKeysOnly(keysOnly)
                .withLimit(limit == null ? Long.MAX_VALUE : limit);
        try (Store store = Stores.openReadOnly(uri, "scan")) {
            Keyspace ks = Stores.keyspace(store, keyspace);
            PrintStream out = new PrintStream(new BufferedOutputStream(out(), 1 << 16), false);
            long n = 0;
            try (Cursor c = ks.cursor(range, options)) {
                while (c.next()) {
                    format.print(out, c.key(), keysOnly ? null : c.value());
                    if (++n % CHECK_EVERY == 0 && (out.checkError() || out().checkError())) {
                        break;
                    }
                }
            } finally {
                out.flush();
            }
            return ExitCode.OK;
        }
    }

    /** The intersection of the prefix range and {@code [from, to)}; bounds given inverted are an error. */
    Range range() {
        byte[] start = from == null ? null : bytes.decode("--from", from);
        byte[] end = to == null ? null : bytes.decode("--to", to);
        if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
            throw usage("--from is after --to: the range is half-open [from, to) and must not be inverted");
        }
        if (prefix != null) {
            Range p = Range.prefix(bytes.decode("--prefix", prefix));
            start = max(start, p.start());
            end = min(end, p.end());
            if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
                end = start; // the prefix and the bounds do not meet: an empty range
            }
        }
        return Range.of(start, end);
    }

    private static byte[] max(byte[] a, byte[] b) {
        return a == null ? b : b == null ? a : Arrays.compareUnsigned(a, b) >= 0 ? a : b;
    }

    private static byte[] min(byte[] a, byte[] b) {
        return a == null ? b : b == null ? a : Arrays.compareUnsigned(a, b) <= 0 ? a : b;
    }
}
