package dev.plinth;

import dev.plinth.spi.Engine;
import java.time.InstantSource;
import java.util.ArrayList;
import java.util.List;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.function.UnaryOperator;

/**
 * How to open a store: the engine URI plus options that apply to every engine. Engine-specific settings
 * travel as URI query parameters ({@code lmdb:/data?mapSize=8g}) or through {@link Builder#param}.
 * Immutable and thread-safe.
 */
public final class StoreOptions {
    private final String uri;
    private final Durability defaultDurability;
    private final InstantSource clock;
    private final boolean trackResourceOrigins;
    private final boolean createIfMissing;
    private final boolean readOnly;
    private final Map<String, String> params;
    private final List<UnaryOperator<Engine>> decorators;

    private StoreOptions(Builder b) {
        this.decorators = List.copyOf(b.decorators);
        this.uri = b.uri;
        this.defaultDurability = b.defaultDurability;
        this.clock = b.clock;
        this.trackResourceOrigins = b.trackResourceOrigins;
        this.createIfMissing = b.createIfMissing;
        this.readOnly = b.readOnly;
        this.params = Collections.unmodifiableMap(new LinkedHashMap<>(b.params));
    }

    /**
     * A builder for the given URI.
     *
     * @param uri the engine URI, {@code scheme:location[?name=value&...]}
     * @return a new builder
     * @throws NullPointerException if {@code uri} is null
     */
    public static Builder builder(String uri) {
        return new Builder(Objects.requireNonNull(uri, "uri"));
    }

    /**
     * The engine URI.
     *
     * @return the URI
     */
    public String uri() {
        return uri;
    }

    /**
     * The durability of writes that do not name one.
     *
     * @return the level, or {@code null} for the engine's default
     */
    public Durability defaultDurability() {
        return defaultDurability;
    }

    /**
     * The clock that time to live is measured with.
     *
     * @return the clock
     */
    public InstantSource clock() {
        return clock;
    }

    /**
     * Whether cursors, snapshots and transactions record the stack where they were opened.
     *
     * @return the flag
     */
    public boolean trackResourceOrigins() {
        return trackResourceOrigins;
    }

    /**
     * Engine parameters given through the builder; URI query parameters with the same name lose.
     *
     * @return an unmodifiable map
     */
    public Map<String, String> params() {
        return params;
    }

    /**
     * The engine decorators, innermost first.
     *
     * @return an unmodifiable list
     */
    public List<UnaryOperator<Engine>> decorators() {
        return decorators;
    }

    /**
     * Whether opening creates the store when its location holds none.
     *
     * @return {@code true} unless {@link Builder#createIfMissing(boolean)} turned it off
     */
    public boolean createIfMissing() {
        return createIfMissing;
    }

    /**
     * Whether the store is opened for reading only; see {@link Builder#readOnly(boolean)}.
     *
     * @return {@code true} if read-only
     */
    public boolean readOnly() {
        return readOnly;
    }

    /** Builds {@link StoreOptions}. Not thread-safe. */
    public static final class Builder {
        private final String uri;
        private Durability defaultDurability;
        private InstantSource clock = InstantSource.system();
        private boolean trackResourceOrigins = Boolean.getBoolean("plinth.trackResourceOrigins");
        private boolean createIfMissing = true;
        private boolean readOnly;
        private final Map<String, String> params = new LinkedHashMap<>();
        private final List<UnaryOperator<Engine>> decorators = new ArrayList<>();

        private Builder(String uri) {
            this.uri = uri;
        }

        /**
         * Sets the store's default durability.
         *
         * @param durability a level the engine honours, or {@code null} for the engine's default
         * @return this builder
         */
        public Builder defaultDurability(Durability durability) {
            this.defaultDurability = durability;
            return this;
        }

        /**
         * Sets the clock time to live is measured with; tests pass a fake one.
         *
         * @param clock the clock
         * @return this builder
         * @throws NullPointerException if {@code clock} is null
         */
        public Builder clock(InstantSource clock) {
            this.clock = Objects.requireNonNull(clock, "clock");
            return this;
        }

        /**
         * Records the stack where each cursor, snapshot and transaction is opened, so that leaks name their
         * origin. Costs a stack capture per open; on by default when the system property
         * {@code plinth.trackResourceOrigins} is {@code true}.
         *
         * @param track the flag
         * @return this builder
         */
        public Builder trackResourceOrigins(boolean track) {
            this.trackResourceOrigins = track;
            return this;
        }

        /**
         * Whether opening creates the store when its location holds none (on by default). Off, a persistent
         * engine opens only a store it already wrote there and otherwise throws
         * {@link NoSuchStoreException} without creating anything, not even a directory; so a tool that
         * only reads cannot mistake a wrong path, or another engine's files, for an empty store. Engines
         * without persistence make a new store on every open and ignore this setting.
         *
         * @param create the flag
         * @return this builder
         */
        public Builder createIfMissing(boolean create) {
            this.createIfMissing = create;
            return this;
        }

        /**
         * Whether to open the store for reading only (off by default; the URI parameter
         * {@code readOnly=true} does the same on every engine). A read-only store never creates anything:
         * it opens only a store that exists, throwing {@link NoSuchStoreException} otherwise. Every write,
         * keyspace creation or drop and {@link Store#compact()} then throws
         * {@link UnsupportedCapabilityException} and writes nothing; {@link Store#flush()} does nothing.
         * Persistent engines open their files without taking the lock that keeps a second writer out, so a
         * store that another process holds open can be read meanwhile (RocksDB's read-only mode sees what
         * the writer had written when it opened; LMDB opens its environment read-only, which never writes or grows
         * the file, works on read-only media, and sees each commit of a writer sharing the environment).
         *
         * @param readOnly the flag
         * @return this builder
         */
        public Builder readOnly(boolean readOnly) {
            this.readOnly = readOnly;
            return this;
        }

        /**
         * Sets an engine parameter, as if given in the URI's query.
         *
         * @param name the parameter's name
         * @param value its value
         * @return this builder
         * @throws NullPointerException if an argument is null
         */
        public Builder param(String name, String value) {
            params.put(Objects.requireNonNull(name, "name"), Objects.requireNonNull(value, "value"));
            return this;
        }

        /**
         * Wraps the engine in a decorator (see {@link dev.plinth.spi.ForwardingEngine}). Decorators apply in
         * the order added: the first wraps the engine, the next wraps the first. Decorators that URI
         * parameters ask for ({@link dev.plinth.spi.DecoratorProvider}) sit inside all of these. The store
         * closes the outermost engine, which must close what it wraps.
         *
         * @param decorator takes an engine and returns the engine that wraps it
         * @return this builder
         * @throws NullPointerException if {@code decorator} is null
         */
        public Builder decorate(UnaryOperator<Engine> decorator) {
            decorators.add(Objects.requireNonNull(decorator, "decorator"));
            return this;
        }

        /**
         * Builds the options.
         *
         * @return the options
         */
        public StoreOptions build() {
            return new StoreOptions(this);
        }

        /**
         * Builds the options and opens the store; see {@link Plinth#open(StoreOptions)}.
         *
         * @return the open store
         */
        public Store open() {
            return Plinth.open(build());
        }
    }
}
