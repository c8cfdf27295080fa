package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.StoreOptions;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.ForwardingEngine;
import dev.plinth.spi.EngineConfig;
import java.time.InstantSource;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class StoreOpenerTest {
    @Test
    void unknownSchemeListsTheAvailableOnes() {
        assertThatThrownBy(() -> Plinth.open("nosuch:/x")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("nosuch").hasMessageContaining("mem");
    }

    @Test
    void malformedUriIsRejected() {
        assertThatThrownBy(() -> Plinth.open("no-colon")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("malformed");
        assertThatThrownBy(() -> Plinth.open("mem:?novalue")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("name=value");
        assertThatThrownBy(() -> Plinth.open((String) null)).isInstanceOf(NullPointerException.class);
    }

    @Test
    void anEngineRefusedAtOpenIsClosed() {
        AtomicBoolean closed = new AtomicBoolean();
        assertThatThrownBy(() -> StoreOptions.builder("mem:").defaultDurability(Durability.SYNC)
                .decorate(e -> new ForwardingEngine(e) {
                    @Override
                    public void close() {
                        closed.set(true);
                        super.close();
                    }
                }).open()).isInstanceOf(UnsupportedCapabilityException.class).hasMessageContaining("SYNC");
        assertThat(closed).isTrue();
    }

    @Test
    void unknownParameterIsRejectedByTheEngine() {
        assertThatThrownBy(() -> Plinth.open("mem:?bogus=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("bogus");
    }

    @Test
    void sizeParametersTakeSuffixes() {
        EngineConfig c = new EngineConfig("x:", "x", "", Map.of("a", "8g", "b", "512", "c", "3K", "d", "x1"),
                InstantSource.system());
        assertThat(c.sizeParam("a", 0)).isEqualTo(8L << 30);
        assertThat(c.sizeParam("b", 0)).isEqualTo(512);
        assertThat(c.sizeParam("c", 0)).isEqualTo(3 << 10);
        assertThat(c.sizeParam("missing", 7)).isEqualTo(7);
        assertThatThrownBy(() -> c.sizeParam("d", 0)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> c.requireKnownParams(Set.of("a"))).hasMessageContaining("engine takes a;");
    }

    @Test
    void aUriParameterOfADecoratorProviderDecoratesTheEngineAndNeverReachesIt() {
        // mem: takes no parameter of its own, so opening at all shows the engine did not see them.
        try (var store = Plinth.open("mem:?tag=a&tagWeight=7")) {
            assertThat(store.stats().counters()).containsEntry("tag.a", 7L).containsEntry("tag.params.tag,tagWeight", 1L);
        }
        try (var store = StoreOptions.builder("mem:").param("tag", "b").open()) {
            assertThat(store.stats().counters()).containsEntry("tag.b", 1L);
        }
    }

    @Test
    void uriDecoratorsSitInsideTheOptionsDecorators() {
        try (var store = StoreOptions.builder("mem:?tag=inner").decorate(e -> new ForwardingEngine(e) {
            @Override
            public Map<String, Long> stats() {
                Map<String, Long> out = new java.util.HashMap<>(super.stats());
                out.put("outer.sawInner", out.containsKey("tag.inner") ? 1L : 0L);
                return out;
            }
        }).open()) {
            assertThat(store.stats().counters()).containsEntry("outer.sawInner", 1L);
        }
    }

    @Test
    void anInvalidDecoratorParameterFailsInTheEnginesFormatBeforeTheEngineOpens() {
        AtomicBoolean applied = new AtomicBoolean();
        assertThatThrownBy(() -> StoreOptions.builder("mem:?tag=a&tagWeight=heavy").decorate(e -> {
            applied.set(true);
            return e;
        }).open()).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("invalid mem store URI mem:?tag=a&tagWeight=heavy: parameter tagWeight=heavy is not a "
                        + "whole number");
        assertThat(applied).isFalse();
    }

    @Test
    void aParameterNoProviderTakesStillReachesTheEngine() {
        assertThatThrownBy(() -> Plinth.open("mem:?tag=a&tagg=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter tagg (did you mean tag?)");
    }

    @Test
    void anUnknownParameterFarFromEveryKnownNameGetsNoSuggestion() {
        assertThatThrownBy(() -> Plinth.open("mem:?zzzzzz=1")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter zzzzzz (the mem engine takes")
                .hasMessageNotContaining("did you mean");
    }

    @Test
    void aMisspelledStoreWideParameterIsSuggested() {
        assertThatThrownBy(() -> Plinth.open("mem:?readOnyl=true")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unknown parameter readOnyl (did you mean readOnly?)");
    }
}
