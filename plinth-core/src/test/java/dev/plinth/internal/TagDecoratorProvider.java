package dev.plinth.internal;

import dev.plinth.spi.DecoratorProvider;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.ForwardingEngine;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * A decorator provider for the opener's tests: {@code tag=NAME} adds the counter {@code tag.NAME} to the
 * stats, {@code tagWeight=N} sets its value (a whole number, else refused). Thread-safe (stateless).
 */
public final class TagDecoratorProvider implements DecoratorProvider {
    @Override
    public Set<String> parameters() {
        return Set.of("tag", "tagWeight");
    }

    @Override
    public UnaryOperator<Engine> decorator(EngineConfig config) {
        String name = config.param("tag", "untagged");
        String weight = config.param("tagWeight", "1");
        long value;
        try {
            value = Long.parseLong(weight);
        } catch (NumberFormatException e) {
            throw config.invalid(List.of("parameter tagWeight=" + weight + " is not a whole number"));
        }
        String seen = String.join(",", new java.util.TreeSet<>(config.params().keySet()));
        return engine -> new ForwardingEngine(engine) {
            @Override
            public Map<String, Long> stats() {
                Map<String, Long> out = new HashMap<>(super.stats());
                out.put("tag." + name, value);
                out.put("tag.params." + seen, 1L);
                return out;
            }
        };
    }
}
