package dev.plinth.spi;

import java.time.InstantSource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.List;
import java.util.Map;
import java.util.Objects;
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
    private final Set<String> decoratorParams;

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
        this.decoratorParams = Set.of();
    }

    private EngineConfig(EngineConfig base, Set<String> decoratorParams) {
        this.readOnly = base.readOnly;
        this.uri = base.uri;
        this.scheme = base.scheme;
        this.location = base.location;
        this.params = base.params;
        this.clock = base.clock;
        this.createIfMissing = base.createIfMissing;
        this.decoratorParams = Collections.unmodifiableSet(new TreeSet<>(decoratorParams));
    }

    /**
     * This configuration, knowing which parameter names the decorators on the class path take (see
     * {@link DecoratorProvider#parameters()}), so that {@link #unknownParams(Set)} can name them beside the
     * engine's own when a user misspells one. The store opener sets it; engines need not.
     *
     * @param names the decorators' parameter names
     * @return a configuration equal to this one but for those names
     */
    public EngineConfig withDecoratorParameters(Set<String> names) {
        return new EngineConfig(this, Objects.requireNonNull(names, "names"));
    }

    /**
     * The parameter names the decorators on the class path take, as given to
     * {@link #withDecoratorParameters(Set)}; empty if none were.
     *
     * @return the names, sorted, unmodifiable
     */
    public Set<String> decoratorParameters() {
        return decoratorParams;
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
        Set<String> candidates = new TreeSet<>(known);
        candidates.addAll(decoratorParams);
        candidates.add("checksums");
        candidates.add("readOnly");
        List<String> named = new ArrayList<>();
        for (String name : unknown) {
            String near = nearest(name, candidates);
            named.add(near == null ? name : name + " (did you mean " + near + "?)");
        }
        return (unknown.size() == 1 ? "unknown parameter " : "unknown parameters ") + String.join(", ", named)
                + " (the " + scheme + " engine takes " + (known.isEmpty() ? "none of its own"
                : String.join(", ", new TreeSet<>(known))) + "; every store also takes checksums and readOnly"
                + (decoratorParams.isEmpty() ? "" : "; the decorators on the class path take "
                        + String.join(", ", decoratorParams)) + ")";
    }

    /**
     * The candidate closest to a misspelled name, ignoring case: at most two single-character edits away
     * (a third of the name for short ones), or {@code null} if none is that close.
     */
    private static String nearest(String name, Set<String> candidates) {
        String best = null;
        int bestDistance = Math.min(2, Math.max(1, name.length() / 3)) + 1;
        for (String c : candidates) {
            int d = editDistance(name.toLowerCase(Locale.ROOT), c.toLowerCase(Locale.ROOT));
            if (d < bestDistance) {
                best = c;
                bestDistance = d;
            }
        }
        return best;
    }

    /** Levenshtein distance with adjacent transpositions counted as one edit. */
    private static int editDistance(String a, String b) {
        int[][] d = new int[a.length() + 1][b.length() + 1];
        for (int i = 0; i <= a.length(); i++) {
            d[i][0] = i;
        }
        for (int j = 0; j <= b.length(); j++) {
            d[0][j] = j;
        }
        for (int i = 1; i <= a.length(); i++) {
            for (int j = 1; j <= b.length(); j++) {
                int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
                int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
                if (i > 1 && j > 1 && a.charAt(i - 1) == b.charAt(j - 2) && a.charAt(i - 2) == b.charAt(j - 1)) {
                    v = Math.min(v, d[i - 2][j - 2] + 1);
                }
                d[i][j] = v;
            }
        }
        return d[a.length()][b.length()];
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
