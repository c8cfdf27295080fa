package dev.plinth.decorators;

import dev.plinth.spi.DecoratorProvider;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Puts the stack of {@link EngineDecorators} in store URIs, found through {@link java.util.ServiceLoader}
 * when this jar is on the class path: {@code Plinth.open("rocksdb:/data?cache=64m&metrics=true&rateLimit=1000/s")}
 * opens RocksDB under a cache, metrics and a global rate limit, in the builder's fixed order. The
 * parameters are those of {@link EngineDecorators#parse(String)}, reserved in every engine's URI; an
 * invalid value fails as an engine's parameter does ({@code invalid rocksdb store URI ...: parameter
 * cache=lots is not a size ...}), before the engine opens. The stack's exceptions name the store by its URI.
 * Stateless and thread-safe.
 */
public final class EngineDecoratorsProvider implements DecoratorProvider {
    /** For {@link java.util.ServiceLoader}. */
    public EngineDecoratorsProvider() {
    }

    @Override
    public Set<String> parameters() {
        return SpecParser.PARAMETERS;
    }

    @Override
    public String description() {
        return "cache, metrics, rate limits, size limits, timeouts and a write buffer (plinth-decorators)";
    }

    @Override
    public UnaryOperator<Engine> decorator(EngineConfig config) {
        List<String> problems = new ArrayList<>();
        EngineDecorators.Builder b = SpecParser.parse(config.params(), problems);
        if (!problems.isEmpty()) {
            throw config.invalid(problems);
        }
        return b.name(config.uri()).build();
    }
}
