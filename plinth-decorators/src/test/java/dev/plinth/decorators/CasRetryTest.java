package dev.plinth.decorators;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Store;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Read-modify-compare-and-set with bounded, jittered retry; no test sleeps. */
class CasRetryTest {
    private final List<Long> slept = Collections.synchronizedList(new ArrayList<>());

    private CasRetry.Builder retry() {
        return CasRetry.builder().seed(42).sleeper(slept::add);
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] plusOne(byte[] old) {
        int n = old == null ? 0 : Integer.parseInt(new String(old, StandardCharsets.UTF_8));
        return b(Integer.toString(n + 1));
    }

    @Test
    void racingIncrementsLoseNothing() throws Exception {
        CasRetry retry = retry().maxAttempts(10_000).build();
        try (Store store = Plinth.open("mem:")) {
            Keyspace ks = store.defaultKeyspace();
            ExecutorService pool = Executors.newFixedThreadPool(4);
            try {
                List<Future<?>> fs = new ArrayList<>();
                for (int t = 0; t < 4; t++) {
                    fs.add(pool.submit(() -> {
                        for (int i = 0; i < 250; i++) {
                            retry.update(ks, b("counter"), CasRetryTest::plusOne);
                        }
                    }));
                }
                for (Future<?> f : fs) {
                    f.get(120, TimeUnit.SECONDS);
                }
            } finally {
                pool.shutdownNow();
            }
            assertThat(new String(ks.get(b("counter")), StandardCharsets.UTF_8)).isEqualTo("1000");
        }
    }

    @Test
    void insertsWhenAbsentDeletesOnNullAndSkipsAnUnchangedValue() {
        CasRetry retry = retry().build();
        try (Store store = Plinth.open("mem:")) {
            Keyspace ks = store.defaultKeyspace();
            assertThat(retry.update(ks, b("k"), CasRetryTest::plusOne)).isEqualTo(b("1"));
            assertThat(retry.update(ks, b("k"), old -> old)).isEqualTo(b("1"));
            assertThat(retry.update(ks, b("k"), old -> null)).isNull();
            assertThat(ks.get(b("k"))).isNull();
            assertThat(slept).isEmpty();
        }
    }

    @Test
    void givesUpAfterTheLastAttemptWithBackoffsUnderTheirCaps() {
        CasRetry retry = retry().maxAttempts(4).baseDelay(Duration.ofMillis(10)).maxDelay(Duration.ofMillis(15))
                .build();
        try (Store store = Plinth.open("mem:")) {
            Keyspace ks = store.defaultKeyspace();
            AtomicInteger calls = new AtomicInteger();
            assertThatThrownBy(() -> retry.update(ks, b("hot"), old -> {
                ks.put(b("hot"), b("other writer " + calls.incrementAndGet())); // always loses the race
                return b("mine");
            }))
                    .isInstanceOf(ConflictException.class)
                    .hasMessageContaining("\"hot\"")
                    .hasMessageContaining("mem:")
                    .hasMessageContaining("4 times");
            assertThat(calls.get()).isEqualTo(4);
            assertThat(new String(ks.get(b("hot")), StandardCharsets.UTF_8)).isEqualTo("other writer 4");
            assertThat(slept).hasSizeLessThanOrEqualTo(3);
            List<Long> caps = List.of(10_000_000L, 15_000_000L, 15_000_000L);
            for (int i = 0; i < slept.size(); i++) {
                assertThat(slept.get(i)).isBetween(1L, caps.get(i));
            }
        }
    }
}
