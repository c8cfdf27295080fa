package dev.plinth.etcd;

import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Gives a test class the run's shared single-node etcd ({@link SharedEtcd}) and a distinct root prefix per
 * store directory, so every store of the run is separate and a store reopened from the same directory finds
 * its data again.
 */
public final class SharedEtcdExtension implements BeforeAllCallback {
    private static volatile EtcdCluster node;
    private static final Map<Path, String> ROOTS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    @Override
    public void beforeAll(ExtensionContext context) {
        node = SharedEtcd.get(context, 1);
    }

    static EtcdCluster node() {
        return node;
    }

    /** The {@code etcd:} URI of the store that lives "in" a directory. */
    static String uri(Path dir) {
        return node.uri(ROOTS.computeIfAbsent(dir.toAbsolutePath(), d -> "s" + NEXT.incrementAndGet()));
    }
}
