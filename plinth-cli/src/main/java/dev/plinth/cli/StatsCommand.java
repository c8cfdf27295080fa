package dev.plinth.cli;

import dev.plinth.Capabilities;
import dev.plinth.Store;
import dev.plinth.StoreStats;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Collectors;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** {@code plinth stats URI}: prints capabilities and counters. */
@Command(name = "stats", mixinStandardHelpOptions = true,
        description = {"Print the store's engine, capabilities, limits and counters, one name and value a line.",
                "Engine counters carry the engine's scheme as a prefix (mem.keys, ...). Decorators named in the "
                        + "URI (rocksdb:/data?cache=64m&metrics=true) add theirs: cache.*, metrics.*, rateLimit.*, "
                        + "timeout.*, buffer.*."})
final class StatsCommand extends StoreCommand {
    @Parameters(index = "0", paramLabel = "URI", description = "The store.")
    String uri;

    @Override
    public Integer call() {
        try (Store store = Stores.openReadOnly(uri, "stats")) {
            Capabilities caps = store.capabilities();
            StoreStats stats = store.stats();
            Map<String, Object> rows = new LinkedHashMap<>();
            rows.put("uri", store.uri());
            rows.put("engine", stats.engine());
            rows.put("keyspaces", store.keyspaces().size());
            rows.put("persistent", caps.persistent());
            rows.put("durabilities", caps.durabilities().stream().map(Enum::name).collect(Collectors.joining(",")));
            rows.put("default-durability", caps.defaultDurability());
            rows.put("native-ttl", caps.nativeTtl());
            rows.put("distributed", caps.distributed());
            rows.put("max-key-size", caps.maxKeySize());
            rows.put("max-value-size", caps.maxValueSize());
            rows.put("max-batch-ops", caps.maxBatchOps());
            rows.put("max-batch-bytes", caps.maxBatchBytes());
            rows.put("open-cursors", stats.openCursors());
            rows.put("open-snapshots", stats.openSnapshots());
            rows.put("open-transactions", stats.openTransactions());
            rows.putAll(stats.counters());
            int width = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
            for (Map.Entry<String, Object> e : rows.entrySet()) {
                Text.println(out(), Text.format("%-" + width + "s  %s", e.getKey(), e.getValue()));
            }
            return ExitCode.OK;
        }
    }
}
