package dev.plinth.testkit;

import dev.plinth.Capabilities;
import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ReadView;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.spi.Engine;
import dev.plinth.testkit.contract.Bytes;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

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

    /**
     * The default keyspace of the current store.
     *
     * @return the keyspace
     */
    default Keyspace defaultKs() {
        return store().defaultKeyspace();
    }

    /**
     * Writes each key (UTF-8) with the value {@code "v-" + key}.
     *
     * @param ks the keyspace
     * @param keys the keys
     */
    default void fill(Keyspace ks, String... keys) {
        for (String k : keys) {
            ks.put(k.getBytes(StandardCharsets.UTF_8), ("v-" + k).getBytes(StandardCharsets.UTF_8));
        }
    }

    /**
     * The keys a cursor over a view returns, in {@link Bytes#show(byte[])} form; the cursor is closed.
     *
     * @param view the store, snapshot or transaction
     * @param ks the keyspace
     * @param range the range
     * @param options the scan options
     * @return the keys in cursor order
     */
    default List<String> keysIn(ReadView view, Keyspace ks, Range range, ScanOptions options) {
        try (Cursor c = view.cursor(ks, range, options)) {
            return Bytes.keysOf(c);
        }
    }

    /**
     * Every key of a keyspace in the current store's latest state, ascending.
     *
     * @param ks the keyspace
     * @return the keys in {@link Bytes#show(byte[])} form
     */
    default List<String> keysIn(Keyspace ks) {
        return keysIn(store(), ks, Range.all(), ScanOptions.forward());
    }

    /**
     * Options for one more store of the engine under test, in a new empty directory beside the current
     * store's, with the current fake clock and origin tracking on. The caller adds what it needs, opens
     * and closes the store.
     *
     * @return a new builder
     */
    default StoreOptions.Builder freshOptions() {
        try {
            Path d = Files.createTempDirectory(dir().toAbsolutePath().getParent(), "extra-");
            return factory().options(d).clock(clock()).trackResourceOrigins(true);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * A store opened with {@link #freshOptions()}, and the engine below its core, for contracts that check
     * what reached the engine.
     *
     * @param store the store, which the caller closes
     * @param engine the engine the store runs on (after the factory's own decorators)
     */
    record StoreAndEngine(Store store, Engine engine) {
    }

    /**
     * Opens one more store of the engine under test ({@link #freshOptions()}) and keeps hold of its engine.
     *
     * @return the store and its engine; the caller closes the store
     */
    default StoreAndEngine openWithEngine() {
        Engine[] captured = new Engine[1];
        Store s = freshOptions().decorate(e -> {
            captured[0] = e;
            return e;
        }).open();
        if (captured[0] == null) {
            s.close();
            throw new AssertionError("the decorator never saw the engine of " + s);
        }
        return new StoreAndEngine(s, captured[0]);
    }

    /** Values larger than this are not allocated by the kit; tests needing one are skipped. */
    int LARGEST_TESTED_VALUE = 256 * 1024 * 1024;

    /**
     * {@link Capabilities#maxValueSize()}, skipping the current test (a JUnit assumption) when it is
     * larger than {@link #LARGEST_TESTED_VALUE} and so too large to allocate in a test.
     *
     * @return the largest value the engine accepts
     */
    default int maxValueToTest() {
        int max = caps().maxValueSize();
        org.junit.jupiter.api.Assumptions.assumeTrue(max <= LARGEST_TESTED_VALUE,
                () -> "maxValueSize " + max + " too large to allocate in a test");
        return max;
    }
}
