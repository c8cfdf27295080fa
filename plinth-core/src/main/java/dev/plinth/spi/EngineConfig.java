package dev.plinth.spi;

import java.time.InstantSource;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * What an {@link EngineProvider} is asked to open: the URI split into scheme, location and parameters,
 * plus the store's clock. Immutable and thread-safe.
 */
public final class EngineConfig {
    private final String uri;
    private final String scheme;
    private final String location;
    private final Map<String, String> params;
    private final InstantSource clock;
    private final boolean createIfMissing;
    private final boolean readOnly;

    /**
     * Makes a configuration that creates the store when it is missing.
     *
     * @param uri the full URI as given
     * @param scheme the scheme, lower case
     * @param location what follows {@code scheme:} up to any {@code ?}
     * @param params the query parameters and options' parameters
     * @param clock the store's clock
     */
    public EngineConfig(String uri, String scheme, String location, Map<String, String> params, InstantSource clock) {
        this(uri, scheme, location, params, clock, true);
    }

    /**
     * Makes a configuration.
     *
     * @param uri the full URI as given
     * @param scheme the scheme, lower case
     * @param location what follows {@code scheme:} up to any {@code ?}
     * @param params the query parameters and options' parameters
     * @param clock the store's clock
     * @param createIfMissing whether to create the store when the location holds none
     */
    public EngineConfig(String uri, String scheme, String location, Map<String, String> params, InstantSource clock,
            boolean createIfMissing) {
        this(uri, scheme, location, params, clock, createIfMissing, false);
    }

    /**
     * Makes a configuration, possibly read-only.
     *
     * @param uri the full URI as given
     * @param scheme the scheme, lower case
     * @param location what follows {@code scheme:} up to any {@code ?}
     * @param params the query parameters and options' parameters
     * @param clock the store's clock
     * @param createIfMissing whether to create the store when the location holds none; {@code false} when
     *     {@code readOnly}
     * @param readOnly whether the store is opened for reading only ({@link #readOnly()})
     */
    public EngineConfig(String uri, String scheme, String location, Map<String, String> params, InstantSource clock,
            boolean createIfMissing, boolean readOnly) {
        this.readOnly = readOnly;
        this.uri = uri;
        this.scheme = scheme;
        this.location = location;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(params));
        this.clock = clock;
        this.createIfMissing = createIfMissing;
    }

    /**
     * The URI as given.
     *
     * @return the URI
     */
    public String uri() {
        return uri;
    }

    /**
     * The scheme.
     *
     * @return the scheme, lower case
     */
    public String scheme() {
        return scheme;
    }

    /**
     * What follows {@code scheme:} up to any {@code ?}: a path, a name, or endpoints.
     *
     * @return the location, possibly empty
     */
    public String location() {
        return location;
    }

    /**
     * All parameters.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> params() {
        return params;
    }

    /**
     * The store's clock.
     *
     * @return the clock
     */
    public InstantSource clock() {
        return clock;
    }

    /**
     * Whether to create the store when the location holds none. When {@code false}, a persistent engine
     * must throw {@link dev.plinth.NoSuchStoreException} for a location that holds no store of its own,
     * before it creates any file or directory; engines without persistence ignore it.
     *
     * @return the flag; {@code true} unless the caller asked otherwise
     */
    public boolean createIfMissing() {
        return createIfMissing;
    }

    /**
     * Whether the store is opened for reading only. The core then refuses every write, keyspace change and
     * compaction before it reaches the engine, and never creates the store. A persistent engine opens its
     * files so that it writes nothing and takes no lock that would keep a writer in another process out
     * (RocksDB's read-only mode, LMDB's read-only environment); one that cannot should refuse to open.
     *
     * @return the flag; {@code false} unless the caller asked for it
     */
    public boolean readOnly() {
        return readOnly;
    }

    /**
     * One parameter.
     *
     * @param name the parameter's name
     * @param defaultValue what to return when it is absent
     * @return its value or the default
     */
    public String param(String name, String defaultValue) {
        return params.getOrDefault(name, defaultValue);
    }

    /**
     * A size parameter such as {@code 64m}: a whole number with an optional suffix {@code k}, {@code m},
     * {@code g} or {@code t} (powers of 1024), case-insensitive.
     *
     * @param name the parameter's name
     * @param defaultValue what to return when it is absent
     * @return the size in bytes
     * @throws IllegalArgumentException if the value is not a size
     */
    public long sizeParam(String name, long defaultValue) {
        String v = params.get(name);
        if (v == null) {
            return defaultValue;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (!s.isEmpty()) {
            switch (s.charAt(s.length() - 1)) {
                case 'k' -> unit = 1L << 10;
                case 'm' -> unit = 1L << 20;
                case 'g' -> unit = 1L << 30;
                case 't' -> unit = 1L << 40;
                default -> unit = 1;
            }
            if (unit != 1) {
                s = s.substring(0, s.length() - 1);
            }
        }
        try {
            long n = Long.parseLong(s);
            if (n < 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException("parameter " + name + "=" + v
                    + " is not a size (a whole number with an optional k, m, g or t suffix)");
        }
    }

    /**
     * Rejects parameters the engine does not know, listing those it does.
     *
     * @param known the parameter names the engine accepts
     * @throws IllegalArgumentException if any parameter is not in {@code known}
     */
    public void requireKnownParams(Set<String> known) {
        String problem = unknownParams(known);
        if (problem != null) {
            throw new IllegalArgumentException("invalid " + scheme + " store URI " + uri + ": " + problem);
        }
    }

    /**
     * Describes the parameters the engine does not know, for an engine that reports every problem of its
     * configuration at once (see {@link #invalid(java.util.List)}).
     *
     * @param known the parameter names the engine accepts
     * @return the problem, naming each unknown parameter and those the engine knows; {@code null} if none
     */
    public String unknownParams(Set<String> known) {
        Set<String> unknown = new TreeSet<>(params.keySet());
        unknown.removeAll(known);
        if (unknown.isEmpty()) {
            return null;
        }
        return (unknown.size() == 1 ? "unknown parameter " : "unknown parameters ") + String.join(", ", unknown)
                + " (the " + scheme + " engine takes " + (known.isEmpty() ? "none of its own"
                : String.join(", ", new TreeSet<>(known))) + "; every store also takes checksums and readOnly)";
    }

    /**
     * The one exception for every problem of a configuration, in the one format all engines share:
     * {@code invalid SCHEME store URI URI: problem; problem}.
     *
     * @param problems each problem, naming the parameter and its value as typed
     * @return the exception to throw
     */
    public IllegalArgumentException invalid(java.util.List<String> problems) {
        return new IllegalArgumentException("invalid " + scheme + " store URI " + uri + ": "
                + String.join("; ", problems));
    }
}
