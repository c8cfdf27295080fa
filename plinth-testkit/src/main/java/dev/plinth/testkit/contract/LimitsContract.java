package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assumptions.assumeThat;

import dev.plinth.Capabilities;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.LimitExceededException;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.testkit.ContractSupport;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves the count limits an engine declares in {@link Capabilities}: exactly {@link Capabilities#maxKeyspaces()}
 * keyspaces can exist and exactly {@link Capabilities#maxOpenSnapshots()} snapshots, transactions and store
 * cursors can be open; one more is refused with {@link LimitExceededException} naming the limit, before
 * anything changes, and closing or dropping one makes room again. Engines that declare no limit
 * ({@link Capabilities#UNLIMITED}), or one too large to fill in a test, skip these.
 */
public interface LimitsContract extends ContractSupport {
    /** Limits above this are not filled by the contract. */
    int FILLABLE = 2048;

    @Test
    default void exactlyMaxKeyspacesCanExistAndOneMoreChangesNothing() {
        int max = caps().maxKeyspaces();
        assumeThat(max).as("declared keyspace limit").isLessThanOrEqualTo(FILLABLE);
        Store s = store();
        int n = s.keyspaces().size();
        for (int i = 0; n < max; i++) {
            s.createKeyspace("ks" + i);
            n++;
        }
        assertThat(s.keyspaces()).hasSize(max);
        List<String> before = new ArrayList<>(s.keyspaces());
        assertThatThrownBy(() -> s.createKeyspace("one-too-many"))
                .isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.KEYSPACES);
                    assertThat(e.maximum()).isEqualTo(max);
                })
                .hasMessageContaining("one-too-many").hasMessageContaining("maxKeyspaces");
        assertThat(s.keyspaces()).as("nothing created").containsExactlyInAnyOrderElementsOf(before);
        assertThat(s.keyspaces()).doesNotContain("one-too-many");
        Keyspace existing = s.keyspace(before.get(0));
        assertThat(s.createKeyspace(existing.name()).name()).as("an existing one is no new keyspace")
                .isEqualTo(existing.name());
        // Dropping one makes room, over and over (no slot leaks).
        for (int round = 0; round < 5; round++) {
            String victim = "ks" + round;
            if (s.keyspaces().contains(victim)) {
                assertThat(s.dropKeyspace(victim)).isTrue();
            } else {
                assertThat(s.dropKeyspace("again" + (round - 1))).isTrue();
            }
            Keyspace again = s.createKeyspace("again" + round);
            again.put(bytes("k"), bytes("v"));
            assertThat(again.get(bytes("k"))).isEqualTo(bytes("v"));
            assertThatThrownBy(() -> s.createKeyspace("still-too-many")).isInstanceOf(LimitExceededException.class);
        }
    }

    @Test
    default void exactlyMaxOpenSnapshotsCanBeOpenAndOneMoreOpensNothing() {
        int max = caps().maxOpenSnapshots();
        assumeThat(max).as("declared limit on open read views").isLessThanOrEqualTo(FILLABLE);
        Store s = store();
        Keyspace ks = defaultKs();
        ks.put(bytes("a"), bytes("1"));
        List<AutoCloseable> open = new ArrayList<>();
        try {
            for (int i = 0; i < max; i++) {
                switch (i % 3) {
                    case 0 -> open.add(s.snapshot());
                    case 1 -> open.add(s.begin(Isolation.SNAPSHOT));
                    default -> open.add(ks.cursor(Range.all(), ScanOptions.forward()));
                }
            }
            int resources = s.openResources().size();
            assertThat(resources).isEqualTo(max);
            for (String what : List.of("snapshot", "begin", "cursor")) {
                assertThatThrownBy(() -> {
                    switch (what) {
                        case "snapshot" -> s.snapshot();
                        case "begin" -> s.begin(Isolation.SERIALIZABLE);
                        default -> ks.cursor(Range.all(), ScanOptions.forward());
                    }
                }).as(what + " past the limit").isInstanceOfSatisfying(LimitExceededException.class, e -> {
                    assertThat(e.limit()).isEqualTo(LimitExceededException.Limit.OPEN_SNAPSHOTS);
                    assertThat(e.maximum()).isEqualTo(max);
                }).hasMessageContaining("maxOpenSnapshots");
                assertThat(s.openResources()).as("nothing opened by a refused " + what).hasSize(resources);
            }
            // Point reads and writes are not limited, and a view opened from a snapshot shares its own.
            assertThat(ks.get(bytes("a"))).isEqualTo(bytes("1"));
            ks.put(bytes("b"), bytes("2"));
            try (var c = ((dev.plinth.Snapshot) open.get(0)).cursor(ks, Range.all(), ScanOptions.forward())) {
                assertThat(c.next()).isTrue();
            }
            // Closing one makes room for exactly one.
            open.remove(0).close();
            open.add(s.snapshot());
            assertThatThrownBy(s::snapshot).isInstanceOf(LimitExceededException.class);
        } catch (Exception e) {
            throw new AssertionError(e);
        } finally {
            for (AutoCloseable c : open) {
                try {
                    c.close();
                } catch (Exception ignored) {
                    // the store closes what is left
                }
            }
        }
        assertThat(s.openResources()).isEmpty();
        try (var snap = s.snapshot()) {
            assertThat(snap.get(ks, bytes("b"))).isEqualTo(bytes("2"));
        }
    }
}
