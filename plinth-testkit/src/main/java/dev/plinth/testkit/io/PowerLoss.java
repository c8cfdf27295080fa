package dev.plinth.testkit.io;

/**
 * What a simulated crash of a {@link MemVfs} keeps of the data not yet forced. Immutable. In every mode
 * but {@link #processCrash()}, the names in each directory go back to what its last
 * {@link dev.plinth.io.Vfs#syncDirectory(String) syncDirectory} saw (unsynced creates, renames, deletes and
 * mkdirs are undone, a replaced rename target comes back), and then each file that still has a name is
 * rebuilt from its durable contents as the mode says. The random choices (how much of a write survives,
 * the garbage bytes) come from the {@link MemVfs}'s seed.
 *
 * <p>Each file's unsynced changes are the writes and truncations since its last
 * {@link dev.plinth.io.VfsFile#force()}, in order. The modes keep a prefix of that sequence, which is
 * what a disk that writes back in order can hold: nothing ({@link #dropUnsynced()}), or all of it but the
 * last write, of which only a prefix landed ({@link #tearLastWrite()}), possibly followed by garbage where
 * the rest of it should be ({@link #garbageLastWrite()}). A file whose unsynced changes contain no write
 * keeps nothing of them.
 *
 * @param mode what is kept
 * @param keepBytes for the tearing modes, how many bytes of the last write survive (at most its length), or
 *     {@code -1} for a seeded random number from 0 to its length minus one
 */
public record PowerLoss(Mode mode, int keepBytes) {
    /** The kinds of crash. */
    public enum Mode {
        /** The process died but the machine did not: every write and every name change survives. */
        PROCESS_CRASH,
        /** Everything not forced is lost. */
        DROP_UNSYNCED,
        /** The unsynced writes before the last survive; of the last, a prefix. */
        TEAR_LAST_WRITE,
        /** As {@link #TEAR_LAST_WRITE}, and the rest of the last write's range holds random bytes. */
        GARBAGE_LAST_WRITE
    }

    /**
     * Checks the arguments.
     *
     * @param mode what is kept
     * @param keepBytes bytes of the last write kept, or {@code -1} for a seeded choice
     */
    public PowerLoss {
        java.util.Objects.requireNonNull(mode, "mode");
        if (keepBytes < -1) {
            throw new IllegalArgumentException("keepBytes must be -1 (seeded) or at least 0, not " + keepBytes);
        }
    }

    /**
     * A crash of the process alone: nothing is lost, only open handles and locks die.
     *
     * @return the crash
     */
    public static PowerLoss processCrash() {
        return new PowerLoss(Mode.PROCESS_CRASH, -1);
    }

    /**
     * A power loss that keeps only what was forced and synced.
     *
     * @return the crash
     */
    public static PowerLoss dropUnsynced() {
        return new PowerLoss(Mode.DROP_UNSYNCED, -1);
    }

    /**
     * A power loss that tears each file's last unsynced write at a seeded random length.
     *
     * @return the crash
     */
    public static PowerLoss tearLastWrite() {
        return new PowerLoss(Mode.TEAR_LAST_WRITE, -1);
    }

    /**
     * A power loss that keeps exactly {@code keepBytes} bytes of each file's last unsynced write (all of it
     * if it is shorter).
     *
     * @param keepBytes bytes kept, at least 0
     * @return the crash
     */
    public static PowerLoss tearLastWrite(int keepBytes) {
        return new PowerLoss(Mode.TEAR_LAST_WRITE, requireNonNegative(keepBytes));
    }

    /**
     * A power loss that keeps a seeded random prefix of each file's last unsynced write and fills the rest
     * of its range with seeded random bytes.
     *
     * @return the crash
     */
    public static PowerLoss garbageLastWrite() {
        return new PowerLoss(Mode.GARBAGE_LAST_WRITE, -1);
    }

    /**
     * A power loss that keeps exactly {@code keepBytes} bytes of each file's last unsynced write and fills
     * the rest of its range with seeded random bytes.
     *
     * @param keepBytes bytes kept, at least 0
     * @return the crash
     */
    public static PowerLoss garbageLastWrite(int keepBytes) {
        return new PowerLoss(Mode.GARBAGE_LAST_WRITE, requireNonNegative(keepBytes));
    }

    private static int requireNonNegative(int keepBytes) {
        if (keepBytes < 0) {
            throw new IllegalArgumentException("keepBytes must be at least 0, not " + keepBytes);
        }
        return keepBytes;
    }
}
