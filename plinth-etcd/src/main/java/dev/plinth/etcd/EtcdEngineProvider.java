package dev.plinth.etcd;

import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;

/**
 * Opens {@code etcd://host:port[,host:port...]/root/} stores: every key of the store lives under the root
 * prefix of an etcd cluster reached through {@code io.etcd:jetcd-core}. Thread-safe. See
 * {@code docs/engines/etcd.md} for the key layout, limits and parameters.
 */
public final class EtcdEngineProvider implements EngineProvider {
    /** The scheme this provider serves. */
    public static final String SCHEME = "etcd";

    /** Makes the provider; found by {@link java.util.ServiceLoader}. */
    public EtcdEngineProvider() {
    }

    @Override
    public String scheme() {
        return SCHEME;
    }

    @Override
    public String description() {
        return "etcd://host:port[,host:port...]/root/[?timeout=5s&pageSize=512&leaseBucket=10s&tls=false&user=&password=]:"
                + " a replicated etcd cluster; one key prefix per keyspace, batches as etcd transactions";
    }

    @Override
    public Engine open(EngineConfig config) {
        return EtcdEngine.open(config.uri(), EtcdOptions.parse(config), config.clock(), config.createIfMissing());
    }
}
