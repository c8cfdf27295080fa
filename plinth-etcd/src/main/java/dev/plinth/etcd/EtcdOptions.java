package dev.plinth.etcd;

import dev.plinth.spi.EngineConfig;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
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
 * @param tls whether to connect with TLS
 * @param tlsCa the PEM file of the certificate authorities to trust, or {@code null} for the JDK's trust store
 * @param tlsCert the PEM file of the client's certificate chain, or {@code null} for no client certificate
 * @param tlsKey the PEM file (PKCS#8) of the client's private key; given with {@code tlsCert}
 * @param timeoutMillis how long one request may take before it fails (a read) or has an unknown outcome (a write)
 * @param pageSize how many entries a cursor fetches per request
 * @param leaseBucketMillis the width of the expiry buckets that share one lease
 */
record EtcdOptions(List<String> endpoints, String root, String user, String password, boolean tls,
                   Path tlsCa, Path tlsCert, Path tlsKey, long timeoutMillis, int pageSize, long leaseBucketMillis) {
    static final String USER = "user";
    static final String PASSWORD = "password";
    static final String TLS = "tls";
    static final String TLS_CA = "tlsCa";
    static final String TLS_CERT = "tlsCert";
    static final String TLS_KEY = "tlsKey";
    static final String TIMEOUT = "timeout";
    static final String PAGE_SIZE = "pageSize";
    static final String LEASE_BUCKET = "leaseBucket";
    static final Set<String> KNOWN = Set.of(USER, PASSWORD, TLS, TLS_CA, TLS_CERT, TLS_KEY, TIMEOUT, PAGE_SIZE,
            LEASE_BUCKET);

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
        Path tlsCa = readableFile(config, TLS_CA, problems);
        Path tlsCert = readableFile(config, TLS_CERT, problems);
        Path tlsKey = readableFile(config, TLS_KEY, problems);
        if ((config.param(TLS_CERT, null) == null) != (config.param(TLS_KEY, null) == null)) {
            problems.add("parameters " + TLS_CERT + " and " + TLS_KEY + " must be given together");
        }
        boolean tlsFiles = config.param(TLS_CA, null) != null || config.param(TLS_CERT, null) != null
                || config.param(TLS_KEY, null) != null;
        boolean tls = bool(config, TLS, problems) || tlsFiles;
        if (tlsFiles && "false".equalsIgnoreCase(config.param(TLS, "").trim())) {
            problems.add("parameter " + TLS + "=false contradicts " + TLS_CA + ", " + TLS_CERT + " or " + TLS_KEY
                    + ", which connect with TLS");
        }
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
        return new EtcdOptions(List.copyOf(endpoints), root, user, password, tls, tlsCa, tlsCert, tlsKey, timeout,
                pageSize, bucket);
    }

    /** A parameter naming a file that must exist and be readable; {@code null} if absent or not. */
    private static Path readableFile(EngineConfig config, String name, List<String> problems) {
        String v = config.param(name, null);
        if (v == null) {
            return null;
        }
        Path p;
        try {
            p = Path.of(v.trim());
        } catch (InvalidPathException e) {
            problems.add("parameter " + name + "=" + v + " is not a file path");
            return null;
        }
        if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
            problems.add("parameter " + name + "=" + v + " names no readable file");
            return null;
        }
        return p;
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
