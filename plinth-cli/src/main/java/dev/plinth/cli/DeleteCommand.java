package dev.plinth.cli;

import dev.plinth.Durability;
import dev.plinth.Keyspace;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code plinth delete URI KEY}: removes one key. */
@Command(name = "delete", mixinStandardHelpOptions = true, sortOptions = false,
        description = "Remove KEY. Prints nothing; exits 3 if the key was absent.")
final class DeleteCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Parameters(index = "1", paramLabel = "KEY", description = "The key.")
    String key;

    @Option(names = {"-k", "--keyspace"}, paramLabel = "NAME", defaultValue = "default",
            description = "The keyspace (default: ${DEFAULT-VALUE}).")
    String keyspace;

    @Option(names = {"-d", "--durability"}, paramLabel = "LEVEL",
            description = "none, process or sync (default: the store's).")
    Durability durability;

    @Mixin
    ByteArgs bytes;

    @Override
    public Integer call() {
        byte[] k = bytes.decode("KEY", key);
        try (Store store = Stores.openExisting(uri, "delete")) {
            Keyspace ks = Stores.keyspace(store, keyspace);
            WriteOptions options = WriteOptions.DEFAULT.withDurability(durability);
            // Delete only what is there, atomically, so that "absent" is reported truthfully.
            while (true) {
                byte[] current = ks.get(k);
                if (current == null) {
                    throw Stores.keyNotFound(k, keyspace, uri);
                }
                if (ks.compareAndSet(k, current, null, options)) {
                    return ExitCode.OK;
                }
            }
        }
    }
}
