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
                assertThat(StandardCharsets.UTF_8.decode(region.bytes(0, 5)).toString()).isEqualTo("world");
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

    @Test
    void aChannelClosedUnderTheHandleIsReopenedAndTheOperationRepeated() throws Exception {
        NioVfs vfs = NioVfs.at(dir);
        try (VfsFile file = vfs.create("f")) {
            NioVfsFile nio = (NioVfsFile) file;
            file.write(0, bytes("abc"));
            nio.closeChannelAsAnInterruptWould();
            file.write(3, bytes("def"));
            assertThat(nio.reopens()).isEqualTo(1);
            nio.closeChannelAsAnInterruptWould();
            assertThat(read(file, 0, 6)).isEqualTo("abcdef");
            assertThat(nio.reopens()).isEqualTo(2);
            file.force();
        }
        assertThat(Files.readString(dir.resolve("f"))).isEqualTo("abcdef");
    }

    @Test
    void aFileRenamedWithinItsDirectoryIsFoundByItsIdentity() throws Exception {
        NioVfs vfs = NioVfs.at(dir);
        vfs.mkdirs("d");
        try (VfsFile other = vfs.create("d/other")) {
            other.write(0, bytes("not me"));
        }
        try (VfsFile file = vfs.create("d/open-segment")) {
            file.write(0, bytes("entries"));
            vfs.rename("d/open-segment", "d/closed-segment");
            ((NioVfsFile) file).closeChannelAsAnInterruptWould();
            file.append(bytes(" more"));
            assertThat(file.toString()).endsWith("closed-segment");
        }
        assertThat(Files.readString(dir.resolve("d/closed-segment"))).isEqualTo("entries more");
        assertThat(Files.readString(dir.resolve("d/other"))).isEqualTo("not me");
    }

    @Test
    void aFileReplacedUnderItsNameIsNotReopenedAndNothingIsWrittenToTheNewOne() throws Exception {
        NioVfs vfs = NioVfs.at(dir);
        try (VfsFile file = vfs.create("f")) {
            file.write(0, bytes("old"));
            vfs.delete("f");
            try (VfsFile replacement = vfs.create("f")) {
                replacement.write(0, bytes("new"));
            }
            ((NioVfsFile) file).closeChannelAsAnInterruptWould();
            assertThatThrownBy(() -> file.write(3, bytes("lost"))).isInstanceOf(StorageIOException.class)
                    .hasMessageContaining(dir.resolve("f").toString())
                    .satisfies(e -> assertThat(e.getSuppressed()[0])
                            .hasMessageContaining("could not be reopened after the interrupt: it was deleted or replaced"));
        }
        assertThat(Files.readString(dir.resolve("f"))).isEqualTo("new");
    }

    @Test
    void aClosedHandleIsNotReopened() throws Exception {
        VfsFile file = NioVfs.at(dir).create("f");
        file.close();
        assertThatThrownBy(() -> file.write(0, bytes("x"))).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("is closed");
        assertThat(((NioVfsFile) file).reopens()).isZero();
    }

    /**
     * Interrupts that land while a write is in the kernel close the channel for real; the handle reopens it and
     * repeats the write, and a reader of the same handle sees its channel closed under it and does the same.
     * Every byte ends up where it was written.
     */
    @Test
    void interruptsDuringWritesAndReadsLoseNothing() throws Exception {
        NioVfs vfs = NioVfs.at(dir);
        int blockSize = 1 << 20;
        int blocks = 48;
        try (VfsFile file = vfs.create("f")) {
            NioVfsFile nio = (NioVfsFile) file;
            AtomicBoolean done = new AtomicBoolean();
            AtomicReference<Throwable> failure = new AtomicReference<>();
            Thread writer = new Thread(() -> {
                try {
                    for (int round = 0; round < 8 && (round == 0 || nio.reopens() == 0); round++) {
                        for (int b = 0; b < blocks; b++) {
                            byte[] block = new byte[blockSize];
                            Arrays.fill(block, (byte) (b + round));
                            file.write((long) b * blockSize, ByteBuffer.wrap(block));
                            if (b % 8 == 7) {
                                file.forceData();
                            }
                        }
                    }
                } catch (Throwable t) {
                    failure.set(t);
                } finally {
                    done.set(true);
                }
            }, "interrupted-writer");
            Thread reader = new Thread(() -> {
                ByteBuffer dst = ByteBuffer.allocate(4096);
                try {
                    while (!done.get()) {
                        dst.clear();
                        file.read(0, dst);
                    }
                } catch (Throwable t) {
                    failure.compareAndSet(null, t);
                }
            }, "reader");
            writer.start();
            reader.start();
            while (!done.get()) {
                writer.interrupt();
                Thread.onSpinWait();
            }
            writer.join();
            reader.join();
            assertThat(failure.get()).isNull();
            assertThat(nio.reopens()).as("interrupts that closed the channel mid-write").isPositive();
            int lastRound = -1;
            ByteBuffer first = ByteBuffer.allocate(1);
            file.read(0, first);
            lastRound = first.get(0);
            for (int b = 0; b < blocks; b++) {
                ByteBuffer dst = ByteBuffer.allocate(blockSize);
                assertThat(file.read((long) b * blockSize, dst)).isEqualTo(blockSize);
                byte expected = (byte) (b + lastRound);
                for (int i = 0; i < blockSize; i++) {
                    if (dst.get(i) != expected) {
                        throw new AssertionError("block " + b + " byte " + i + " is " + dst.get(i) + ", not " + expected);
                    }
                }
            }
        }
    }
}
