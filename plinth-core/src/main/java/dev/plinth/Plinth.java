package dev.plinth;

import dev.plinth.internal.StoreOpener;

/**
 * Opens stores. The URI's scheme picks the engine among the {@link dev.plinth.spi.EngineProvider}s found
 * on the class path with {@link java.util.ServiceLoader}: {@code mem:} is always there. A URI parameter
 * that a {@link dev.plinth.spi.DecoratorProvider} on the class path takes (such as {@code cache=64m} with
 * the plinth-decorators jar) wraps the engine in that decorator instead of reaching the engine.
 * Thread-safe.
 */
public final class Plinth {
    private Plinth() {
    }

    /**
     * Opens a store with default options.
     *
     * @param uri the engine URI, for example {@code mem:} or {@code lmdb:/data?mapSize=8g}
     * @return the open store; the caller must close it
     * @throws NullPointerException if {@code uri} is null
     * @throws IllegalArgumentException if the URI is malformed, its scheme unknown (the message lists the
     *     schemes available), or a parameter unknown or invalid for the engine or for the decorator that
     *     takes it
     * @throws StorageIOException if the engine cannot open its storage
     */
    public static Store open(String uri) {
        return open(StoreOptions.builder(uri).build());
    }

    /**
     * Starts options for a store, to set a clock, a default durability, parameters or decorators, then
     * {@link StoreOptions.Builder#open()} it.
     *
     * @param uri the engine URI
     * @return a new builder
     * @throws NullPointerException if {@code uri} is null
     */
    public static StoreOptions.Builder builder(String uri) {
        return StoreOptions.builder(uri);
    }

    /**
     * Opens a store.
     *
     * @param options the URI and options
     * @return the open store; the caller must close it
     * @throws NullPointerException if {@code options} is null
     * @throws IllegalArgumentException as for {@link #open(String)}
     * @throws UnsupportedCapabilityException if the default durability is not honoured by the engine
     * @throws NoSuchStoreException if the location holds no store and
     *     {@link StoreOptions.Builder#createIfMissing(boolean) createIfMissing(false)} was set
     */
    public static Store open(StoreOptions options) {
        return StoreOpener.open(options);
    }

    /**
     * The URI schemes of the engines on the class path, sorted.
     *
     * @return the schemes
     */
    public static java.util.List<String> schemes() {
        return StoreOpener.schemes();
    }
}
