package dev.plinth;

/**
 * How far a write must travel before the call that made it returns.
 *
 * <p>Levels are ordered: each one promises everything the previous one does. An engine lists the
 * levels it honours in {@link Capabilities#durabilities()}; asking for any other level is rejected with
 * {@link UnsupportedCapabilityException} before anything is written. An engine never silently gives a
 * weaker level than the one asked for.
 */
public enum Durability {
    /** The write may be lost if the process dies; it is visible to readers of this store at once. */
    NONE,
    /**
     * The write survives the death of the process (for example {@code kill -9}): it has reached the
     * operating system, but may be lost if the machine loses power.
     */
    PROCESS,
    /** The write survives power loss: it was made durable on stable storage (fsync) before the call returned. */
    SYNC;

    /**
     * Whether this level promises at least as much as {@code other}.
     *
     * @param other the level to compare with
     * @return {@code true} if this level is the same as or stronger than {@code other}
     */
    public boolean atLeast(Durability other) {
        return compareTo(other) >= 0;
    }
}
