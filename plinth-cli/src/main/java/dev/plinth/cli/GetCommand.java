package dev.plinth.cli;

import dev.plinth.Keyspace;
import dev.plinth.Store;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth get URI KEY}: prints one value. */
@Command(name = "get", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Print the value of KEY. Exits 3 if the key is absent.",
                "With --value-file, write the value's bytes exactly into a file (- for standard output) instead."})
final class GetCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    String key;

    @Option(names = {"-k", "--keyspace"}, paramLabel = "NAME", defaultValue = "default",
            description = "The keyspace (default: ${DEFAULT-VALUE}).")
    String keyspace;

    @Option(names = {"-f", "--format"}, paramLabel = "FORMAT", defaultValue = "text",
            description = "text, hex, base64, json, or raw (the value's bytes exactly, no newline). "
                    + "Default: ${DEFAULT-VALUE}.")
    OutputFormat format;

    @Option(names = "--value-file", paramLabel = "FILE",
            description = "Write the value, byte for byte, into FILE (replaced if it exists; - for standard output) "
                    + "instead of printing it.")
    String valueFile;

    @Mixin
    ByteArgs bytes;

    @Override
    public Integer call() {
        byte[] k = bytes.decode("KEY", key);
        if (valueFile != null && spec.commandLine().getParseResult().hasMatchedOption("--format")) {
            throw usage("--value-file writes the value's bytes exactly; it takes no --format");
        }
        try (Store store = Stores.openReadOnly(uri, "get")) {
            Keyspace ks = Stores.keyspace(store, keyspace);
            byte[] value = ks.get(k);
            if (value == null) {
                throw Stores.keyNotFound(k, keyspace, uri);
            }
            if (valueFile != null) {
                ValueFiles.write(valueFile, value, out());
            } else {
                format.print(out(), format == OutputFormat.JSON ? k : null, value);
            }
            return ExitCode.OK;
        }
    }
}
