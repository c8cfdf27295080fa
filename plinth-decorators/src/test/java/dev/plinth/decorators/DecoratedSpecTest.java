package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Plinth;
import dev.plinth.RateLimitedException;
import dev.plinth.Store;
import org.junit.jupiter.api.Test;

/** The text form of a stack. */
class DecoratedSpecTest {
    @Test
    void aSpecBuildsTheStackItNames() {
        try (Store store = Plinth.builder("mem:")
                .decorate(EngineDecorators.parse("cache=1m&writeLimit=2/s&maxKey=8&timeout=10s").build()).open()) {
            Keyspace ks = store.defaultKeyspace();
            assertThat(store.capabilities().maxKeySize()).isEqualTo(8);
            assertThatThrownBy(() -> ks.put(new byte[9], new byte[1])).isInstanceOf(LimitExceededException.class);
            ks.put(new byte[] {1}, new byte[1]);
            ks.get(new byte[] {1});
            ks.get(new byte[] {1});
            ks.put(new byte[] {2}, new byte[1]);
            assertThatThrownBy(() -> ks.put(new byte[] {3}, new byte[1])).isInstanceOf(RateLimitedException.class);
            assertThat(store.stats().counter("cache.hits")).isEqualTo(1);
            assertThat(store.stats().counter("cache.maxBytes")).isEqualTo(1 << 20);
            assertThat(store.stats().counter("timeout.overruns")).isZero();
        }
    }

    @Test
    void everyBadParameterIsNamedAtOnce() {
        assertThatThrownBy(() -> EngineDecorators.parse("cache=lots&colour=red&rateLimit=5&metrics=true"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameter cache=lots is not a size")
                .hasMessageContaining("unknown decorator parameter 'colour'")
                .hasMessageContaining("parameter rateLimit=5 is not a rate per second");
        assertThat(EngineDecorators.parse("")).isNotNull();
    }
}
