package dev.plinth.cli;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.time.Duration;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth put URI KEY VALUE}: writes one value. */
@Command(name = "put", mixinStandardHelpOptions = true, sortOptions = false,
        description = {"Write VALUE under KEY, creating the store and the keyspace if absent. Prints nothing."})
final class PutCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    String key;

    @Parameters(index = "2", paramLabel = "VALUE", description = "The value (may be empty).")
    String value;

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
        byte[] v = bytes.decode("VALUE", value);
        try (Store store = Stores.openForWrite(uri)) {
            store.createKeyspace(keyspace).put(k, v, WriteOptions.DEFAULT.withDurability(durability).withTtl(ttl));
            return ExitCode.OK;
        }
    }
}
