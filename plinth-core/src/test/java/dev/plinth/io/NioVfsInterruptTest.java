package dev.plinth.io;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StorageIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An interrupted thread neither fails a {@link NioVfs} handle nor loses its interrupt: the JDK closes a
 * {@code FileChannel} on an interrupt, and a store whose log handle failed that way would fail as a whole.
 */
class NioVfsInterruptTest {
    private static final int BLOCK = 1 << 20;

    @TempDir
    Path dir;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static ByteBuffer bytes(String text) {
        return ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8));
    }

    private static String read(VfsFile file, long position, int length) {
        ByteBuffer dst = ByteBuffer.allocate(length);
        int n = file.read(position, dst);
        return new String(dst.array(), 0, n, StandardCharsets.UTF_8);
    }

    private static String mapped(MappedRegion region, int length) {
        return StandardCharsets.UTF_8.decode(region.bytes(0, length)).toString();
    }

    @Test
    void everyOperationOfAnInterruptedThreadWorksAndKeepsTheInterrupt() {
        NioVfs vfs = NioVfs.at(dir);
        vfs.mkdirs("d");
        Thread.currentThread().interrupt();
        try (VfsLock lock = vfs.lock("LOCK"); VfsFile file = vfs.create("d/f")) {
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
            file.write(0, bytes("hello"));
            assertThat(file.append(bytes(" world"))).isEqualTo(5);
            file.force();
            file.forceData();
            assertThat(file.size()).isEqualTo(11);
            assertThat(read(file, 0, 11)).isEqualTo("hello world");
            file.preallocate(20);
            file.truncate(11);
            try (MappedRegion region = file.map(6, 5)) {
                assertThat(mapped(region, 5)).isEqualTo("world");
            }
            vfs.syncDirectory("d");
            try (VfsFile reader = vfs.openRead("d/f")) {
                assertThat(read(reader, 0, 5)).isEqualTo("hello");
                reader.force();
            }
            assertThat(lock.isHeld()).isTrue();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        }
        assertThat(Thread.interrupted()).isTrue();
    }

    /**
     * Threads interrupted over and over while they write and read 1 MiB blocks through one handle: every call
     * returns its full count, the reader sees only whole blocks, and the file ends up as written.
     */
    @Test
    void interruptsDuringWritesAndReadsNeitherFailNorChangeAnyResult() throws Exception {
        NioVfs vfs = NioVfs.at(dir);
        int blocks = 32;
        try (VfsFile file = vfs.create("f")) {
            byte[] fixed = new byte[BLOCK];
            Arrays.fill(fixed, (byte) 0x5a);
            file.write(0, ByteBuffer.wrap(fixed)); // block 0 never changes: the reader checks it
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int round = 0; round < 4; round++) {
                        for (int b = 1; b < blocks; b++) {
                            byte[] block = new byte[BLOCK];
                            Arrays.fill(block, (byte) (b + round));
                            file.write((long) b * BLOCK, ByteBuffer.wrap(block));
                            if (b % 8 == 0) {
                                file.forceData();
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "interrupted-writer");
            Thread reader = new Thread(() -> {
                ByteBuffer dst = ByteBuffer.allocate(BLOCK);
                try {
                    while (!done.get()) {
                        dst.clear();
                        int n = file.read(0, dst);
                        if (n != BLOCK || dst.position() != BLOCK || !Arrays.equals(dst.array(), fixed)) {
                            throw new AssertionError("read returned " + n + " at buffer position " + dst.position()
                                    + (Arrays.equals(dst.array(), fixed) ? "" : ", other bytes than written"));
                        }
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "interrupted-reader");
            writer.start();
            reader.start();
            while (writer.isAlive()) {
                writer.interrupt();
                reader.interrupt();
                Thread.onSpinWait();
            }
            done.set(true);
            reader.join();
            assertThat(failure.get()).isNull();
            for (int b = 1; b < blocks; b++) {
                ByteBuffer dst = ByteBuffer.allocate(BLOCK);
                assertThat(file.read((long) b * BLOCK, dst)).isEqualTo(BLOCK);
                byte[] expected = new byte[BLOCK];
                Arrays.fill(expected, (byte) (b + 3));
                assertThat(Arrays.equals(dst.array(), expected)).as("block %d", b).isTrue();
            }
        }
    }

    @Test
    void aHandleOfADeletedFileStillReadsAndWrites() {
        NioVfs vfs = NioVfs.at(dir);
        try (VfsFile file = vfs.create("f")) {
            file.write(0, bytes("kept"));
            vfs.delete("f");
            try (VfsFile other = vfs.create("g")) {
                other.write(0, bytes("other file"));
            }
            Thread.currentThread().interrupt();
            file.append(bytes(" alive"));
            file.force();
            assertThat(read(file, 0, 10)).isEqualTo("kept alive");
        }
    }

    @Test
    void aFileRenamedWithinItsDirectoryIsMappedByItsIdentity() {
        NioVfs vfs = NioVfs.at(dir);
        vfs.mkdirs("d");
        try (VfsFile other = vfs.create("d/a-other")) {
            other.write(0, bytes("not me"));
        }
        try (VfsFile file = vfs.create("d/open-segment")) {
            file.write(0, bytes("entries"));
            vfs.rename("d/open-segment", "d/closed-segment");
            try (MappedRegion region = file.map(0, 7)) {
                assertThat(mapped(region, 7)).isEqualTo("entries");
            }
            assertThat(file.toString()).endsWith("closed-segment");
        }
    }

    @Test
    void aFileDeletedOrReplacedUnderItsNameIsNotMappedAndNoOtherFileIs() {
        NioVfs vfs = NioVfs.at(dir);
        try (VfsFile file = vfs.create("f")) {
            file.write(0, bytes("old"));
            vfs.delete("f");
            assertThatThrownBy(() -> file.map(0, 3)).isExactlyInstanceOf(StorageIOException.class)
                    .hasMessageContaining("cannot map " + dir.resolve("f"))
                    .hasMessageContaining("it was deleted, or moved out of its directory");
            try (VfsFile replacement = vfs.create("f")) {
                replacement.write(0, bytes("new"));
            }
            assertThatThrownBy(() -> file.map(0, 3)).isExactlyInstanceOf(StorageIOException.class)
                    .hasMessageContaining("it was deleted, or moved out of its directory");
            assertThat(read(file, 0, 3)).isEqualTo("old");
        }
    }

    @Test
    void aClosedHandleRefusesEveryCall() {
        VfsFile file = NioVfs.at(dir).create("f");
        file.close();
        file.close();
        assertThatThrownBy(() -> file.write(0, bytes("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThatThrownBy(() -> file.map(0, 0)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(file::force).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void closingAFileWhileAnotherThreadReadsEndsThatReadWithAClearError() throws Exception {
        VfsFile file = NioVfs.at(dir).create("f");
        file.write(0, ByteBuffer.wrap(new byte[BLOCK]));
        AtomicReference<Throwable> seen = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                while (true) {
                    file.read(0, ByteBuffer.allocate(BLOCK));
                }
            } catch (Throwable t) {
                seen.set(t);
            }
        });
        reader.start();
        Thread.sleep(20);
        file.close();
        reader.join();
        assertThat(seen.get()).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(dir.resolve("f").toString());
    }
}
