package dev.plinth.lsm.internal.engine;

import dev.plinth.spi.EngineConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The options of leveled compaction, from a store URI's parameters. Level 0 holds flushed tables, which may
 * overlap; it is compacted into level 1 once it holds {@code l0CompactionTrigger} tables. Levels 1 to
 * {@link #LEVELS}{@code - 1} hold tables that do not overlap; level {@code n} is compacted into {@code n + 1}
 * once its bytes exceed {@link #targetBytes(int)}. Writers are delayed by {@link #SLOWDOWN_MILLIS} each while
 * level 0 holds {@code l0SlowdownTrigger} tables or more, and wait (until compaction catches up, the engine
 * fails or it is closed) while it holds {@code l0StopTrigger} or more, or while the bytes compaction is behind
 * by ({@link LevelSet#pendingCompactionBytes}) reach {@code pendingCompactionLimit}. Immutable.
 *
 * @param l0CompactionTrigger level-0 tables that start a compaction into level 1 ({@code l0CompactionTrigger},
 *     default {@link #DEFAULT_L0_COMPACTION_TRIGGER})
 * @param l0SlowdownTrigger level-0 tables from which each write is delayed ({@code l0SlowdownTrigger}, default
 *     {@link #DEFAULT_L0_SLOWDOWN_TRIGGER})
 * @param l0StopTrigger level-0 tables from which writes wait for compaction ({@code l0StopTrigger}, default
 *     {@link #DEFAULT_L0_STOP_TRIGGER})
 * @param levelBaseSize the target bytes of level 1 ({@code levelBaseSize}, default {@link #DEFAULT_LEVEL_BASE_SIZE})
 * @param levelMultiplier how many times larger each level's target is than the one above
 *     ({@code levelMultiplier}, default {@link #DEFAULT_LEVEL_MULTIPLIER})
 * @param tableSize bytes of keys and values after which a compaction starts a new output table
 *     ({@code tableSize}, default {@link #DEFAULT_TABLE_SIZE})
 * @param pendingCompactionLimit bytes compaction may be behind by before writes wait
 *     ({@code pendingCompactionLimit}, default {@link #DEFAULT_PENDING_COMPACTION_LIMIT})
 */
public record CompactionOptions(int l0CompactionTrigger, int l0SlowdownTrigger, int l0StopTrigger, long levelBaseSize,
                                int levelMultiplier, long tableSize, long pendingCompactionLimit) {
    /** Levels 0 to {@code LEVELS - 1}; a full compaction ({@code compact()}) writes the last one. */
    public static final int LEVELS = 7;
    /** Default level-0 compaction trigger. */
    public static final int DEFAULT_L0_COMPACTION_TRIGGER = 4;
    /**
     * Default level-0 slowdown trigger: RocksDB's default. LevelDB's 8 held a 1M-key fill's writes 3,000 times
     * (about 5 s) and, by compacting level 0 in small steps, made compaction cost up to 1.6 times the CPU by the
     * end of the fill (part of the saving is work deferred past it; docs/performance.md, issue 17).
     */
    public static final int DEFAULT_L0_SLOWDOWN_TRIGGER = 20;
    /** Default level-0 stop trigger: RocksDB's default. */
    public static final int DEFAULT_L0_STOP_TRIGGER = 36;
    /** Default target size of level 1. */
    public static final long DEFAULT_LEVEL_BASE_SIZE = 64L << 20;
    /** Default fan-out from one level to the next. */
    public static final int DEFAULT_LEVEL_MULTIPLIER = 10;
    /** Default size of a compaction's output tables. */
    public static final long DEFAULT_TABLE_SIZE = 4L << 20;
    /** Default bound of the bytes compaction may be behind by. */
    public static final long DEFAULT_PENDING_COMPACTION_LIMIT = 1L << 30;
    /** Milliseconds each write waits while level 0 is at the slowdown trigger or above. */
    public static final long SLOWDOWN_MILLIS = 1;
    /** The smallest {@code levelBaseSize} and {@code tableSize}. */
    public static final long MIN_SIZE = 1024;
    /** The parameters of a URI these options read. */
    static final Set<String> PARAMS = Set.of("l0CompactionTrigger", "l0SlowdownTrigger", "l0StopTrigger",
            "levelBaseSize", "levelMultiplier", "tableSize", "pendingCompactionLimit");

    /**
     * Checks the options, reporting every problem at once.
     *
     * @throws IllegalArgumentException if any is out of range
     */
    public CompactionOptions {
        List<String> problems = new ArrayList<>();
        if (l0CompactionTrigger < 1 || l0CompactionTrigger > 10_000) {
            problems.add("l0CompactionTrigger must be between 1 and 10000, got " + l0CompactionTrigger);
        }
        if (l0SlowdownTrigger < l0CompactionTrigger || l0SlowdownTrigger > 10_000) {
            problems.add("l0SlowdownTrigger must be between l0CompactionTrigger (" + l0CompactionTrigger
                    + ") and 10000, got " + l0SlowdownTrigger);
        }
        if (l0StopTrigger < l0SlowdownTrigger || l0StopTrigger > 10_000) {
            problems.add("l0StopTrigger must be between l0SlowdownTrigger (" + l0SlowdownTrigger + ") and 10000,"
                    + " got " + l0StopTrigger);
        }
        if (levelBaseSize < MIN_SIZE || levelBaseSize > (1L << 40)) {
            problems.add("levelBaseSize must be between " + MIN_SIZE + " bytes and 1t, got " + levelBaseSize);
        }
        if (levelMultiplier < 2 || levelMultiplier > 100) {
            problems.add("levelMultiplier must be between 2 and 100, got " + levelMultiplier);
        }
        if (tableSize < MIN_SIZE || tableSize > (1L << 30)) {
            problems.add("tableSize must be between " + MIN_SIZE + " bytes and 1g, got " + tableSize);
        }
        if (pendingCompactionLimit < MIN_SIZE || pendingCompactionLimit > (1L << 50)) {
            problems.add("pendingCompactionLimit must be between " + MIN_SIZE + " bytes and 1024t, got "
                    + pendingCompactionLimit);
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", problems));
        }
    }

    /**
     * The defaults.
     *
     * @return default options
     */
    public static CompactionOptions defaults() {
        return new CompactionOptions(DEFAULT_L0_COMPACTION_TRIGGER, DEFAULT_L0_SLOWDOWN_TRIGGER, DEFAULT_L0_STOP_TRIGGER,
                DEFAULT_LEVEL_BASE_SIZE, DEFAULT_LEVEL_MULTIPLIER, DEFAULT_TABLE_SIZE, DEFAULT_PENDING_COMPACTION_LIMIT);
    }

    /**
     * The target bytes of a level: {@code levelBaseSize} times {@code levelMultiplier} to the power
     * {@code level - 1}; level 0 is compacted by table count instead, and the last level has no target.
     *
     * @param level 1 to {@link #LEVELS}{@code - 1}
     * @return the target, at most {@link Long#MAX_VALUE}
     */
    public long targetBytes(int level) {
        if (level >= LEVELS - 1) {
            return Long.MAX_VALUE;
        }
        double t = levelBaseSize * Math.pow(levelMultiplier, level - 1);
        return t >= Long.MAX_VALUE ? Long.MAX_VALUE : (long) t;
    }

    /**
     * Reads the options of a URI.
     *
     * @param config the parsed URI
     * @return the options
     * @throws IllegalArgumentException for a bad value, naming every bad one
     */
    static CompactionOptions parse(EngineConfig config) {
        List<String> problems = new ArrayList<>();
        int trigger = intParam(config, "l0CompactionTrigger", DEFAULT_L0_COMPACTION_TRIGGER, problems);
        // A stop trigger given alone (say LevelDB's 12) pulls the slowdown default down to it, never below the
        // compaction trigger, so pinning the old stop trigger still opens (review of lsm18).
        int stopGiven = intParam(config, "l0StopTrigger", Integer.MIN_VALUE, problems);
        boolean stopIsGiven = stopGiven != Integer.MIN_VALUE;
        int slowdownDefault = stopIsGiven ? Math.max(trigger, Math.min(DEFAULT_L0_SLOWDOWN_TRIGGER, stopGiven))
                : Math.max(trigger, DEFAULT_L0_SLOWDOWN_TRIGGER);
        int slowdown = intParam(config, "l0SlowdownTrigger", slowdownDefault, problems);
        int stop = stopIsGiven ? stopGiven : Math.max(slowdown, DEFAULT_L0_STOP_TRIGGER);
        int multiplier = intParam(config, "levelMultiplier", DEFAULT_LEVEL_MULTIPLIER, problems);
        long base = DEFAULT_LEVEL_BASE_SIZE;
        long table = DEFAULT_TABLE_SIZE;
        long pending = DEFAULT_PENDING_COMPACTION_LIMIT;
        try {
            base = config.sizeParam("levelBaseSize", DEFAULT_LEVEL_BASE_SIZE);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            table = config.sizeParam("tableSize", DEFAULT_TABLE_SIZE);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        try {
            pending = config.sizeParam("pendingCompactionLimit", DEFAULT_PENDING_COMPACTION_LIMIT);
        } catch (IllegalArgumentException e) {
            problems.add(e.getMessage());
        }
        if (!problems.isEmpty()) {
            throw config.invalid(problems);
        }
        try {
            return new CompactionOptions(trigger, slowdown, stop, base, multiplier, table, pending);
        } catch (IllegalArgumentException e) {
            throw config.invalid(List.of(e.getMessage()));
        }
    }

    private static int intParam(EngineConfig config, String name, int defaultValue, List<String> problems) {
        String v = config.param(name, null);
        if (v == null) {
            return defaultValue;
        }
        try {
            return Integer.parseInt(v.trim());
        } catch (NumberFormatException e) {
            problems.add("parameter " + name + "=" + v + " is not a whole number");
            return defaultValue;
        }
    }
}
