package dev.plinth.etcd;

import dev.plinth.Plinth;
import dev.plinth.testkit.ConformanceSuite;
import dev.plinth.testkit.StoreFactory;
import org.junit.jupiter.api.extension.ExtendWith;

/** Runs the whole conformance kit, model runs included, against a single local etcd node. */
@ExtendWith(SharedEtcdExtension.class)
class EtcdConformanceTest extends ConformanceSuite {
    @Override
    public StoreFactory factory() {
        return dir -> Plinth.builder(SharedEtcdExtension.uri(dir));
    }
}
