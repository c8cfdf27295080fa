package dev.plinth.testkit.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StorageFullException;
import dev.plinth.StorageIOException;
import dev.plinth.io.MappedRegion;
import dev.plinth.io.NioVfs;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Proves each injected fault and the quota happen exactly as configured, and nothing else happens. */
class FaultyVfsTest {
    @TempDir
    Path dir;

    private final MemVfs mem = new MemVfs(7);
    private final FaultyVfs vfs = new FaultyVfs(mem, 7);

    @AfterEach
    void noLeaks() {
        vfs.assertNoLeaks();
    }

    private static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    /** Appends "0", "1", ... as separate writes, each in a try, and says which failed. */
    private static List<Integer> appendEach(VfsFile f, int n) {
        List<Integer> failed = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            try {
                f.append(bytes(Integer.toString(i)));
            } catch (StorageIOException e) {
                failed.add(i);
            }
        }
        return failed;
    }

    @Test
    void theNthWriteFailsOnceAndWritesNothing() {
        vfs.inject(Fault.on(IoOp.WRITE).at(3));
        try (VfsFile f = vfs.create("log")) {
            assertThat(appendEach(f, 6)).containsExactly(2);
        }
        assertThat(new String(VfsContract.readAll(mem, "log"), UTF_8)).isEqualTo("01345");
        assertThat(vfs.failuresInjected()).isEqualTo(1);
    }

    @Test
    void aStickyFaultFailsTheNthAndEveryLaterOne() {
        vfs.inject(Fault.on(IoOp.WRITE).at(3).sticky());
        try (VfsFile f = vfs.create("log")) {
            assertThat(appendEach(f, 6)).containsExactly(2, 3, 4, 5);
        }
        assertThat(new String(VfsContract.readAll(mem, "log"), UTF_8)).isEqualTo("01");
        assertThat(vfs.failuresInjected()).isEqualTo(4);
    }

    @Test
    void theFailureIsTheExceptionNioWouldThrow() {
        vfs.inject(Fault.on(IoOp.FORCE));
        vfs.inject(Fault.on(IoOp.WRITE).diskFull());
        try (VfsFile f = vfs.create("log")) {
            assertThatThrownBy(f::force).isExactlyInstanceOf(StorageIOException.class)
                    .hasMessageStartingWith("cannot force mem:/log: Input/output error");
            assertThatThrownBy(() -> f.append(bytes("x"))).isExactlyInstanceOf(StorageFullException.class)
                    .hasMessageStartingWith("cannot write mem:/log: No space left on device")
                    .hasMessageContaining("no room left");
            f.force();
            f.append(bytes("x"));
        }
    }

    @Test
    void aNameFilterCountsOnlyMatchingFiles() {
        vfs.inject(Fault.on(IoOp.FORCE).at(2).onFile("MANIFEST"));
        try (VfsFile log = vfs.create("log"); VfsFile manifest = vfs.create("MANIFEST")) {
            log.force();
            manifest.force();
            log.force();
            assertThatThrownBy(manifest::force).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("MANIFEST");
            log.force();
            manifest.force();
        }
        assertThat(vfs.failuresInjected()).isEqualTo(1);
    }

    @Test
    void everyKindOfOperationCanFail() {
        vfs.mkdirs("d");
        try (VfsFile f = vfs.create("d/f")) {
            f.append(bytes("abc"));
        }
        Map<IoOp, Runnable> calls = new java.util.EnumMap<>(IoOp.class);
        calls.put(IoOp.CREATE, () -> vfs.create("d/g").close());
        calls.put(IoOp.OPEN, () -> vfs.openRead("d/f").close());
        calls.put(IoOp.EXISTS, () -> vfs.exists("d/f"));
        calls.put(IoOp.SIZE, () -> vfs.size("d/f"));
        calls.put(IoOp.LIST, () -> vfs.list("d"));
        calls.put(IoOp.MKDIRS, () -> vfs.mkdirs("d/e"));
        calls.put(IoOp.RENAME, () -> vfs.rename("d/f", "d/h"));
        calls.put(IoOp.DELETE, () -> vfs.delete("d/f"));
        calls.put(IoOp.LOCK, () -> vfs.lock("d/LOCK").close());
        calls.put(IoOp.SYNC_DIRECTORY, () -> vfs.syncDirectory("d"));
        try (VfsFile f = vfs.openWrite("d/f")) {
            calls.put(IoOp.READ, () -> f.read(0, ByteBuffer.allocate(1)));
            calls.put(IoOp.WRITE, () -> f.write(0, bytes("x")));
            calls.put(IoOp.TRUNCATE, () -> f.truncate(1));
            calls.put(IoOp.FORCE, f::forceData);
            calls.put(IoOp.MAP, () -> f.map(0, 1).close());
            assertThat(calls.keySet()).containsExactlyInAnyOrder(IoOp.values());
            String before = mem.toString();
            for (Map.Entry<IoOp, Runnable> e : calls.entrySet()) {
                vfs.inject(Fault.on(e.getKey()));
                assertThatThrownBy(e.getValue()::run).as("%s", e.getKey())
                        .isExactlyInstanceOf(StorageIOException.class).hasMessageContaining("injected");
            }
            assertThat(mem.toString()).as("failed operations change nothing").isEqualTo(before);
            assertThat(vfs.failuresInjected()).isEqualTo(IoOp.values().length);
        }
    }

    @Test
    void countersCountEveryCallByKind() {
        vfs.inject(Fault.on(IoOp.WRITE).at(2));
        try (VfsFile f = vfs.create("a")) {
            appendEach(f, 3);
            f.force();
            f.forceData();
            f.read(0, ByteBuffer.allocate(2));
            f.preallocate(10);
        }
        vfs.rename("a", "b");
        vfs.syncDirectory("");
        vfs.list("");
        assertThat(vfs.counts()).containsExactlyInAnyOrderEntriesOf(Map.of(IoOp.CREATE, 1L, IoOp.WRITE, 4L,
                IoOp.FORCE, 2L, IoOp.READ, 1L, IoOp.RENAME, 1L, IoOp.SYNC_DIRECTORY, 1L, IoOp.LIST, 1L));
        vfs.resetCounters();
        assertThat(vfs.counts()).isEmpty();
    }

    @Test
    void probabilisticFaultsRepeatForTheSameSeed() {
        List<List<Integer>> runs = new ArrayList<>();
        for (int run = 0; run < 2; run++) {
            FaultyVfs f = new FaultyVfs(new MemVfs(1), 99);
            f.inject(Fault.on(IoOp.WRITE).withProbability(0.3));
            try (VfsFile file = f.create("x")) {
                runs.add(appendEach(file, 50));
            }
        }
        assertThat(runs.get(0)).isEqualTo(runs.get(1)).isNotEmpty().hasSizeLessThan(40);
    }

    @Test
    void theQuotaWritesWhatFitsThenFailsAsAFullDisk() {
        vfs.limitFreeSpace(10);
        try (VfsFile f = vfs.create("log")) {
            f.append(bytes("123456"));
            ByteBuffer tooLong = bytes("abcdef");
            assertThatThrownBy(() -> f.append(tooLong)).isExactlyInstanceOf(StorageFullException.class)
                    .hasMessageContaining("mem:/log");
            assertThat(tooLong.position()).isEqualTo(4);
            assertThat(f.size()).isEqualTo(10);
            assertThatThrownBy(() -> f.write(20, bytes("z"))).isExactlyInstanceOf(StorageFullException.class);
            assertThatThrownBy(() -> f.preallocate(11)).isExactlyInstanceOf(StorageFullException.class);
            f.write(0, bytes("overwrite"));
            assertThat(vfs.freeSpace()).isZero();
        }
        assertThat(new String(VfsContract.readAll(mem, "log"), UTF_8)).isEqualTo("overwrited");
    }

    @Test
    void freedSpaceCanBeWrittenAgain() {
        vfs.limitFreeSpace(8);
        try (VfsFile f = vfs.create("a")) {
            f.preallocate(8);
            assertThatThrownBy(() -> f.append(bytes("x"))).isInstanceOf(StorageFullException.class);
            f.truncate(5);
            assertThat(vfs.freeSpace()).isEqualTo(3);
        }
        try (VfsFile g = vfs.create("b")) {
            g.append(bytes("bbb"));
        }
        assertThat(vfs.freeSpace()).isZero();
        vfs.delete("a");
        assertThat(vfs.freeSpace()).isEqualTo(5);
        try (VfsFile t = vfs.create("b.tmp")) {
            t.append(bytes("12345"));
        }
        vfs.rename("b.tmp", "b");
        assertThat(vfs.freeSpace()).isEqualTo(3);
        vfs.unlimitedSpace();
        assertThat(vfs.freeSpace()).isEqualTo(Long.MAX_VALUE);
    }

    @Test
    void faultsAndQuotaWorkOverRealFilesToo() {
        FaultyVfs nio = new FaultyVfs(NioVfs.at(dir), 3);
        nio.inject(Fault.on(IoOp.SYNC_DIRECTORY).at(2));
        nio.limitFreeSpace(4);
        try (VfsFile f = nio.create("a")) {
            assertThatThrownBy(() -> f.append(bytes("123456"))).isExactlyInstanceOf(StorageFullException.class)
                    .hasMessageContaining(dir.resolve("a").toString());
        }
        nio.syncDirectory("");
        assertThatThrownBy(() -> nio.syncDirectory("")).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining("sync the directory " + dir);
        nio.syncDirectory("");
        assertThat(nio.size("a")).isEqualTo(4);
        nio.assertNoLeaks();
    }

    @Test
    void powerLossThroughTheWrapperForgetsTheCrashedHandles() {
        VfsFile f = vfs.create("a");
        vfs.lock("LOCK");
        f.append(bytes("x"));
        assertThat(vfs.openHandles()).hasSize(2);
        vfs.powerLoss(PowerLoss.dropUnsynced());
        assertThat(vfs.openHandles()).isEmpty();
        assertThat(vfs.list("")).isEmpty();
        assertThatThrownBy(() -> new FaultyVfs(NioVfs.at(dir), 1).powerLoss(PowerLoss.dropUnsynced()))
                .isInstanceOf(IllegalStateException.class);
    }

    @Test
    void corruptionThroughTheWrapperIsNeitherCountedNorFailed() {
        try (VfsFile f = vfs.create("a")) {
            f.append(bytes("abc"));
        }
        vfs.resetCounters();
        vfs.inject(Fault.on(IoOp.OPEN).sticky());
        vfs.inject(Fault.on(IoOp.WRITE).sticky());
        Corruption.zero(vfs, "a", 1, 1);
        assertThat(vfs.counts()).isEmpty();
        assertThat(VfsContract.readAll(mem, "a")).containsExactly('a', 0, 'c');
    }

    @Test
    void aClosedWrapperHandleIsRefusedBeforeCountingOrFailing() {
        Vfs v = vfs;
        VfsFile f = v.create("a");
        f.close();
        vfs.inject(Fault.on(IoOp.WRITE));
        assertThatThrownBy(() -> f.append(bytes("x"))).isInstanceOf(IllegalStateException.class);
        assertThat(vfs.count(IoOp.WRITE)).isZero();
        assertThat(vfs.failuresInjected()).isZero();
    }

    @Test
    void eachUseOfAMappedRegionIsACountedReadThatAFaultFailsAfterTheMappingWasMade() {
        try (VfsFile f = vfs.create("t")) {
            f.append(bytes("0123456789"));
        }
        try (VfsFile f = vfs.openRead("t")) {
            long maps = vfs.count(IoOp.MAP);
            MappedRegion region = f.map(0, 10);
            assertThat(vfs.count(IoOp.MAP)).isEqualTo(maps + 1);
            assertThat(vfs.openHandles()).extracting(OpenHandle::kind).contains(OpenHandle.Kind.MAPPING);
            long reads = vfs.count(IoOp.READ);
            region.bytes(0, 4);
            region.bytes(4, 4);
            assertThat(vfs.count(IoOp.READ)).isEqualTo(reads + 2);
            vfs.inject(Fault.on(IoOp.READ).onFile("t"));
            assertThatThrownBy(() -> region.bytes(0, 4)).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining("injected").hasMessageContaining("t");
            assertThat(region.bytes(0, 4).get(0)).isEqualTo((byte) '0');
            Corruption.flipBits(vfs, "t", 0, 0x01); // damage at rest after the mapping was made shows at the next use
            assertThat(region.bytes(0, 4).get(0)).isEqualTo((byte) ('0' ^ 0x01));
            assertThatThrownBy(vfs::assertNoLeaks).hasMessageContaining("mapping t");
            region.close();
            region.close();
        }
        vfs.assertNoLeaks();
    }

    @Test
    void closingARegionOfCopiesPoisonsTheBuffersStillInUseSoAReadAfterCloseIsSeen() {
        try (VfsFile f = vfs.create("t")) {
            f.append(bytes("0123456789"));
        }
        try (VfsFile f = vfs.openRead("t")) {
            MappedRegion region = f.map(0, 10);
            ByteBuffer held = region.bytes(2, 5);
            ByteBuffer other = region.bytes(0, 10);
            assertThat(held.get(0)).isEqualTo((byte) '2');
            assertThat(region.bytes(2, 5)).isNotSameAs(held); // each use has bytes of its own, read now
            region.close();
            for (int i = 0; i < held.limit(); i++) {
                assertThat(held.get(i)).as("byte %d of a buffer read after its region was closed", i).isEqualTo(FaultyVfs.POISON);
            }
            for (int i = 0; i < other.limit(); i++) {
                assertThat(other.get(i)).isEqualTo(FaultyVfs.POISON);
            }
            assertThatThrownBy(() -> region.bytes(0, 1)).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("closed");
            try (MappedRegion again = f.map(0, 10)) {
                assertThat(again.bytes(0, 10).get(9)).as("the file itself is untouched").isEqualTo((byte) '9');
            }
        }
        vfs.assertNoLeaks();
    }
}
