package dev.plinth.lsm.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.Store;
import dev.plinth.StoreClosedException;
import dev.plinth.spi.EngineBatch;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.testkit.io.MemVfs;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import org.junit.jupiter.api.Test;

/**
 * Review of lsm18: writes and flushes racing {@code close()} end in success or a clear "closed" error, never a
 * {@code NullPointerException} (the close used to null the log field while calls that had passed their open check
 * still waited on it).
 */
class LsmCloseRaceTest {
    @Test
    void callsRacingCloseSucceedOrSayTheStoreIsClosed() throws Exception {
        ConcurrentLinkedQueue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
        for (int round = 0; round < 150; round++) {
            MemVfs disk = new MemVfs(round);
            LsmEngine e = LsmEngine.open("lsm-close-race", disk, LsmPowerLossTest.SMALL, true);
            EngineKeyspace ks = e.keyspace(Store.DEFAULT_KEYSPACE);
            CountDownLatch started = new CountDownLatch(3);
            int r = round;
            List<Thread> threads = List.of(
                    new Thread(() -> loop(started, unexpected, e::flush)),
                    new Thread(() -> loop(started, unexpected, () -> put(e, ks, r, 1))),
                    new Thread(() -> loop(started, unexpected, () -> put(e, ks, r, 2))));
            threads.forEach(Thread::start);
            started.await();
            Thread.sleep(1);
            e.close();
            for (Thread t : threads) {
                t.join();
            }
        }
        assertThat(unexpected).as("exceptions other than a closed store").isEmpty();
    }

    private static void put(LsmEngine e, EngineKeyspace ks, int round, int writer) {
        byte[] k = ("k" + round + "-" + writer + "-" + System.nanoTime()).getBytes(StandardCharsets.UTF_8);
        e.apply(EngineBatch.builder(Durability.PROCESS).put(ks, k, k).build());
    }

    private static void loop(CountDownLatch started, ConcurrentLinkedQueue<Throwable> unexpected, Runnable call) {
        started.countDown();
        try {
            while (true) {
                call.run();
            }
        } catch (StoreClosedException expected) {
            // the close came first
        } catch (IllegalStateException expected) {
            if (!String.valueOf(expected.getMessage()).contains("closed")) {
                unexpected.add(expected);
            }
        } catch (Throwable t) {
            unexpected.add(t);
        }
    }
}
