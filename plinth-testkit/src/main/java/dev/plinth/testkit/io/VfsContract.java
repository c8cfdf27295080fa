package dev.plinth.testkit.io;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StorageIOException;
import dev.plinth.io.MappedRegion;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.io.VfsLock;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.Arrays;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The behaviour every {@link Vfs} shares, as seen by a running process (what survives a crash is tested
 * on {@link MemVfs} itself). An implementation's test extends this class and implements
 * {@link #newVfs(Path)}; each test gets a fresh, empty file system.
 */
public abstract class VfsContract {
    @TempDir
    Path tempDir;

    /** The file system under test, fresh for each test. */
    protected Vfs vfs;

    /**
     * Makes an empty file system.
     *
     * @param dir an empty temporary directory, for implementations on disk
     * @return the file system; its root exists
     */
    protected abstract Vfs newVfs(Path dir);

    @BeforeEach
    void makeVfs() {
        vfs = newVfs(tempDir);
    }

    /**
     * Bytes of a string.
     *
     * @param s the string
     * @return a buffer of its UTF-8 bytes
     */
    protected static ByteBuffer bytes(String s) {
        return ByteBuffer.wrap(s.getBytes(UTF_8));
    }

    /**
     * Reads a whole file.
     *
     * @param vfs the file system
     * @param name the file
     * @return its bytes
     */
    public static byte[] readAll(Vfs vfs, String name) {
        try (VfsFile f = vfs.openRead(name)) {
            ByteBuffer b = ByteBuffer.allocate((int) f.size());
            f.read(0, b);
            return b.array();
        }
    }

    private String text(String name) {
        return new String(readAll(vfs, name), UTF_8);
    }

    private void writeFile(String name, String content) {
        try (VfsFile f = vfs.create(name)) {
            f.append(bytes(content));
        }
    }

    @Test
    void createdFileReadsBackWhatWasWritten() {
        try (VfsFile f = vfs.create("a")) {
            assertThat(f.writable()).isTrue();
            assertThat(f.name()).isEqualTo("a");
            assertThat(f.size()).isZero();
            f.write(0, bytes("hello"));
            f.force();
            ByteBuffer b = ByteBuffer.allocate(5);
            assertThat(f.read(0, b)).isEqualTo(5);
            assertThat(new String(b.array(), UTF_8)).isEqualTo("hello");
        }
        assertThat(text("a")).isEqualTo("hello");
        assertThat(vfs.size("a")).isEqualTo(5);
        assertThat(vfs.exists("a")).isTrue();
        assertThat(vfs.isDirectory("a")).isFalse();
    }

    @Test
    void aWriteDoesNotKeepTheCallersBuffer() {
        byte[] first = "hello".getBytes(UTF_8);
        byte[] second = "world".getBytes(UTF_8);
        try (VfsFile f = vfs.create("a")) {
            f.write(0, ByteBuffer.wrap(first));
            Arrays.fill(first, (byte) 'x');
            f.append(ByteBuffer.wrap(second));
            Arrays.fill(second, (byte) 'y');
            ByteBuffer b = ByteBuffer.allocate(10);
            assertThat(f.read(0, b)).isEqualTo(10);
            assertThat(new String(b.array(), UTF_8)).isEqualTo("helloworld");
            f.force();
            Arrays.fill(first, (byte) 'z');
        }
        assertThat(text("a")).isEqualTo("helloworld");
    }

    @Test
    void createRefusesAnExistingName() {
        writeFile("a", "x");
        vfs.mkdirs("d");
        assertThatThrownBy(() -> vfs.create("a")).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining("create").hasMessageContaining(vfs.location("a"));
        assertThatThrownBy(() -> vfs.create("d")).isExactlyInstanceOf(StorageIOException.class);
        assertThat(text("a")).isEqualTo("x");
    }

    @Test
    void createNeedsTheParentDirectory() {
        assertThatThrownBy(() -> vfs.create("missing/a")).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining(vfs.location("missing/a"));
        vfs.mkdirs("x/y");
        vfs.create("x/y/a").close();
        assertThat(vfs.list("x/y")).containsExactly("a");
    }

    @Test
    void openingAMissingFileOrADirectoryFails() {
        vfs.mkdirs("d");
        for (String name : new String[] {"missing", "d"}) {
            assertThatThrownBy(() -> vfs.openRead(name)).isExactlyInstanceOf(StorageIOException.class)
                    .hasMessageContaining(vfs.location(name));
            assertThatThrownBy(() -> vfs.openWrite(name)).isExactlyInstanceOf(StorageIOException.class)
                    .hasMessageContaining(vfs.location(name));
            assertThatThrownBy(() -> vfs.size(name)).isExactlyInstanceOf(StorageIOException.class);
        }
        assertThat(vfs.exists("missing")).isFalse();
        assertThat(vfs.list("")).containsExactly("d");
    }

    @Test
    void readStopsAtTheEndOfTheFile() {
        writeFile("a", "abc");
        try (VfsFile f = vfs.openRead("a")) {
            ByteBuffer b = ByteBuffer.allocate(10);
            assertThat(f.read(1, b)).isEqualTo(2);
            assertThat(b.position()).isEqualTo(2);
            assertThat(f.read(3, ByteBuffer.allocate(4))).isZero();
            assertThat(f.read(100, ByteBuffer.allocate(4))).isZero();
            assertThat(f.read(0, ByteBuffer.allocate(0))).isZero();
            assertThatThrownBy(() -> f.read(-1, ByteBuffer.allocate(1))).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void writePastTheEndLeavesZerosInTheGap() {
        try (VfsFile f = vfs.create("a")) {
            f.write(0, bytes("ab"));
            f.write(5, bytes("cd"));
            assertThat(f.size()).isEqualTo(7);
            f.write(1, bytes("X"));
        }
        assertThat(readAll(vfs, "a")).containsExactly('a', 'X', 0, 0, 0, 'c', 'd');
    }

    @Test
    void appendWritesAtTheEndAndSaysWhere() {
        try (VfsFile f = vfs.create("a")) {
            ByteBuffer first = bytes("one");
            assertThat(f.append(first)).isZero();
            assertThat(first.hasRemaining()).isFalse();
            f.write(10, bytes("!"));
            assertThat(f.append(bytes("two"))).isEqualTo(11);
            assertThat(f.size()).isEqualTo(14);
        }
        try (VfsFile f = vfs.openWrite("a")) {
            assertThat(f.append(bytes("3"))).isEqualTo(14);
        }
        assertThat(vfs.size("a")).isEqualTo(15);
    }

    @Test
    void truncateOnlyShrinks() {
        writeFile("a", "abcdef");
        try (VfsFile f = vfs.openWrite("a")) {
            f.truncate(100);
            assertThat(f.size()).isEqualTo(6);
            f.truncate(2);
            assertThat(f.size()).isEqualTo(2);
            f.truncate(0);
            assertThat(f.size()).isZero();
            assertThatThrownBy(() -> f.truncate(-1)).isInstanceOf(IllegalArgumentException.class);
        }
    }

    @Test
    void preallocateAddsZerosAndKeepsContents() {
        writeFile("a", "abc");
        try (VfsFile f = vfs.openWrite("a")) {
            f.preallocate(8);
            assertThat(f.size()).isEqualTo(8);
            f.preallocate(4);
            assertThat(f.size()).isEqualTo(8);
            f.force();
            f.forceData();
        }
        assertThat(readAll(vfs, "a")).containsExactly('a', 'b', 'c', 0, 0, 0, 0, 0);
    }

    @Test
    void readOnlyHandlesRefuseWrites() {
        writeFile("a", "abc");
        try (VfsFile f = vfs.openRead("a")) {
            assertThat(f.writable()).isFalse();
            assertThatThrownBy(() -> f.write(0, bytes("x"))).isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("reading only");
            assertThatThrownBy(() -> f.append(bytes("x"))).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> f.truncate(0)).isInstanceOf(IllegalStateException.class);
            assertThatThrownBy(() -> f.preallocate(10)).isInstanceOf(IllegalStateException.class);
        }
        assertThat(text("a")).isEqualTo("abc");
    }

    @Test
    void closedHandlesRefuseEverythingAndCloseTwice() {
        VfsFile f = vfs.create("a");
        f.close();
        f.close();
        assertThatThrownBy(f::size).isInstanceOf(IllegalStateException.class).hasMessageContaining("closed");
        assertThatThrownBy(() -> f.read(0, ByteBuffer.allocate(1))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> f.write(0, bytes("x"))).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(f::force).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void renameReplacesTheTargetAtomically() {
        writeFile("CURRENT", "old");
        writeFile("CURRENT.tmp", "new");
        try (VfsFile open = vfs.openRead("CURRENT.tmp")) {
            vfs.rename("CURRENT.tmp", "CURRENT");
            ByteBuffer b = ByteBuffer.allocate(3);
            open.read(0, b);
            assertThat(new String(b.array(), UTF_8)).isEqualTo("new");
        }
        assertThat(text("CURRENT")).isEqualTo("new");
        assertThat(vfs.list("")).containsExactly("CURRENT");
        vfs.rename("CURRENT", "CURRENT");
        assertThat(text("CURRENT")).isEqualTo("new");
    }

    @Test
    void renameOfAMissingFileFailsAndAcrossDirectoriesIsRefused() {
        vfs.mkdirs("d");
        writeFile("a", "x");
        assertThatThrownBy(() -> vfs.rename("missing", "b")).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining("rename").hasMessageContaining(vfs.location("missing"));
        assertThatThrownBy(() -> vfs.rename("a", "d/a")).isInstanceOf(IllegalArgumentException.class);
        writeFile("d/f", "y");
        vfs.rename("d/f", "d/g");
        assertThat(vfs.list("d")).containsExactly("g");
        assertThat(vfs.list("")).containsExactly("a", "d");
    }

    @Test
    void deleteSaysWhetherSomethingWasThere() {
        writeFile("a", "x");
        vfs.mkdirs("d/e");
        assertThat(vfs.delete("a")).isTrue();
        assertThat(vfs.delete("a")).isFalse();
        assertThatThrownBy(() -> vfs.delete("d")).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining(vfs.location("d"));
        assertThat(vfs.delete("d/e")).isTrue();
        assertThat(vfs.delete("d")).isTrue();
        assertThat(vfs.list("")).isEmpty();
    }

    @Test
    void listIsSortedAndFailsOnMissingDirectoriesAndFiles() {
        for (String n : new String[] {"b", "a", "c.log", "B"}) {
            writeFile(n, n);
        }
        vfs.mkdirs("dir");
        assertThat(vfs.list("")).containsExactly("B", "a", "b", "c.log", "dir");
        assertThat(vfs.list("dir")).isEmpty();
        assertThatThrownBy(() -> vfs.list("missing")).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining(vfs.location("missing"));
        assertThatThrownBy(() -> vfs.list("a")).isExactlyInstanceOf(StorageIOException.class);
    }

    @Test
    void mkdirsMakesParentsAndIsIdempotent() {
        vfs.mkdirs("a/b/c");
        vfs.mkdirs("a/b/c");
        vfs.mkdirs("");
        assertThat(vfs.isDirectory("a/b")).isTrue();
        assertThat(vfs.isDirectory("")).isTrue();
        assertThat(vfs.exists("")).isTrue();
        writeFile("f", "x");
        assertThatThrownBy(() -> vfs.mkdirs("f")).isExactlyInstanceOf(StorageIOException.class);
        assertThatThrownBy(() -> vfs.mkdirs("f/g")).isExactlyInstanceOf(StorageIOException.class);
        vfs.syncDirectory("");
        vfs.syncDirectory("a/b");
        assertThatThrownBy(() -> vfs.syncDirectory("missing")).isExactlyInstanceOf(StorageIOException.class);
    }

    @Test
    void aSecondLockIsRefusedUntilTheFirstIsClosed() {
        VfsLock first = vfs.lock("LOCK");
        assertThat(first.isHeld()).isTrue();
        assertThat(vfs.exists("LOCK")).isTrue();
        assertThatThrownBy(() -> vfs.lock("LOCK")).isExactlyInstanceOf(StorageIOException.class)
                .hasMessageContaining("locked already").hasMessageContaining(vfs.location("LOCK"));
        VfsLock other = vfs.lock("OTHER");
        other.close();
        first.close();
        first.close();
        assertThat(first.isHeld()).isFalse();
        try (VfsLock again = vfs.lock("LOCK")) {
            assertThat(again.isHeld()).isTrue();
        }
        assertThat(vfs.exists("LOCK")).isTrue();
    }

    @Test
    void malformedNamesAreArgumentErrors() {
        for (String bad : new String[] {"", "/a", "a/", "a//b", "..", "a/../b", ".", "a\\b"}) {
            assertThatThrownBy(() -> vfs.create(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> vfs.delete(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
        assertThatThrownBy(() -> vfs.openRead(null)).isInstanceOf(NullPointerException.class);
        assertThatThrownBy(() -> vfs.list("../x")).isInstanceOf(IllegalArgumentException.class);
    }

    private static String text(ByteBuffer b) {
        byte[] got = new byte[b.remaining()];
        b.get(b.position(), got);
        return new String(got, UTF_8);
    }

    @Test
    void mapGivesARegionWhoseUsesAreReadOnlyViewsAndRefusesRangesPastTheEnd() {
        writeFile("m", "0123456789");
        try (VfsFile f = vfs.openRead("m")) {
            try (MappedRegion region = f.map(2, 5)) {
                assertThat(region.name()).isEqualTo("m");
                assertThat(region.length()).isEqualTo(5);
                ByteBuffer view = region.bytes(0, 5);
                assertThat(view.isReadOnly()).isTrue();
                assertThat(view.position()).isZero();
                assertThat(view.remaining()).isEqualTo(5);
                assertThat(view.order()).isEqualTo(java.nio.ByteOrder.BIG_ENDIAN);
                assertThat(text(view)).isEqualTo("23456");
                assertThat(text(region.bytes(1, 3))).isEqualTo("345");
                assertThat(region.bytes(5, 0).remaining()).isZero();
                assertThatThrownBy(() -> region.bytes(3, 3)).isInstanceOf(IllegalArgumentException.class)
                        .hasMessageContaining("5-byte");
                assertThatThrownBy(() -> region.bytes(-1, 1)).isInstanceOf(IllegalArgumentException.class);
                assertThatThrownBy(() -> region.bytes(0, -1)).isInstanceOf(IllegalArgumentException.class);
            }
            try (MappedRegion empty = f.map(10, 0)) {
                assertThat(empty.bytes(0, 0).remaining()).isZero();
            }
            assertThatThrownBy(() -> f.map(8, 3)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("10 bytes");
            assertThatThrownBy(() -> f.map(-1, 1)).isInstanceOf(IllegalArgumentException.class);
            assertThatThrownBy(() -> f.map(0, -1)).isInstanceOf(IllegalArgumentException.class);
        }
        VfsFile closed = vfs.openRead("m");
        closed.close();
        assertThatThrownBy(() -> closed.map(0, 1)).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void aClosedRegionRefusesUsesAndClosesTwice() {
        writeFile("m", "0123456789");
        try (VfsFile f = vfs.openRead("m")) {
            MappedRegion region = f.map(0, 10);
            region.close();
            region.close();
            assertThatThrownBy(() -> region.bytes(0, 1)).isInstanceOf(IllegalStateException.class);
            try (MappedRegion again = f.map(0, 10)) {
                assertThat(text(again.bytes(0, 10))).isEqualTo("0123456789");
            }
        }
    }

    @Test
    void eachUseOfARegionSeesTheFileAsItIsNow() {
        writeFile("m", "0123456789");
        try (VfsFile f = vfs.openRead("m"); MappedRegion region = f.map(0, 10)) {
            assertThat(text(region.bytes(0, 10))).isEqualTo("0123456789");
            try (VfsFile w = vfs.openWrite("m")) {
                w.write(3, ByteBuffer.wrap("xyz".getBytes(UTF_8)));
            }
            assertThat(text(region.bytes(0, 10))).isEqualTo("012xyz6789");
        }
    }

    @Test
    void aUseOfARegionTheFileNoLongerHoldsIsAStorageIOExceptionNamingTheFile() {
        writeFile("m", "0123456789");
        try (VfsFile f = vfs.openRead("m"); MappedRegion region = f.map(0, 10)) {
            try (VfsFile w = vfs.openWrite("m")) {
                w.truncate(0);
            }
            assertThatThrownBy(() -> region.bytes(0, 10)).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining(vfs.location("m"));
        }
    }

    @Test
    void largeWritesAndReadsAreWhole() {
        byte[] data = new byte[300_000];
        for (int i = 0; i < data.length; i++) {
            data[i] = (byte) (i * 31 + 7);
        }
        try (VfsFile f = vfs.create("big")) {
            f.append(ByteBuffer.wrap(data));
            f.forceData();
        }
        assertThat(Arrays.equals(readAll(vfs, "big"), data)).isTrue();
    }
}
