package dev.plinth.testkit.contract;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.StoreOptions;
import dev.plinth.testkit.ContractSupport;
import dev.plinth.testkit.crash.ChildJvm;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves what a drop does to cursors open over the dropped keyspace ({@link dev.plinth.Store#dropKeyspace}):
 * a cursor opened before the drop, through the keyspace, a snapshot or a transaction, keeps reading the
 * view it opened on to its end, whether it first moves before or after the drop, in both directions,
 * after a seek, with a limit and keys-only, while another thread drops the keyspace, and while a keyspace
 * of the same name is created again; every new read of the dropped keyspace (its old handle, a snapshot or
 * transaction begun before the drop) throws {@link dev.plinth.NoSuchKeyspaceException}; a transaction that
 * wrote to it fails its commit with that exception and applies nothing; closing the store closes such
 * cursors. The scenarios are {@link DropScenarios}.
 *
 * <p>An engine that frees native state under such a cursor crashes the JVM, which would end the test run;
 * so the scenarios run in a child JVM opened on a fresh store like the one under test (its URI,
 * parameters and default durability; the child uses the system clock), and a crash fails this test with
 * the child's fatal error report. A store opened with decorators cannot be described to a child; its
 * scenarios run in this JVM.
 */
public interface KeyspaceDropContract extends ContractSupport {
    /** How long the child JVM may take for every scenario. */
    Duration CHILD_TIMEOUT = Duration.ofMinutes(3);

    @Test
    default void cursorsOpenedBeforeADropKeepReadingTheirView() throws Exception {
        StoreOptions options = freshOptions().build();
        List<String> expected = new ArrayList<>();
        for (DropScenarios.Scenario s : DropScenarios.all()) {
            expected.add("PASS " + s.name());
        }
        List<String> report = new ArrayList<>();
        if (!options.decorators().isEmpty()) {
            DropScenarios.runAll(freshOptions().open(), report::add);
            assertThat(report).as("scenario results").containsExactlyElementsOf(expected);
            return;
        }
        Path work = Files.createTempDirectory(dir().toAbsolutePath().getParent(), "drop-child-");
        ChildJvm.Result r = ChildJvm.run(work, ChildJvm.inheritedModuleOptions(), DropScenarios.class,
                DropScenarios.arguments(options), CHILD_TIMEOUT);
        assertThat(r.crashed()).as("the child JVM crashed: %s", r.describe()).isFalse();
        assertThat(r.exitCode()).as("%s", r.describe()).isZero();
        for (String line : r.stdout().split("\n")) {
            if (line.startsWith("PASS ") || line.startsWith("FAIL ")) {
                report.add(line.strip());
            }
        }
        assertThat(report).as("scenario results of the child JVM: %s", r.describe()).containsExactlyElementsOf(expected);
    }
}
