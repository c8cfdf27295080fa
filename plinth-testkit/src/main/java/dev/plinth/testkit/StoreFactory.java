package dev.plinth.testkit;

import dev.plinth.StoreOptions;
import java.nio.file.Path;

/**
 * How the conformance kit opens the engine under test: the one method an engine's test supplies.
 *
 * <p>The kit calls {@link #options(Path)} with an empty directory unique to one test, adds its own
 * settings (a fake clock, origin tracking) to the returned builder, and opens it. Calling it again with
 * the same directory must reopen the same data on a persistent engine.
 */
@FunctionalInterface
public interface StoreFactory {
    /**
     * Options that open a store kept in {@code dir}.
     *
     * @param dir an empty directory owned by the test (ignored by engines that persist nothing)
     * @return a builder the kit may add to
     */
    StoreOptions.Builder options(Path dir);
}
