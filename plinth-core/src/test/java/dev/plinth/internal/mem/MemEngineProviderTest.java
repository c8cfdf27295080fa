package dev.plinth.internal.mem;

import static dev.plinth.internal.mem.MemTestSupport.b;
import static dev.plinth.internal.mem.MemTestSupport.put;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import java.time.Clock;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

class MemEngineProviderTest {
    private static EngineConfig config(String uri, String location, Map<String, String> params) {
        return new EngineConfig(uri, "mem", location, params, Clock.systemUTC());
    }

    @Test
    void foundByServiceLoaderUnderSchemeMem() {
        EngineProvider found = null;
        for (EngineProvider p : ServiceLoader.load(EngineProvider.class)) {
            if (p.scheme().equals("mem")) {
                found = p;
            }
        }
        assertThat(found).isInstanceOf(MemEngineProvider.class);
        assertThat(found.description()).contains("mem");
    }

    @Test
    void everyOpenIsANewEmptyIndependentStoreWhateverTheLocation() {
        MemEngineProvider provider = new MemEngineProvider();
        try (Engine a = provider.open(config("mem:", "", Map.of()));
             Engine b = provider.open(config("mem:x", "x", Map.of()));
             Engine c = provider.open(config("mem:x", "x", Map.of()))) {
            put((MemEngine) a, a.keyspace(Store.DEFAULT_KEYSPACE), "k", "a");
            put((MemEngine) b, b.keyspace(Store.DEFAULT_KEYSPACE), "k", "b");
            assertThat(a.get(a.keyspace(Store.DEFAULT_KEYSPACE), b("k"))).isEqualTo(b("a"));
            assertThat(b.get(b.keyspace(Store.DEFAULT_KEYSPACE), b("k"))).isEqualTo(b("b"));
            assertThat(c.get(c.keyspace(Store.DEFAULT_KEYSPACE), b("k"))).isNull();
            assertThat(c.keyspaceNames()).containsExactly(Store.DEFAULT_KEYSPACE);
        }
    }

    @Test
    void unknownParametersAreRejected() {
        assertThatThrownBy(() -> new MemEngineProvider().open(config("mem:?size=1", "", Map.of("size", "1"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("size");
    }

    @Test
    void capabilitiesAreHonest() {
        try (MemEngine engine = MemTestSupport.newEngine()) {
            Capabilities caps = engine.capabilities();
            assertThat(caps.persistent()).isFalse();
            assertThat(caps.durabilities()).containsExactly(Durability.NONE);
            assertThat(caps.defaultDurability()).isEqualTo(Durability.NONE);
            assertThat(caps.nativeTtl()).isFalse();
            assertThat(caps.distributed()).isFalse();
            assertThat(caps.maxKeySize()).isEqualTo(64 * 1024);
            assertThat(caps.maxValueSize()).isEqualTo(64 * 1024 * 1024);
            assertThat(caps.maxBatchOps()).isEqualTo(1_000_000);
            assertThat(caps.maxBatchBytes()).isEqualTo(256L * 1024 * 1024);
        }
    }
}
