package dev.plinth.internal;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.NoSuchStoreException;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.spi.DecoratorProvider;
import dev.plinth.spi.Engine;
import dev.plinth.spi.EngineConfig;
import dev.plinth.spi.EngineProvider;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;

/**
 * Parses store URIs, finds the engine provider by scheme and the decorator providers by parameter, and
 * opens the store. Stateless; thread-safe.
 */
public final class StoreOpener {
    /**
     * The store parameter, accepted by every engine, that turns value checksums on or off
     * ({@link Capabilities#checksumValues()}); without it the engine's own choice holds.
     */
    public static final String CHECKSUMS = "checksums";
    /**
     * The store parameter, accepted by every engine, that opens a store for reading only
     * ({@link dev.plinth.StoreOptions#readOnly()}).
     */
    public static final String READ_ONLY = "readOnly";
    private static final Pattern SCHEME = Pattern.compile("[a-zA-Z][a-zA-Z0-9+.-]*");

    private StoreOpener() {
    }

    /**
     * Opens a store; see {@link dev.plinth.Plinth#open(StoreOptions)}.
     *
     * @param options the options
     * @return the open store
     */
    public static Store open(StoreOptions options) {
        Objects.requireNonNull(options, "options");
        String uri = options.uri();
        int colon = uri.indexOf(':');
        if (colon <= 0 || !SCHEME.matcher(uri.substring(0, colon)).matches()) {
            throw new IllegalArgumentException("malformed store URI '" + uri
                    + "': expected scheme:location[?name=value&...], for example mem: ; schemes on the class path: "
                    + schemes());
        }
        String scheme = uri.substring(0, colon).toLowerCase(Locale.ROOT);
        String rest = uri.substring(colon + 1);
        int q = rest.indexOf('?');
        String location = q < 0 ? rest : rest.substring(0, q);
        Map<String, String> params = new LinkedHashMap<>();
        if (q >= 0) {
            parseQuery(uri, rest.substring(q + 1), params);
        }
        params.putAll(options.params());
        Boolean checksums = booleanParam(uri, CHECKSUMS, params.remove(CHECKSUMS));
        Boolean readOnlyParam = booleanParam(uri, READ_ONLY, params.remove(READ_ONLY));
        boolean readOnly = options.readOnly() || Boolean.TRUE.equals(readOnlyParam);
        EngineProvider provider = providers().get(scheme);
        if (provider == null) {
            throw new IllegalArgumentException("unknown engine scheme '" + scheme + "' in store URI '" + uri
                    + "'; schemes on the class path: " + schemes());
        }
        boolean create = options.createIfMissing() && !readOnly;
        List<UnaryOperator<Engine>> uriDecorators = new ArrayList<>();
        List<DecoratorProvider> decoratorProviders = decoratorProviders();
        Set<String> decoratorParams = new TreeSet<>();
        for (DecoratorProvider dp : decoratorProviders) {
            decoratorParams.addAll(dp.parameters());
        }
        for (DecoratorProvider dp : decoratorProviders) {
            Map<String, String> taken = new LinkedHashMap<>();
            for (String name : dp.parameters()) {
                if (params.containsKey(name)) {
                    taken.put(name, params.remove(name));
                }
            }
            if (!taken.isEmpty()) {
                uriDecorators.add(Objects.requireNonNull(dp.decorator(new EngineConfig(uri, scheme, location, taken,
                        options.clock(), create, readOnly)), "a decorator provider returned null"));
            }
        }
        Engine engine = provider.open(new EngineConfig(uri, scheme, location, params, options.clock(), create,
                readOnly).withDecoratorParameters(decoratorParams));
        try {
            List<UnaryOperator<Engine>> decorators = new ArrayList<>(uriDecorators);
            decorators.addAll(options.decorators());
            for (UnaryOperator<Engine> d : decorators) {
                engine = Objects.requireNonNull(d.apply(engine), "a decorator returned null");
            }
            Capabilities engineCaps = engine.capabilities();
            Durability def = options.defaultDurability() == null ? engineCaps.defaultDurability()
                    : options.defaultDurability();
            if (!engineCaps.supports(def)) {
                throw new UnsupportedCapabilityException("default durability " + def + " is not honoured by the "
                        + scheme + " engine of " + uri + "; it honours " + engineCaps.durabilities());
            }
            boolean checked = checksums == null ? engineCaps.checksumValues() : checksums;
            Capabilities storeCaps = engineCaps.toBuilder()
                    .checksumValues(checked)
                    .maxValueSize(Math.max(0, engineCaps.maxValueSize()
                            - (checked ? ValueCodec.MAX_OVERHEAD : ValueCodec.EXPIRY_PREFIX)))
                    .build();
            if (engine.keyspace(Store.DEFAULT_KEYSPACE) == null) {
                if (readOnly) {
                    throw new NoSuchStoreException("store " + uri + " has no default keyspace, and opened read-only "
                            + "(readOnly=true) it cannot be given one");
                }
                engine.createKeyspace(Store.DEFAULT_KEYSPACE);
            }
            engine = new CheckedEngine(engine, uri, checked);
            return new CoreStore(uri, scheme, engine, storeCaps, def, options.clock(), options.trackResourceOrigins(),
                    readOnly);
        } catch (RuntimeException | Error e) {
            try {
                engine.close();
            } catch (RuntimeException suppressed) {
                e.addSuppressed(suppressed);
            }
            throw e;
        }
    }

    /** The value of a true-or-false parameter that every store accepts; {@code null} if absent. */
    private static Boolean booleanParam(String uri, String name, String value) {
        if (value == null) {
            return null;
        }
        return switch (value.trim().toLowerCase(Locale.ROOT)) {
            case "true" -> Boolean.TRUE;
            case "false" -> Boolean.FALSE;
            default -> throw new IllegalArgumentException("invalid store URI " + uri + ": parameter " + name
                    + "=" + value + " must be true or false");
        };
    }

    private static void parseQuery(String uri, String query, Map<String, String> into) {
        if (query.isEmpty()) {
            return;
        }
        for (String part : query.split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                throw new IllegalArgumentException("malformed parameter '" + part + "' in store URI '" + uri
                        + "': expected name=value");
            }
            into.put(URLDecoder.decode(part.substring(0, eq), StandardCharsets.UTF_8),
                    URLDecoder.decode(part.substring(eq + 1), StandardCharsets.UTF_8));
        }
    }

    /**
     * The schemes of the providers on the class path.
     *
     * @return sorted schemes
     */
    public static List<String> schemes() {
        return new ArrayList<>(providers().keySet());
    }

    /**
     * The decorator providers on the class path, in the order their decorators are applied (by class name,
     * the first innermost); a broken one is skipped with a warning, as a broken engine provider is.
     */
    private static List<DecoratorProvider> decoratorProviders() {
        Map<String, DecoratorProvider> out = new TreeMap<>();
        List<ClassLoader> loaders = new ArrayList<>();
        loaders.add(StoreOpener.class.getClassLoader());
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        if (tccl != null && tccl != StoreOpener.class.getClassLoader()) {
            loaders.add(tccl);
        }
        for (ClassLoader loader : loaders) {
            var it = ServiceLoader.load(DecoratorProvider.class, loader).iterator();
            while (true) {
                try {
                    if (!it.hasNext()) {
                        break;
                    }
                    DecoratorProvider p = it.next();
                    out.putIfAbsent(p.getClass().getName(), p);
                } catch (ServiceConfigurationError e) {
                    System.getLogger(StoreOpener.class.getName()).log(System.Logger.Level.WARNING,
                            "skipping a decorator provider that failed to load", e);
                }
            }
        }
        return new ArrayList<>(out.values());
    }

    private static Map<String, EngineProvider> providers() {
        Map<String, EngineProvider> out = new TreeMap<>();
        ServiceLoader<EngineProvider> loader = ServiceLoader.load(EngineProvider.class, StoreOpener.class.getClassLoader());
        var it = loader.iterator();
        while (true) {
            try {
                if (!it.hasNext()) {
                    break;
                }
                EngineProvider p = it.next();
                out.putIfAbsent(p.scheme().toLowerCase(Locale.ROOT), p);
            } catch (ServiceConfigurationError e) {
                // A broken provider jar must not hide the others; it shows up as a missing scheme.
                System.getLogger(StoreOpener.class.getName()).log(System.Logger.Level.WARNING,
                        "skipping an engine provider that failed to load", e);
            }
        }
        ClassLoader tccl = Thread.currentThread().getContextClassLoader();
        if (tccl != null && tccl != StoreOpener.class.getClassLoader()) {
            for (EngineProvider p : ServiceLoader.load(EngineProvider.class, tccl)) {
                out.putIfAbsent(p.scheme().toLowerCase(Locale.ROOT), p);
            }
        }
        return out;
    }
}
