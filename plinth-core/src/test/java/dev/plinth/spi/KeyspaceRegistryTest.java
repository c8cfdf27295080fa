package dev.plinth.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Store;
import org.junit.jupiter.api.Test;

class KeyspaceRegistryTest {
    private record Ks(String name) implements EngineKeyspace {
    }

    private final KeyspaceRegistry<Ks> registry = new KeyspaceRegistry<>("test:/store");

    @Test
    void registersFindsAndRemovesByIdentity() {
        Ks a = registry.register(new Ks("a"));
        registry.register(new Ks(Store.DEFAULT_KEYSPACE));
        assertThat(registry.get("a")).isSameAs(a);
        assertThat(registry.names()).containsExactlyInAnyOrder("a", Store.DEFAULT_KEYSPACE);
        assertThat(registry.size()).isEqualTo(2);
        assertThat(registry.isLive(a)).isTrue();
        Ks sameNameOtherHandle = new Ks("a");
        assertThat(registry.remove(sameNameOtherHandle)).as("another handle of the same name").isFalse();
        assertThat(registry.isLive(sameNameOtherHandle)).isFalse();
        assertThat(registry.remove(a)).isTrue();
        assertThat(registry.isLive(a)).as("dropped").isFalse();
        assertThat(registry.get("a")).isNull();
        assertThat(registry.remove(a)).isFalse();
    }

    @Test
    void aNameIsRegisteredOnce() {
        registry.register(new Ks("a"));
        assertThatThrownBy(() -> registry.register(new Ks("a"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("'a'").hasMessageContaining("test:/store");
    }

    @Test
    void theDefaultKeyspaceIsNeverDropped() {
        assertThatThrownBy(() -> registry.refuseDroppingDefault(Store.DEFAULT_KEYSPACE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot be dropped")
                .hasMessageContaining("test:/store");
        registry.refuseDroppingDefault("other");
    }

    @Test
    void namesIsACopyAndAllIsReadOnly() {
        registry.register(new Ks("a"));
        registry.names().clear();
        assertThat(registry.names()).containsExactly("a");
        assertThatThrownBy(() -> registry.all().clear()).isInstanceOf(UnsupportedOperationException.class);
        registry.clear();
        assertThat(registry.size()).isZero();
    }
}
