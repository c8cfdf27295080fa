package dev.plinth.decorators;

import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Reads the parameter form of a stack, from a text ({@link EngineDecorators#parse(String)}) or from a store
 * URI ({@link EngineDecoratorsProvider}). Stateless.
 */
final class SpecParser {
    /** Every parameter a stack takes; {@link EngineDecoratorsProvider} reserves them in store URIs. */
    static final Set<String> PARAMETERS = Set.of("cache", "metrics", "rateLimit", "readLimit", "writeLimit", "maxKey",
            "maxValue", "maxBatchOps", "maxBatchBytes", "timeout", "buffer", "bufferBytes", "bufferAge",
            "metricsSampling");
    /** Most key and value bytes a write buffer holds unless {@code bufferBytes} says otherwise. */
    static final long DEFAULT_BUFFER_BYTES = 16L << 20;
    /** Oldest a held write gets unless {@code bufferAge} says otherwise. */
    static final Duration DEFAULT_BUFFER_AGE = Duration.ofMillis(100);

    private SpecParser() {
    }

    static EngineDecorators.Builder parse(String spec) {
        Map<String, String> params = new LinkedHashMap<>();
        List<String> problems = new ArrayList<>();
        for (String part : spec.isBlank() ? new String[0] : spec.trim().split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                problems.add("'" + part + "' is not name=value");
                continue;
            }
            params.put(part.substring(0, eq).trim(), part.substring(eq + 1).trim());
        }
        Set<String> unknown = new TreeSet<>(params.keySet());
        unknown.removeAll(PARAMETERS);
        for (String name : unknown) {
            problems.add("unknown decorator parameter '" + name + "'");
            params.remove(name);
        }
        EngineDecorators.Builder b = parse(params, problems);
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid decorator stack '" + spec + "': "
                    + String.join("; ", problems) + " (known: " + String.join(", ", new TreeSet<>(PARAMETERS)) + ")");
        }
        return b;
    }

    /**
     * Builds the stack the parameters name, adding a problem for each bad value.
     *
     * @param params names among {@link #PARAMETERS} and their values
     * @param problems where each problem is added, as {@code parameter NAME=VALUE ...}
     * @return the builder, meaningful only if no problem was added
     */
    static EngineDecorators.Builder parse(Map<String, String> params, List<String> problems) {
        EngineDecorators.Builder b = EngineDecorators.builder();
        RateLimits.Builder rates = null;
        int maxKey = Integer.MAX_VALUE;
        int maxValue = Integer.MAX_VALUE;
        int maxOps = Integer.MAX_VALUE;
        long maxBytes = Long.MAX_VALUE;
        boolean sizes = false;
        int bufferOps = 0;
        long bufferBytes = DEFAULT_BUFFER_BYTES;
        Duration bufferAge = DEFAULT_BUFFER_AGE;
        for (Map.Entry<String, String> p : params.entrySet()) {
            String name = p.getKey();
            String value = p.getValue().trim();
            String what = "parameter " + name + "=" + p.getValue();
            try {
                switch (name) {
                    case "cache" -> b.cache(size(what, value));
                    case "metrics" -> {
                        if (bool(what, value)) {
                            b.metrics(Metrics.globalRegistry);
                        }
                    }
                    case "rateLimit", "readLimit", "writeLimit" -> {
                        rates = rates == null ? RateLimits.builder() : rates;
                        long perSecond = rate(what, value);
                        if (!name.equals("writeLimit")) {
                            rates.globalReads(perSecond);
                        }
                        if (!name.equals("readLimit")) {
                            rates.globalWrites(perSecond);
                        }
                    }
                    case "maxKey" -> {
                        maxKey = intSize(what, value);
                        sizes = true;
                    }
                    case "maxValue" -> {
                        maxValue = intSize(what, value);
                        sizes = true;
                    }
                    case "maxBatchOps" -> {
                        maxOps = Math.toIntExact(count(what, value));
                        sizes = true;
                    }
                    case "maxBatchBytes" -> {
                        maxBytes = size(what, value);
                        sizes = true;
                    }
                    case "metricsSampling" -> b.metricsLatencySampling(Math.toIntExact(count(what, value)));
                    case "timeout" -> b.timeout(duration(what, value));
                    case "buffer" -> bufferOps = Math.toIntExact(count(what, value));
                    case "bufferBytes" -> bufferBytes = size(what, value);
                    case "bufferAge" -> bufferAge = duration(what, value);
                    default -> throw new IllegalStateException("not a stack parameter: " + name);
                }
            } catch (ArithmeticException e) {
                problems.add(what + " is too large");
            } catch (IllegalArgumentException e) {
                problems.add(e.getMessage().startsWith("parameter ") ? e.getMessage() : what + ": " + e.getMessage());
            }
        }
        if (bufferOps == 0 && (params.containsKey("bufferBytes") || params.containsKey("bufferAge"))) {
            problems.add("parameters bufferBytes and bufferAge need buffer=N, the most writes held");
        }
        try {
            if (rates != null) {
                b.rateLimits(rates.build());
            }
            if (sizes) {
                b.sizeLimits(maxKey, maxValue, maxOps, maxBytes);
            }
            if (bufferOps > 0) {
                b.writeBuffer(bufferOps, bufferBytes, bufferAge);
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        return b;
    }

    private static long count(String what, String v) {
        try {
            long n = Long.parseLong(v);
            if (n > 0) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " is not a whole number above 0");
    }

    private static int intSize(String what, String v) {
        long n = size(what, v);
        if (n > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(what + " is larger than 2g - 1 bytes");
        }
        return (int) n;
    }

    static long size(String what, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("k")) {
            unit = 1L << 10;
        } else if (s.endsWith("m")) {
            unit = 1L << 20;
        } else if (s.endsWith("g")) {
            unit = 1L << 30;
        }
        String digits = unit == 1 ? s : s.substring(0, s.length() - 1);
        try {
            long n = Long.parseLong(digits);
            if (n >= 0) {
                return Math.multiplyExact(n, unit);
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " is not a size (a whole number of bytes with an optional k, m "
                + "or g suffix)");
    }

    private static boolean bool(String what, String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(what + " must be true or false");
        };
    }

    private static long rate(String what, String v) {
        if (v.endsWith("/s")) {
            try {
                long n = Long.parseLong(v.substring(0, v.length() - 2));
                if (n > 0) {
                    return n;
                }
            } catch (NumberFormatException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException(what + " is not a rate per second above 0, such as 1000/s");
    }

    static Duration duration(String what, String v) {
        String s = v.toLowerCase(Locale.ROOT);
        try {
            Duration d = null;
            if (s.endsWith("ms")) {
                d = Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
            } else if (s.endsWith("s")) {
                d = Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
            } else if (s.endsWith("m")) {
                d = Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
            }
            if (d != null && !d.isNegative() && !d.isZero()) {
                return d;
            }
        } catch (NumberFormatException | ArithmeticException e) {
            // reported below
        }
        throw new IllegalArgumentException(what + " is not a duration above 0, such as 250ms, 2s or 1m");
    }
}
