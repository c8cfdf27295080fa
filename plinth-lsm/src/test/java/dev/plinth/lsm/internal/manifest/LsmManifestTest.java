package dev.plinth.lsm.internal.manifest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.testkit.io.Corruption;
import dev.plinth.testkit.io.Fault;
import dev.plinth.testkit.io.FaultyVfs;
import dev.plinth.testkit.io.IoOp;
import dev.plinth.testkit.io.MemVfs;
import dev.plinth.testkit.io.PowerLoss;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The manifest and CURRENT: recovery of the last edit, torn edits, crash while replacing CURRENT, damage. */
class LsmManifestTest {
    private static VersionState state(long log, long next, List<Long> tables) {
        return new VersionState(log, next, 100 + log, 3, Map.of(0, "default", 2, "other"), tables);
    }

    @Test
    void theLastEditIsRecoveredAndANewManifestReplacesTheOld() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(1), 1);
        try (Manifest m = Manifest.create(fs, "test", VersionState.empty("default"))) {
            m.log(state(2, 10, List.of(5L)));
            m.log(state(3, 12, List.of(5L, 11L)));
        }
        long first;
        try (Manifest m = Manifest.recover(fs, "test")) {
            assertThat(m.state().logNumber()).isEqualTo(3);
            assertThat(m.state().tables()).containsExactly(5L, 11L);
            assertThat(m.state().keyspaces()).containsEntry(2, "other");
            first = m.number();
        }
        assertThat(fs.list("")).contains(Manifest.CURRENT, Manifest.manifestName(first));
        assertThat(fs.list("").stream().filter(n -> n.startsWith("MANIFEST-")).count()).isEqualTo(1);
        assertThat(Manifest.check(fs, "test")).isEmpty();
    }

    @Test
    void anEditTornByPowerLossIsDroppedAndTheOneBeforeKept() {
        for (PowerLoss loss : List.of(PowerLoss.tearLastWrite(), PowerLoss.garbageLastWrite(), PowerLoss.dropUnsynced())) {
            MemVfs disk = new MemVfs(2);
            FaultyVfs fs = new FaultyVfs(disk, 2);
            Manifest m = Manifest.create(fs, "test", VersionState.empty("default"));
            m.log(state(2, 10, List.of(5L)));
            fs.inject(Fault.on(IoOp.FORCE).at(1));
            assertThatThrownBy(() -> m.log(state(3, 12, List.of(5L, 11L)))).isInstanceOf(dev.plinth.StorageIOException.class);
            fs.powerLoss(loss);
            fs.clearFaults();
            m.close();
            try (Manifest again = Manifest.recover(fs, "test")) {
                assertThat(again.state().logNumber()).as("%s", loss).isEqualTo(2);
            }
        }
    }

    @Test
    void aCrashAtEverySyncPointOfReplacingCurrentLeavesAUsableManifest() {
        FaultyVfs dry = new FaultyVfs(new MemVfs(3), 3);
        Manifest.create(dry, "test", state(2, 10, List.of(5L))).close();
        dry.resetCounters();
        Manifest.recover(dry, "test").close();
        long forces = dry.count(IoOp.FORCE) + dry.count(IoOp.SYNC_DIRECTORY);
        for (IoOp op : List.of(IoOp.FORCE, IoOp.SYNC_DIRECTORY, IoOp.RENAME)) {
            for (long n = 1; n <= forces; n++) {
                FaultyVfs fs = new FaultyVfs(new MemVfs(3 + n), 3 + n);
                Manifest.create(fs, "test", state(2, 10, List.of(5L))).close();
                fs.inject(Fault.on(op).at(n).sticky());
                try {
                    Manifest.recover(fs, "test").close();
                } catch (dev.plinth.StorageIOException expected) {
                    // the disk died here
                }
                fs.powerLoss(PowerLoss.tearLastWrite());
                fs.clearFaults();
                try (Manifest m = Manifest.recover(fs, "test")) {
                    assertThat(m.state().tables()).as("%s #%d", op, n).containsExactly(5L);
                }
            }
        }
    }

    @Test
    void damageToCurrentOrTheManifestIsCorruption() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(4), 4);
        Manifest.create(fs, "test", state(2, 10, List.of(5L))).close();
        for (long seed = 0; seed < 30; seed++) {
            FaultyVfs copy = new FaultyVfs(new MemVfs(5), 5);
            Manifest.create(copy, "test", state(2, 10, List.of(5L))).close();
            Corruption.flipRandomBit(copy, Manifest.CURRENT, seed);
            assertThatThrownBy(() -> Manifest.recover(copy, "test")).isInstanceOf(CorruptionException.class)
                    .hasMessageContaining("CURRENT");
        }
        String name = fs.list("").stream().filter(n -> n.startsWith("MANIFEST-")).findFirst().orElseThrow();
        long size = fs.size(name);
        Corruption.flipRandomBit(fs, name, 0, size, 9);
        assertThat(Manifest.check(fs, "test")).isNotEmpty();
        assertThatThrownBy(() -> Manifest.recover(fs, "test")).isInstanceOf(CorruptionException.class)
                .hasMessageContaining(name);
    }

    @Test
    void levelsAreRecordedAndAnEditWithoutThemHasEveryTableInLevelZero() {
        FaultyVfs fs = new FaultyVfs(new MemVfs(6), 6);
        VersionState leveled = state(2, 10, List.of(5L, 7L, 8L)).withTables(10, List.of(5L, 7L, 8L), List.of(0, 1, 6));
        try (Manifest m = Manifest.create(fs, "test", VersionState.empty("default"))) {
            m.log(leveled);
        }
        try (Manifest m = Manifest.recover(fs, "test")) {
            assertThat(m.state().tables()).containsExactly(5L, 7L, 8L);
            assertThat(m.state().levels()).containsExactly(0, 1, 6);
        }
        VersionState old = VersionState.decode(LegacyManifest.encode(leveled), "an old manifest");
        assertThat(old.tables()).containsExactly(5L, 7L, 8L);
        assertThat(old.levels()).containsExactly(0, 0, 0);
        assertThat(old.keyspaces()).isEqualTo(leveled.keyspaces());
        byte[] badTag = leveled.encode();
        badTag[badTag.length - 4 - 3] ^= 1;
        assertThatThrownBy(() -> VersionState.decode(badTag, "a damaged manifest")).isInstanceOf(CorruptionException.class)
                .hasMessageContaining("a damaged manifest");
        assertThatThrownBy(() -> new VersionState(1, 2, 3, 1, Map.of(0, "default"), List.of(5L), List.of()))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
