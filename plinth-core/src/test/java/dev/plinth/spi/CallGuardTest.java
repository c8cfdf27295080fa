package dev.plinth.spi;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.StoreClosedException;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

class CallGuardTest {
    @Test
    void callsAfterCloseAreTurnedAwayWithTheGuardsException() {
        CallGuard guard = new CallGuard("mem:test");
        guard.enter();
        guard.exit();
        assertThat(guard.closeAndDrain()).isTrue();
        assertThat(guard.isClosed()).isTrue();
        assertThatThrownBy(guard::enter).isInstanceOf(StoreClosedException.class).hasMessage("store mem:test is closed");
        assertThatThrownBy(guard::checkOpen).isInstanceOf(StoreClosedException.class);
        assertThat(guard.tryEnter()).isFalse();
        assertThat(guard.closeAndDrain()).as("a second close is not the closer").isFalse();
    }

    @Test
    void closeWaitsForTheCallInProgressAndKeepsWaitingWhenInterrupted() throws Exception {
        CallGuard guard = new CallGuard(() -> new IllegalStateException("snapshot is closed"));
        guard.enter();
        CountDownLatch closing = new CountDownLatch(1);
        AtomicBoolean closedWhileCallRan = new AtomicBoolean();
        AtomicBoolean interruptKept = new AtomicBoolean();
        AtomicBoolean callEnded = new AtomicBoolean();
        Thread closer = new Thread(() -> {
            closing.countDown();
            guard.closeAndDrain();
            closedWhileCallRan.set(!callEnded.get());
            interruptKept.set(Thread.currentThread().isInterrupted());
        });
        closer.start();
        closing.await();
        while (!guard.isClosed()) {
            Thread.onSpinWait();
        }
        assertThat(guard.tryEnter()).as("new calls are refused while close waits").isFalse();
        closer.interrupt();
        assertThat(closer.isAlive()).isTrue();
        Thread.sleep(20); // give an early return the chance to show; the assertion below does not depend on time
        callEnded.set(true);
        guard.exit();
        closer.join(TimeUnit.SECONDS.toMillis(30));
        assertThat(closer.isAlive()).isFalse();
        assertThat(closedWhileCallRan).as("close returned before the call in progress ended").isFalse();
        assertThat(interruptKept).as("the interrupt is restored").isTrue();
    }
}
