package dev.plinth.testkit;

import dev.plinth.OpenResource;
import dev.plinth.Store;
import dev.plinth.testkit.contract.ArgumentCopyContract;
import dev.plinth.testkit.contract.BatchContract;
import dev.plinth.testkit.contract.CasContract;
import dev.plinth.testkit.contract.ConcurrencyContract;
import dev.plinth.testkit.contract.CrudContract;
import dev.plinth.testkit.contract.CursorContract;
import dev.plinth.testkit.contract.DurabilityContract;
import dev.plinth.testkit.contract.ErrorContract;
import dev.plinth.testkit.contract.InTransactionContract;
import dev.plinth.testkit.contract.KeyspaceContract;
import dev.plinth.testkit.contract.KeyspaceDropContract;
import dev.plinth.testkit.contract.LendingCursorContract;
import dev.plinth.testkit.contract.LimitsContract;
import dev.plinth.testkit.contract.RangeContract;
import dev.plinth.testkit.contract.SnapshotContract;
import dev.plinth.testkit.contract.TransactionContract;
import dev.plinth.testkit.contract.TtlContract;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;

/**
 * The whole conformance kit. An engine's test extends this class and supplies {@link #factory()}; every
 * contract interface it implements runs against a fresh store per test, switched by the engine's
 * capabilities. A cursor, snapshot or transaction left open at the end of a test fails it, naming where
 * it was opened.
 *
 * <p>The contracts, one per group of promises (listed in docs/testing.md), live in {@link dev.plinth.testkit.contract}:
 * {@link CrudContract}, {@link RangeContract}, {@link CursorContract}, {@link LendingCursorContract}, {@link SnapshotContract},
 * {@link BatchContract}, {@link CasContract}, {@link TransactionContract}, {@link TtlContract},
 * {@link DurabilityContract}, {@link KeyspaceContract}, {@link KeyspaceDropContract},
 * {@link ConcurrencyContract} and
 * {@link ErrorContract}, and the seeded model-based random runs of {@link ModelContract}. Tests a capability
 * rules out are skipped, not passed.
 */
public abstract class ConformanceSuite implements ContractSupport, CrudContract, RangeContract, CursorContract,
        LendingCursorContract, SnapshotContract, BatchContract, CasContract, TransactionContract, InTransactionContract, TtlContract,
        DurabilityContract, KeyspaceContract, KeyspaceDropContract, LimitsContract, ArgumentCopyContract,
        ConcurrencyContract, ErrorContract, ModelContract {
    @TempDir
    Path tempDir;

    private FakeClock clock;
    private Store store;
    private Path storeDir;
    private final List<Store> others = new ArrayList<>();
    private int dirCounter;

    @BeforeEach
    void openStoreUnderTest() throws IOException {
        clock = new FakeClock();
        storeDir = newDir();
        store = open(storeDir);
    }

    @AfterEach
    void closeStoreUnderTest() {
        List<String> leaks = new ArrayList<>();
        List<String> damage = List.of();
        if (store != null && !store.isClosed()) {
            leaks.addAll(describeLeaks(store));
            if (leaks.isEmpty()) {
                damage = verifyQuietly(store);
            }
            store.close();
        }
        for (Store s : others) {
            if (!s.isClosed()) {
                leaks.addAll(describeLeaks(s));
                s.close();
            }
        }
        if (!leaks.isEmpty()) {
            throw new AssertionError("test leaked " + leaks.size() + " resource(s):\n" + String.join("\n", leaks));
        }
        if (!damage.isEmpty()) {
            throw new AssertionError("Store.verify() found the store damaged after the test:\n"
                    + String.join("\n", damage));
        }
    }

    /**
     * What {@link Store#verify()} finds in a store at the end of a test: every store must verify clean after
     * any test of the kit. A store a test left failed (an injected I/O error, a full disk) cannot be read
     * at all; that is the test's business, not damage.
     */
    private static List<String> verifyQuietly(Store s) {
        try {
            return s.verify();
        } catch (dev.plinth.CorruptionException e) {
            return List.of(e.getMessage());
        } catch (dev.plinth.PlinthException e) {
            return List.of();
        }
    }

    private Path newDir() throws IOException {
        return Files.createDirectories(tempDir.resolve("store-" + (dirCounter++)));
    }

    private Store open(Path dir) {
        return factory().options(dir).clock(clock).trackResourceOrigins(true).open();
    }

    /**
     * Describes each resource still open on a store, with the stack where it was opened.
     *
     * @param s the store
     * @return one description per leaked resource
     */
    public static List<String> describeLeaks(Store s) {
        List<String> out = new ArrayList<>();
        for (OpenResource r : s.openResources()) {
            StringWriter w = new StringWriter();
            w.append(r.toString());
            if (r.openedAt() != null) {
                w.append(", opened at:\n");
                r.openedAt().printStackTrace(new PrintWriter(w));
            }
            out.add(w.toString());
        }
        return out;
    }

    @Override
    public Store store() {
        return store;
    }

    @Override
    public FakeClock clock() {
        return clock;
    }

    @Override
    public Path dir() {
        return storeDir;
    }

    @Override
    public Store reopen() {
        List<String> leaks = describeLeaks(store);
        store.close();
        if (!leaks.isEmpty()) {
            throw new AssertionError("leaked before reopen:\n" + String.join("\n", leaks));
        }
        store = open(storeDir);
        return store;
    }

    @Override
    public Store openAnother() {
        try {
            Store s = open(newDir());
            others.add(s);
            return s;
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
