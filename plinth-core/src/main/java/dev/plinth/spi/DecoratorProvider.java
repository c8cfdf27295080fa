package dev.plinth.spi;

import java.util.Set;
import java.util.function.UnaryOperator;

/**
 * Makes decorators that a store URI asks for with parameters, as in
 * {@code rocksdb:/data?cache=64m&metrics=true}. Found with {@link java.util.ServiceLoader}, like
 * {@link EngineProvider}s: list the implementing class in
 * {@code META-INF/services/dev.plinth.spi.DecoratorProvider}. Implementations need a public no-argument
 * constructor and must be thread-safe.
 *
 * <p>When a store is opened by URI, every parameter named in a provider's {@link #parameters()} is taken
 * out of the parameters before the engine sees them, so the engine neither rejects nor reads it. A
 * provider with at least one of its parameters in the URI is asked for its decorator
 * ({@link #decorator(EngineConfig)}) <em>before</em> the engine is opened, so a parameter it refuses opens
 * nothing. Once the engine is open, the decorators are applied to it in the order of the providers'
 * class names (the first innermost), and then the decorators of
 * {@link dev.plinth.StoreOptions.Builder#decorate}, which are thus outside those of the URI. A
 * parameter name that two providers claim goes to the first in that order. The parameters every store
 * takes ({@code checksums}, {@code readOnly}) are never passed to a provider.
 */
public interface DecoratorProvider {
    /**
     * The URI parameters this provider takes. They are reserved for it across every engine: an engine
     * never sees them.
     *
     * @return the parameter names, never empty
     */
    Set<String> parameters();

    /**
     * A one-line description for error messages and {@code --help} output.
     *
     * @return the description
     */
    default String description() {
        return "decorators taking " + String.join(", ", new java.util.TreeSet<>(parameters()));
    }

    /**
     * Reads this provider's parameters and makes the decorator they ask for. Called once per store
     * opened, before its engine opens.
     *
     * @param config the store's URI, scheme, location, clock and flags, with only those parameters of the
     *     URI (and of the store's options) that are among {@link #parameters()}: at least one
     * @return the decorator; it wraps the engine it is given and closes that engine when it is closed
     * @throws IllegalArgumentException for an invalid value, made by {@link EngineConfig#invalid(java.util.List)}
     *     so that it reads like an engine's, and naming every problem at once
     */
    UnaryOperator<Engine> decorator(EngineConfig config);
}
