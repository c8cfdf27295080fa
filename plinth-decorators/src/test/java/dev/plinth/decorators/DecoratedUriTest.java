package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Plinth;
import dev.plinth.RateLimitedException;
import dev.plinth.Store;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stacks named in store URIs, found through {@link java.util.ServiceLoader}. */
class DecoratedUriTest {
    @Test
    void uriParametersBuildTheStackTheyName() {
        try (Store store = Plinth.open("mem:?cache=1m&writeLimit=2/s&maxKey=8&timeout=10s")) {
            Keyspace ks = store.defaultKeyspace();
            assertThat(store.capabilities().maxKeySize()).isEqualTo(8);
            assertThatThrownBy(() -> ks.put(new byte[9], new byte[1])).isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("mem:?cache=1m");
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
    void theWriteBufferTakesItsThresholdsFromTheUri() {
        try (Store store = Plinth.open("mem:?buffer=3&bufferBytes=1k&bufferAge=1m")) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(new byte[] {1}, new byte[] {1});
            ks.put(new byte[] {2}, new byte[] {2});
            assertThat(store.stats().counter("buffer.heldOps")).isEqualTo(2);
            ks.put(new byte[] {3}, new byte[] {3});
            assertThat(store.stats().counter("buffer.heldOps")).isZero();
            assertThat(ks.get(new byte[] {2})).containsExactly(2);
        }
    }

    @Test
    void everyInvalidValueIsNamedInTheEnginesFormat() {
        assertThatThrownBy(() -> Plinth.open("mem:?cache=lots&rateLimit=5&timeout=0s&metrics=yes"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("invalid mem store URI mem:?cache=lots&rateLimit=5&timeout=0s&metrics=yes: ")
                .hasMessageContaining("parameter cache=lots is not a size")
                .hasMessageContaining("parameter rateLimit=5 is not a rate per second above 0, such as 1000/s")
                .hasMessageContaining("parameter timeout=0s is not a duration above 0")
                .hasMessageContaining("parameter metrics=yes must be true or false");
        assertThatThrownBy(() -> Plinth.open("mem:?bufferAge=1s"))
                .hasMessageContaining("bufferBytes and bufferAge need buffer=N");
    }

    @Test
    void aMisspelledDecoratorParameterIsUnknownToTheEngine() {
        assertThatThrownBy(() -> Plinth.open("mem:?cach=1m")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter cach (did you mean cache?)")
                .hasMessageContaining("the decorators on the class path take buffer, bufferAge, bufferBytes, cache,");
    }

    @Test
    void engineAndDecoratorParametersMixInOneUri(@TempDir Path dir) {
        String uri = "rocksdb:" + dir + "?blockCacheSize=8m&cache=1m&metrics=true";
        try (Store store = Plinth.open(uri)) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(new byte[] {1}, new byte[] {7});
            assertThat(ks.get(new byte[] {1})).containsExactly(7);
            assertThat(ks.get(new byte[] {1})).containsExactly(7);
            assertThat(store.stats().counter("cache.hits")).isEqualTo(1);
            assertThat(store.stats().counters()).containsKey("metrics.get");
        }
        assertThatThrownBy(() -> Plinth.open("rocksdb:" + dir + "?blockCacheSize=big&cache=big"))
                .hasMessageStartingWith("invalid rocksdb store URI").hasMessageContaining("parameter cache=big");
    }
}
