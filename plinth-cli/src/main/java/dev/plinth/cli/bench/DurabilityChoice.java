package dev.plinth.cli.bench;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import java.util.Locale;

/**
 * The {@code --durability} flag: the default durability of every store the benchmark opens, either one
 * level for all engines or a rule each engine resolves from its capabilities. Immutable.
 */
enum DurabilityChoice {
    /**
     * The weakest level each engine honours (the default): every engine runs as fast as it safely can,
     * as LevelDB's {@code db_bench} does with {@code sync=false}. The load table shows what each got.
     */
    WEAKEST("weakest"),
    /** Each engine's own default, which for the durable engines is usually {@link Durability#SYNC}. */
    ENGINE("engine"),
    /** {@link Durability#NONE} everywhere; an engine that does not honour it is an error. */
    NONE("none"),
    /** {@link Durability#PROCESS} everywhere; an engine that does not honour it is an error. */
    PROCESS("process"),
    /** {@link Durability#SYNC} everywhere; an engine that does not honour it is an error. */
    SYNC("sync");

    private final String flag;

    DurabilityChoice(String flag) {
        this.flag = flag;
    }

    /**
     * The flag's spelling.
     *
     * @return such as {@code weakest}
     */
    String flag() {
        return flag;
    }

    /**
     * Parses the flag.
     *
     * @param text the flag's value, any case
     * @return the choice
     * @throws IllegalArgumentException naming the accepted values
     */
    static DurabilityChoice parse(String text) {
        String t = text.trim().toLowerCase(Locale.ROOT);
        for (DurabilityChoice c : values()) {
            if (c.flag.equals(t)) {
                return c;
            }
        }
        throw new IllegalArgumentException("--durability '" + text
                + "' is not one of weakest, engine, none, process, sync");
    }

    /**
     * The level an engine gets.
     *
     * @param caps the engine's capabilities
     * @return the level; a fixed level is returned even if the engine does not honour it, so that opening
     *     the store reports the mismatch
     */
    Durability resolve(Capabilities caps) {
        return switch (this) {
            case WEAKEST -> {
                for (Durability d : Durability.values()) {
                    if (caps.supports(d)) {
                        yield d;
                    }
                }
                yield caps.defaultDurability();
            }
            case ENGINE -> caps.defaultDurability();
            case NONE -> Durability.NONE;
            case PROCESS -> Durability.PROCESS;
            case SYNC -> Durability.SYNC;
        };
    }

    /**
     * The level to open a store with before its capabilities are known.
     *
     * @return the fixed level, or {@code null} when the engine's capabilities decide
     */
    Durability fixed() {
        return switch (this) {
            case NONE -> Durability.NONE;
            case PROCESS -> Durability.PROCESS;
            case SYNC -> Durability.SYNC;
            default -> null;
        };
    }
}
