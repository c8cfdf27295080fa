package dev.plinth.decorators;

import io.micrometer.core.instrument.Metrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Reads the text form of a stack ({@link EngineDecorators#parse(String)}). Stateless. */
final class SpecParser {
    private SpecParser() {
    }

    static EngineDecorators.Builder parse(String spec) {
        EngineDecorators.Builder b = EngineDecorators.builder();
        List<String> problems = new ArrayList<>();
        RateLimits.Builder rates = null;
        int maxKey = Integer.MAX_VALUE;
        int maxValue = Integer.MAX_VALUE;
        int maxOps = Integer.MAX_VALUE;
        long maxBytes = Long.MAX_VALUE;
        boolean sizes = false;
        for (String part : spec.isBlank() ? new String[0] : spec.trim().split("&")) {
            int eq = part.indexOf('=');
            if (eq <= 0) {
                problems.add("'" + part + "' is not name=value");
                continue;
            }
            String name = part.substring(0, eq).trim();
            String value = part.substring(eq + 1).trim();
            try {
                switch (name) {
                    case "cache" -> b.cache(size(value));
                    case "metrics" -> {
                        if (bool(value)) {
                            b.metrics(Metrics.globalRegistry);
                        }
                    }
                    case "rateLimit", "readLimit", "writeLimit" -> {
                        rates = rates == null ? RateLimits.builder() : rates;
                        long perSecond = rate(value);
                        if (!name.equals("writeLimit")) {
                            rates.globalReads(perSecond);
                        }
                        if (!name.equals("readLimit")) {
                            rates.globalWrites(perSecond);
                        }
                    }
                    case "maxKey" -> {
                        maxKey = Math.toIntExact(size(value));
                        sizes = true;
                    }
                    case "maxValue" -> {
                        maxValue = Math.toIntExact(size(value));
                        sizes = true;
                    }
                    case "maxBatchOps" -> {
                        maxOps = Integer.parseInt(value);
                        sizes = true;
                    }
                    case "maxBatchBytes" -> {
                        maxBytes = size(value);
                        sizes = true;
                    }
                    case "timeout" -> b.timeout(duration(value));
                    case "buffer" -> b.writeBuffer(Integer.parseInt(value), 16L << 20, Duration.ofMillis(100));
                    default -> problems.add("unknown decorator parameter '" + name + "'");
                }
            } catch (RuntimeException e) {
                problems.add(name + "=" + value + " is invalid: " + e.getMessage());
            }
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid decorator stack '" + spec + "': "
                    + String.join("; ", problems) + " (known: cache, metrics, rateLimit, readLimit, writeLimit, "
                    + "maxKey, maxValue, maxBatchOps, maxBatchBytes, timeout, buffer)");
        }
        if (rates != null) {
            b.rateLimits(rates.build());
        }
        if (sizes) {
            b.sizeLimits(maxKey, maxValue, maxOps, maxBytes);
        }
        return b;
    }

    static long size(String v) {
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
        return Math.multiplyExact(Long.parseLong(digits), unit);
    }

    private static boolean bool(String v) {
        return switch (v.toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException("expected true or false");
        };
    }

    private static long rate(String v) {
        if (!v.endsWith("/s")) {
            throw new IllegalArgumentException("expected a rate per second such as 1000/s");
        }
        return Long.parseLong(v.substring(0, v.length() - 2));
    }

    static Duration duration(String v) {
        String s = v.toLowerCase(Locale.ROOT);
        if (s.endsWith("ms")) {
            return Duration.ofMillis(Long.parseLong(s.substring(0, s.length() - 2)));
        }
        if (s.endsWith("s")) {
            return Duration.ofSeconds(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        if (s.endsWith("m")) {
            return Duration.ofMinutes(Long.parseLong(s.substring(0, s.length() - 1)));
        }
        throw new IllegalArgumentException("expected a duration such as 250ms, 2s or 1m");
    }
}
