package dev.plinth.spi;

/**
 * Makes engines for one URI scheme. Found with {@link java.util.ServiceLoader}: list the implementing
 * class in {@code META-INF/services/dev.plinth.spi.EngineProvider}. Implementations need a public
 * no-argument constructor and must be thread-safe.
 */
public interface EngineProvider {
    /**
     * The URI scheme this provider serves, lower case, without the colon ({@code mem}, {@code rocksdb}).
     *
     * @return the scheme
     */
    String scheme();

    /**
     * A one-line description for error messages and {@code --help} output.
     *
     * @return the description
     */
    default String description() {
        return scheme() + " engine";
    }

    /**
     * Opens the store the configuration names, creating it if it is missing and
     * {@link EngineConfig#createIfMissing()} allows.
     *
     * @param config the parsed URI and options
     * @return the open engine, which the caller closes
     * @throws IllegalArgumentException if the location or a parameter is invalid or unknown
     * @throws dev.plinth.NoSuchStoreException if the location holds no store and creating one is not allowed
     * @throws dev.plinth.StorageIOException if storage cannot be opened
     */
    Engine open(EngineConfig config);
}
