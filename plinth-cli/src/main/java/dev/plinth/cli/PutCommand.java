package dev.plinth.cli;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth put URI KEY VALUE}: writes one value, given on the command line or read from a file. */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write VALUE under KEY, creating the store and the keyspace if absent. Prints nothing.",
                "With --value-file, the value is the file's bytes exactly (- for standard input) instead of VALUE."})
final class PutCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    String key;

    @Parameters(index = "2", paramLabel = "VALUE", arity = "0..1",
            description = "The value (may be empty); omitted with --value-file.")
    String value;

    @Option(names = "--value-file", paramLabel = "FILE",
            description = "Read the value from FILE, byte for byte (- for standard input), instead of VALUE.")
    String valueFile;

    @Option(names = {"-k", "--keyspace"}, paramLabel = "NAME", defaultValue = "default",
            description = "The keyspace, created if absent (default: ${DEFAULT-VALUE}).")
    String keyspace;

    @Option(names = "--ttl", paramLabel = "DURATION", converter = DurationConverter.class,
            description = "Time to live: 500ms, 30s, 5m, 2h, 7d, combinations such as 1h30m, or ISO-8601 (PT30S).")
    Duration ttl;

    @Option(names = {"-d", "--durability"}, paramLabel = "LEVEL",
            description = "none, process or sync (default: the store's).")
    Durability durability;

    @Mixin
    ByteArgs bytes;

    @Override
    public Integer call() {
        byte[] k = bytes.decode("KEY", key);
        byte[] v = value();
        try (Store store = Stores.openForWrite(uri)) {
            store.createKeyspace(keyspace).put(k, v, WriteOptions.DEFAULT.withDurability(durability).withTtl(ttl));
            warnIfNotPersistent(store);
            return ExitCode.OK;
        }
    }

    /** The value from the command line or from {@code --value-file}, read before the store is opened. */
    private byte[] value() {
        if (valueFile == null) {
            if (value == null) {
                throw usage("Missing required parameter: 'VALUE' (or --value-file FILE)");
            }
            return bytes.decode("VALUE", value);
        }
        if (value != null) {
            throw usage("give VALUE or --value-file, not both");
        }
        return ValueFiles.read(valueFile, root.io().in());
    }
}
