package dev.plinth.lsm;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A caller's interrupted thread does not fail the store: on the real file system the JDK closes a file channel
 * when its thread is interrupted, which used to fail the log and with it every later write of the store.
 */
class LsmInterruptTest {
    @TempDir
    Path dir;

    @AfterEach
    void clearInterrupt() {
        Thread.interrupted();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void syncWritesFlushesAndCloseOfAnInterruptedThreadSucceedAndKeepTheInterrupt() {
        String uri = "lsm:" + dir.resolve("store") + "?memtableSize=8k";
        try (Store store = Plinth.open(uri)) {
            Thread.currentThread().interrupt();
            for (int i = 0; i < 300; i++) {
                store.defaultKeyspace().put(b("k" + i), b("value " + i + " ".repeat(60)),
                        WriteOptions.durability(Durability.SYNC));
                assertThat(Thread.currentThread().isInterrupted()).isTrue();
            }
            store.flush();
            assertThat(Thread.currentThread().isInterrupted()).isTrue();
        }
        assertThat(Thread.interrupted()).isTrue();
        try (Store store = Plinth.open(uri)) {
            for (int i = 0; i < 300; i++) {
                assertThat(store.defaultKeyspace().get(b("k" + i))).isEqualTo(b("value " + i + " ".repeat(60)));
            }
            store.defaultKeyspace().put(b("after"), b("reopen"), WriteOptions.durability(Durability.SYNC));
        }
    }
}
