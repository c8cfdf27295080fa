package dev.plinth.lmdb;

import dev.plinth.spi.EngineConfig;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * The parsed settings of one {@code lmdb:} store. Immutable and thread-safe.
 *
 * @param directory where the environment's {@code data.mdb} and {@code lock.mdb} live
 * @param mapSize the initial map size in bytes; the engine enlarges the map as it fills
 * @param maxKeyspaces the most keyspaces, the default one included ({@code Capabilities.maxKeyspaces()}); LMDB's
 *     {@code maxdbs}, one named database per keyspace
 * @param maxReaders the most snapshots, transactions and store cursors open at once
 *     ({@code Capabilities.maxOpenSnapshots()}), each of which holds an LMDB read transaction; LMDB's reader
 *     table gets {@link #RESERVED_READERS} slots more, for point reads in flight and the engine's own short
 *     reads
 * @param noSync whether the environment is opened with {@code MDB_NOSYNC}
 * @param resizeTimeoutMillis how long a write that must enlarge the map waits for open read transactions
 */
record LmdbOptions(Path directory, long mapSize, int maxKeyspaces, int maxReaders, boolean noSync,
                   long resizeTimeoutMillis) {
    /** The parameter naming the initial map size. */
    static final String MAP_SIZE = "mapSize";
    /** The parameter naming the most keyspaces. */
    static final String MAX_KEYSPACES = "maxKeyspaces";
    /** The parameter naming the most concurrent read transactions. */
    static final String MAX_READERS = "maxReaders";
    /** The parameter that opens the environment with {@code MDB_NOSYNC}. */
    static final String NO_SYNC = "noSync";
    /** The parameter naming how long map growth waits for readers. */
    static final String RESIZE_TIMEOUT = "resizeTimeout";

    static final Set<String> KNOWN = Set.of(MAP_SIZE, MAX_KEYSPACES, MAX_READERS, NO_SYNC, RESIZE_TIMEOUT);

    /**
     * Default initial map size: 1 GiB, except on Windows ({@link #WINDOWS_DEFAULT_MAP_SIZE}). Without
     * {@code MDB_WRITEMAP} LMDB maps the file read-only and writes it with {@code pwrite}, so elsewhere a
     * large map costs address space only: the file grows with the pages written, and a read-only shared
     * mapping is not counted as committed memory. A store that stays below it never grows its map, so
     * never waits for, or fails because of, an open snapshot or cursor (see {@link LmdbMap}).
     */
    static final long DEFAULT_MAP_SIZE = 1L << 30;
    /**
     * Default initial map size on Windows: 64 MiB. LMDB 0.9 there extends the file to the map's size when
     * it maps it (lmdbjava #68), so a large default would cost disk space, not just address space.
     */
    static final long WINDOWS_DEFAULT_MAP_SIZE = 64L << 20;
    /** Smallest accepted map size: 64 KiB (LMDB needs a few pages; the map grows anyway). */
    static final long MIN_MAP_SIZE = 64L << 10;
    /** Largest accepted map size: 1 PiB, far below a 64-bit address space. */
    static final long MAX_MAP_SIZE = 1L << 50;
    static final int DEFAULT_MAX_KEYSPACES = 128;
    /** LMDB keeps a slot per database in every transaction; more than this is a mistake. */
    static final int MAX_MAX_KEYSPACES = 32_767;
    static final int DEFAULT_MAX_READERS = 1024;
    /**
     * Reader slots beyond {@code maxReaders}: point reads hold a read transaction while they run (one per
     * thread reading at that moment), and so do the core's conditional batches, the expiry sweep and stats.
     * None of those counts against {@code Capabilities.maxOpenSnapshots()}; with more threads reading at
     * the same instant than this while every snapshot is taken, a read can still find the table full.
     */
    static final int RESERVED_READERS = 126;
    /** The lock file holds 64 bytes per reader slot. */
    static final int MAX_MAX_READERS = 1 << 20;
    static final long DEFAULT_RESIZE_TIMEOUT_MILLIS = 10_000;

    /**
     * Parses a configuration, reporting every invalid parameter at once.
     *
     * @param config the configuration
     * @return the options
     * @throws IllegalArgumentException naming each unknown or invalid parameter
     */
    static LmdbOptions parse(EngineConfig config) {
        List<String> problems = new ArrayList<>();
        String unknown = config.unknownParams(KNOWN);
        if (unknown != null) {
            problems.add(unknown);
        }
        Path dir = null;
        String location = config.location();
        if (location == null || location.isBlank()) {
            problems.add("the location must be a directory, as in lmdb:/var/lib/app");
        } else {
            try {
                dir = Path.of(location);
            } catch (InvalidPathException e) {
                problems.add("the location '" + location + "' is not a valid path: " + e.getMessage());
            }
        }
        long mapSize = defaultMapSize();
        try {
            mapSize = config.sizeParam(MAP_SIZE, mapSize);
            if (mapSize < MIN_MAP_SIZE || mapSize > MAX_MAP_SIZE) {
                problems.add("parameter " + MAP_SIZE + "=" + config.param(MAP_SIZE, null) + " must be between 64k and 1024t");
            }
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        int maxKeyspaces = intParam(config, MAX_KEYSPACES, DEFAULT_MAX_KEYSPACES, 1, MAX_MAX_KEYSPACES, problems);
        int maxReaders = intParam(config, MAX_READERS, DEFAULT_MAX_READERS, 1, MAX_MAX_READERS, problems);
        boolean noSync = false;
        String ns = config.param(NO_SYNC, null);
        if (ns != null) {
            switch (ns.trim().toLowerCase(Locale.ROOT)) {
                case "true" -> noSync = true;
                case "false" -> noSync = false;
                default -> problems.add("parameter " + NO_SYNC + "=" + ns + " must be true or false");
            }
        }
        long resizeTimeout = DEFAULT_RESIZE_TIMEOUT_MILLIS;
        String rt = config.param(RESIZE_TIMEOUT, null);
        if (rt != null) {
            try {
                resizeTimeout = parseMillis(rt);
            } catch (IllegalArgumentException e) {
                problems.add("parameter " + RESIZE_TIMEOUT + "=" + rt
                        + " must be a duration: a whole number with an optional ms, s or m suffix (plain numbers are milliseconds)");
            }
        }
        if (!problems.isEmpty()) {
            throw config.invalid(problems);
        }
        return new LmdbOptions(dir, mapSize, maxKeyspaces, maxReaders, noSync, resizeTimeout);
    }

    /**
     * The initial map size when the URI names none, for this operating system.
     *
     * @return {@link #DEFAULT_MAP_SIZE}, or {@link #WINDOWS_DEFAULT_MAP_SIZE} on Windows
     */
    static long defaultMapSize() {
        return System.getProperty("os.name", "").startsWith("Windows") ? WINDOWS_DEFAULT_MAP_SIZE : DEFAULT_MAP_SIZE;
    }

    private static int intParam(EngineConfig config, String name, int defaultValue, int min, int max, List<String> problems) {
        String v = config.param(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            int n = Integer.parseInt(v.trim());
            if (n >= min && n <= max) {
                return n;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        problems.add("parameter " + name + "=" + v + " must be a whole number from " + min + " to " + max);
        return defaultValue;
    }

    /** Parses {@code 250}, {@code 250ms}, {@code 10s} or {@code 2m} into milliseconds. */
    static long parseMillis(String v) {
        String s = v.trim().toLowerCase(Locale.ROOT);
        long unit = 1;
        if (s.endsWith("ms")) {
            s = s.substring(0, s.length() - 2);
        } else if (s.endsWith("s")) {
            unit = 1000;
            s = s.substring(0, s.length() - 1);
        } else if (s.endsWith("m")) {
            unit = 60_000;
            s = s.substring(0, s.length() - 1);
        }
        try {
            long n = Long.parseLong(s.trim());
            if (n < 0) {
                throw new IllegalArgumentException(v);
            }
            return Math.multiplyExact(n, unit);
        } catch (NumberFormatException | ArithmeticException e) {
            throw new IllegalArgumentException(v, e);
        }
    }
}
