package dev.plinth.etcd;

import dev.plinth.spi.EngineConfig;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parsed {@code etcd:} URI: endpoints, root prefix and parameters. Immutable.
 *
 * @param endpoints the client URLs, {@code http://host:port} or {@code https://host:port}
 * @param root the root prefix every key of the store lives under, ending with {@code /}
 * @param user the user name, or {@code null}
 * @param password the password, or {@code null}
 * @param tls whether to connect with TLS (the JDK's trust store)
 * @param timeoutMillis how long one request may take before it fails (a read) or has an unknown outcome (a write)
 * @param pageSize how many entries a cursor fetches per request
 * @param leaseBucketMillis the width of the expiry buckets that share one lease
 */
record EtcdOptions(List<String> endpoints, String root, String user, String password, boolean tls,
                   long timeoutMillis, int pageSize, long leaseBucketMillis) {
    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String TLS = "tls";
    static final String TIMEOUT = "timeout";
    static final String PAGE_SIZE = "pageSize";
    static final String LEASE_BUCKET = "leaseBucket";
    static final Set<String> KNOWN = Set.of(USER, PASSWORD, TLS, TIMEOUT, PAGE_SIZE, LEASE_BUCKET);

    static final long DEFAULT_TIMEOUT_MILLIS = 5_000;
    static final int DEFAULT_PAGE_SIZE = 512;
    static final long DEFAULT_LEASE_BUCKET_MILLIS = 10_000;

    /**
     * Parses a configuration, reporting every problem at once.
     *
     * @param config the configuration
     * @return the options
     * @throws IllegalArgumentException listing every problem
     */
    static EtcdOptions parse(EngineConfig config) {
        List<String> problems = new ArrayList<>();
        String unknown = config.unknownParams(KNOWN);
        if (unknown != null) {
            problems.add(unknown);
        }
        boolean tls = bool(config, TLS, problems);
        String location = config.location() == null ? "" : config.location();
        List<String> endpoints = new ArrayList<>();
        String root = "/";
        if (!location.startsWith("//")) {
            problems.add("the location must be endpoints and a root prefix, as in etcd://127.0.0.1:2379,127.0.0.1:22379/app/");
        } else {
            String rest = location.substring(2);
            int slash = rest.indexOf('/');
            String hosts = slash < 0 ? rest : rest.substring(0, slash);
            root = slash < 0 ? "/" : rest.substring(slash);
            if (!root.endsWith("/")) {
                root = root + "/";
            }
            if (hosts.isBlank()) {
                problems.add("the location names no endpoint, as in etcd://127.0.0.1:2379/app/");
            }
            for (String h : hosts.split(",")) {
                if (h.isBlank()) {
                    continue;
                }
                String url = (tls ? "https://" : "http://") + h.trim();
                try {
                    URI u = URI.create(url);
                    if (u.getHost() == null || u.getPort() < 0) {
                        problems.add("endpoint '" + h + "' must be host:port");
                    } else {
                        endpoints.add(url);
                    }
                } catch (IllegalArgumentException e) {
                    problems.add("endpoint '" + h + "' is not host:port: " + e.getMessage());
                }
            }
        }
        long timeout = duration(config, TIMEOUT, DEFAULT_TIMEOUT_MILLIS, problems);
        long bucket = duration(config, LEASE_BUCKET, DEFAULT_LEASE_BUCKET_MILLIS, problems);
        int pageSize = DEFAULT_PAGE_SIZE;
        String ps = config.param(PAGE_SIZE, null);
        if (ps != null) {
            try {
                pageSize = Integer.parseInt(ps.trim());
                if (pageSize < 1 || pageSize > 100_000) {
                    problems.add("parameter " + PAGE_SIZE + "=" + ps + " must be between 1 and 100000");
                }
            } catch (NumberFormatException e) {
                problems.add("parameter " + PAGE_SIZE + "=" + ps + " must be a whole number");
            }
        }
        String user = config.param(USER, null);
        String password = config.param(PASSWORD, null);
        if ((user == null) != (password == null)) {
            problems.add("parameters " + USER + " and " + PASSWORD + " must be given together");
        }
        if (!problems.isEmpty()) {
            throw config.invalid(problems);
        }
        return new EtcdOptions(List.copyOf(endpoints), root, user, password, tls, timeout, pageSize, bucket);
    }

    /** The root prefix as bytes. */
    byte[] rootBytes() {
        return root.getBytes(StandardCharsets.UTF_8);
    }

    /** What the store is called in messages: its endpoints and root, never the password. */
    String describe() {
        return "etcd://" + String.join(",", endpoints.stream().map(e -> e.replaceFirst("^https?://", "")).toList()) + root;
    }

    private static boolean bool(EngineConfig config, String name, List<String> problems) {
        String v = config.param(name, null);
        if (v == null) {
            return false;
        }
        switch (v.trim().toLowerCase(Locale.ROOT)) {
            case "true":
                return true;
            case "false":
                return false;
            default:
                problems.add("parameter " + name + "=" + v + " must be true or false");
                return false;
        }
    }

    private static long duration(EngineConfig config, String name, long dflt, List<String> problems) {
        String v = config.param(name, null);
        if (v == null) {
            return dflt;
        }
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("ms")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            s = s.substring(0, s.length() - 1);
            unit = 1000;
        } else if (s.endsWith("m")) {
            s = s.substring(0, s.length() - 1);
            unit = 60_000;
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n <= 0) {
                throw new NumberFormatException();
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            problems.add("parameter " + name + "=" + v
                    + " must be a positive duration: a whole number with an optional ms, s or m suffix (plain numbers are milliseconds)");
            return dflt;
        }
    }
}
