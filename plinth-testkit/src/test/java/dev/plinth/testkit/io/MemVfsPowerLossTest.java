package dev.plinth.testkit.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StorageIOException;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import java.nio.ByteBuffer;
import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** Proves that a power loss keeps exactly what was made durable, and tears exactly as configured. */
class MemVfsPowerLossTest {
    private final MemVfs vfs = new MemVfs(42);

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    private String text(String name) {
        return new String(VfsContract.readAll(vfs, name), UTF_8);
    }

    /** A file "f" holding "durable" forced and its name synced, then "+unsynced" appended. */
    private VfsFile durableThenUnsynced() {
        VfsFile f = vfs.create("f");
        f.append(bytes("durable"));
        f.force();
        vfs.syncDirectory("");
        f.append(bytes("+unsynced"));
        return f;
    }

    @Test
    void unforcedWritesAreGoneAndForcedOnesKept() {
        durableThenUnsynced();
        assertThat(text("f")).isEqualTo("durable+unsynced");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(text("f")).isEqualTo("durable");
    }

    @Test
    void overwritesInPlaceAreUndoneUntilForced() {
        VfsFile f = durableThenUnsynced();
        f.force();
        f.write(0, bytes("DURA"));
        f.truncate(3);
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(text("f")).isEqualTo("durable+unsynced");
    }

    @Test
    void aProcessCrashKeepsEverythingButKillsHandlesAndLocks() {
        VfsFile f = durableThenUnsynced();
        vfs.create("new").close();
        VfsLock lock = vfs.lock("LOCK");
        vfs.powerLoss(PowerLoss.processCrash());
        assertThat(text("f")).isEqualTo("durable+unsynced");
        assertThat(vfs.list("")).containsExactly("LOCK", "f", "new");
        assertThat(lock.isHeld()).isFalse();
        vfs.lock("LOCK").close();
        assertThatThrownBy(() -> f.append(bytes("x"))).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining("lost power");
        // ... and the unsynced part is still unsynced: a later power loss drops it.
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(text("f")).isEqualTo("durable");
        assertThat(vfs.list("")).containsExactly("f");
    }

    @Test
    void handlesOfTheCrashedProcessCannotTouchTheRebootedDisk() {
        VfsFile f = durableThenUnsynced();
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThatThrownBy(() -> f.write(0, bytes("X"))).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining("mem:/f").hasMessageContaining("lost power");
        assertThatThrownBy(f::force).isExactlyInstanceOf(StorageIOException.class);
        f.close();
        assertThat(text("f")).isEqualTo("durable");
    }

    @Test
    void aTornLastWriteKeepsExactlyTheConfiguredPrefix() {
        VfsFile f = durableThenUnsynced();
        f.append(bytes("LAST-WRITE"));
        vfs.powerLoss(PowerLoss.tearLastWrite(4));
        assertThat(text("f")).isEqualTo("durable+unsyncedLAST");
    }

    @Test
    void aTornWriteOfZeroBytesLeavesTheEarlierUnsyncedWrites() {
        VfsFile f = durableThenUnsynced();
        f.append(bytes("LAST"));
        vfs.powerLoss(PowerLoss.tearLastWrite(0));
        assertThat(text("f")).isEqualTo("durable+unsynced");
    }

    @Test
    void garbageFillsTheRestOfTheLastWriteAndNothingElse() {
        VfsFile f = durableThenUnsynced();
        f.append(bytes("LAST-WRITE"));
        vfs.powerLoss(PowerLoss.garbageLastWrite(3));
        byte[] after = VfsContract.readAll(vfs, "f");
        assertThat(after).hasSize("durable+unsyncedLAST-WRITE".length());
        assertThat(new String(after, 0, "durable+unsyncedLAS".length(), UTF_8)).isEqualTo("durable+unsyncedLAS");
        byte[] garbage = Arrays.copyOfRange(after, "durable+unsyncedLAS".length(), after.length);
        assertThat(garbage).isNotEqualTo("T-WRITE".getBytes(UTF_8));
    }

    @Test
    void seededTearsAreRepeatableAndNeverWhole() {
        for (int seed = 0; seed < 20; seed++) {
            String[] results = new String[2];
            for (int run = 0; run < 2; run++) {
                MemVfs m = new MemVfs(seed);
                VfsFile f = m.create("f");
                f.append(bytes("0123456789"));
                f.force();
                m.syncDirectory("");
                f.append(bytes("abcdefghij"));
                m.powerLoss(PowerLoss.tearLastWrite());
                results[run] = new String(VfsContract.readAll(m, "f"), UTF_8);
            }
            assertThat(results[0]).as("seed %d", seed).isEqualTo(results[1]);
            assertThat("0123456789abcdefghij").as("seed %d", seed).startsWith(results[0]);
            assertThat(results[0].length()).as("seed %d", seed).isBetween(10, 19);
        }
    }

    @Test
    void forceDataKeepsBytesInsideTheDurableSizeButNotGrowth() {
        VfsFile f = vfs.create("wal");
        f.preallocate(8);
        f.force();
        vfs.syncDirectory("");
        f.write(0, bytes("rec1"));
        f.forceData();
        f.write(4, bytes("rec2"));
        f.append(bytes("grown"));
        f.forceData();
        f.write(8, bytes("G"));
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(text("wal")).isEqualTo("rec1rec2");
    }

    @Test
    void aTornPowerLossAfterForceDataNeverUndoesForcedBytes() {
        VfsFile f = vfs.create("wal");
        f.append(bytes("aaaaaaaa"));
        f.force();
        vfs.syncDirectory("");
        f.truncate(2);
        f.write(2, bytes("bbbbbbbbbb"));
        f.forceData();
        f.append(bytes("cc"));
        vfs.powerLoss(PowerLoss.tearLastWrite(1));
        assertThat(text("wal")).isEqualTo("aabbbbbbbbbbc");
    }

    @Test
    void anUnsyncedCreateIsForgottenEvenIfItsDataWasForced() {
        vfs.mkdirs("d");
        vfs.syncDirectory("");
        VfsFile f = vfs.create("d/new");
        f.append(bytes("data"));
        f.force();
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(vfs.exists("d/new")).isFalse();
        assertThat(vfs.list("d")).isEmpty();
    }

    @Test
    void aSyncedCreateIsKept() {
        VfsFile f = vfs.create("new");
        f.append(bytes("data"));
        f.force();
        vfs.syncDirectory("");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(text("new")).isEqualTo("data");
    }

    @Test
    void anUnsyncedMkdirsIsForgottenWithItsContents() {
        vfs.mkdirs("a/b");
        vfs.syncDirectory("a");
        vfs.syncDirectory("a/b");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(vfs.list("")).isEmpty();
    }

    @Test
    void anUnsyncedRenameIsForgottenAndTheReplacedTargetRestored() {
        writeDurable("CURRENT", "old");
        writeDurable("CURRENT.tmp", "new");
        vfs.rename("CURRENT.tmp", "CURRENT");
        assertThat(vfs.list("")).containsExactly("CURRENT");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(vfs.list("")).containsExactly("CURRENT", "CURRENT.tmp");
        assertThat(text("CURRENT")).isEqualTo("old");
        assertThat(text("CURRENT.tmp")).isEqualTo("new");
    }

    @Test
    void aSyncedRenameIsKept() {
        writeDurable("CURRENT", "old");
        writeDurable("CURRENT.tmp", "new");
        vfs.rename("CURRENT.tmp", "CURRENT");
        vfs.syncDirectory("");
        vfs.powerLoss(PowerLoss.tearLastWrite());
        assertThat(vfs.list("")).containsExactly("CURRENT");
        assertThat(text("CURRENT")).isEqualTo("new");
    }

    @Test
    void anUnsyncedDeleteBringsTheFileBack() {
        writeDurable("seg", "entries");
        vfs.delete("seg");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(text("seg")).isEqualTo("entries");
        vfs.delete("seg");
        vfs.syncDirectory("");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(vfs.exists("seg")).isFalse();
    }

    @Test
    void aSyncOfOneDirectoryDoesNotMakeAnotherDurable() {
        vfs.mkdirs("a");
        vfs.mkdirs("b");
        vfs.syncDirectory("");
        vfs.create("a/x").close();
        vfs.create("b/y").close();
        vfs.syncDirectory("a");
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(vfs.list("a")).containsExactly("x");
        assertThat(vfs.list("b")).isEmpty();
    }

    private void writeDurable(String name, String content) {
        try (VfsFile f = vfs.create(name)) {
            f.append(bytes(content));
            f.force();
        }
        vfs.syncDirectory("");
    }
}
