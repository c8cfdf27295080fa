package dev.plinth.testkit;

import dev.plinth.Capabilities;
import dev.plinth.Store;
import java.nio.file.Path;

/**
 * What every contract of the kit can reach: the store under test, its fake clock, and a way to reopen
 * it. Implemented by {@link ConformanceSuite}; contracts are interfaces with default test methods that
 * extend this one, so an engine runs them all by extending the suite.
 */
public interface ContractSupport {
    /**
     * The factory of the engine under test.
     *
     * @return the factory
     */
    StoreFactory factory();

    /**
     * The store opened for the current test, with {@link #clock()} as its clock and origin tracking on.
     *
     * @return the open store
     */
    Store store();

    /**
     * The clock of the current store.
     *
     * @return the fake clock
     */
    FakeClock clock();

    /**
     * The directory of the current test's store.
     *
     * @return the directory
     */
    Path dir();

    /**
     * Closes the current store (failing the test if it leaked cursors, snapshots or transactions) and
     * opens it again from the same directory with the same clock. On engines that are not persistent the
     * reopened store is empty.
     *
     * @return the reopened store, also returned by {@link #store()} from now on
     */
    Store reopen();

    /**
     * Opens another store, in a fresh directory, closed after the test, for tests that need a second one.
     *
     * @return a new open store
     */
    Store openAnother();

    /**
     * The capabilities of the engine under test.
     *
     * @return the capabilities
     */
    default Capabilities caps() {
        return store().capabilities();
    }
}
