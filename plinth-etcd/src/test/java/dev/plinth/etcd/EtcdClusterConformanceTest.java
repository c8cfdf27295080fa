package dev.plinth.etcd;

import dev.plinth.Plinth;
import dev.plinth.testkit.StoreFactory;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole conformance kit and the model runs on a three-node cluster on loopback, every store reaching
 * all three members. The model runs take a third of {@code plinth.modelSeeds} (3 by default, 333 under
 * {@code -Psoak}): every step is a round trip through the cluster, and the single node runs them all.
 */
@ExtendWith(EtcdClusterConformanceTest.ThreeNodes.class)
class EtcdClusterConformanceTest extends EtcdConformanceTest {
    /** Starts (once per run) the shared three-node cluster. */
    static final class ThreeNodes implements BeforeAllCallback {
        @Override
        public void beforeAll(ExtensionContext context) {
            cluster = SharedEtcd.get(context, 3);
        }
    }

    private static volatile EtcdCluster cluster;
    private static final Map<Path, String> ROOTS = new ConcurrentHashMap<>();
    private static final AtomicInteger NEXT = new AtomicInteger();

    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder(cluster.uri(ROOTS.computeIfAbsent(dir.toAbsolutePath(),
                d -> "c" + NEXT.incrementAndGet())));
    }

    @Override
    public int modelSeeds() {
        return Math.max(1, Integer.getInteger("plinth.modelSeeds", 10) / 3);
    }
}
