package dev.plinth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class WriteBatchTest {
    private final Store store = Plinth.open("mem:");
    private final Keyspace ks = store.defaultKeyspace();

    @AfterEach
    void close() {
        store.close();
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void operationsDoNotExposeTheBatchsArrays() {
        WriteBatch batch = new WriteBatch().put(ks, b("k"), b("v")).requireEquals(ks, b("c"), b("x"));
        WriteBatch.Operation put = batch.operations().get(0);
        put.key()[0] = 'z';
        put.value()[0] = 'z';
        batch.operations().get(1).value()[0] = 'z';
        assertThat(put.key()).isEqualTo(b("k"));
        assertThat(put.value()).isEqualTo(b("v"));
        assertThat(batch.operations().get(1).value()).isEqualTo(b("x"));
        ks.put(b("c"), b("x"));
        assertThat(store.write(batch)).isTrue();
        assertThat(ks.get(b("k"))).isEqualTo(b("v"));
        assertThat(ks.get(b("z"))).isNull();
    }

    @Test
    void aRangeDeleteHasARangeAndNoKey() {
        WriteBatch.Operation op = new WriteBatch().deleteRange(ks, Range.of(b("a"), b("c"))).operations().get(0);
        assertThat(op.range()).isEqualTo(Range.of(b("a"), b("c")));
        assertThatThrownBy(op::key).isInstanceOf(IllegalStateException.class);
        WriteBatch.Operation put = new WriteBatch().put(ks, b("a"), b("v")).operations().get(0);
        assertThatThrownBy(put::range).isInstanceOf(IllegalStateException.class);
    }

    @Test
    void theBatchAsksForTheStrongestDurabilityAnyWriteAskedFor() {
        WriteBatch batch = new WriteBatch().put(ks, b("a"), b("v"));
        assertThat(batch.durability()).as("none asked: the store's default").isNull();
        batch.delete(ks, b("b"), WriteOptions.durability(Durability.SYNC))
                .put(ks, b("c"), b("v"), WriteOptions.durability(Durability.PROCESS));
        assertThat(batch.durability()).isEqualTo(Durability.SYNC);
        assertThat(batch.clear().durability()).isNull();
    }

    @Test
    void aTimeToLiveOnADeleteIsRefusedWhenAdded() {
        WriteBatch batch = new WriteBatch();
        WriteOptions ttl = WriteOptions.ttl(Duration.ofSeconds(1));
        assertThatThrownBy(() -> batch.delete(ks, b("a"), ttl)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("time to live applies to puts only");
        assertThatThrownBy(() -> batch.deleteRange(ks, Range.all(), ttl))
                .isInstanceOf(IllegalArgumentException.class);
        assertThat(batch.isEmpty()).isTrue();
    }

    @Test
    void aBatchOnMemWithADurabilityMemDoesNotHonourChangesNothing() {
        WriteBatch batch = new WriteBatch().put(ks, b("a"), b("v"))
                .put(ks, b("b"), b("v"), WriteOptions.durability(Durability.SYNC));
        assertThatThrownBy(() -> store.write(batch)).isInstanceOf(UnsupportedCapabilityException.class);
        assertThat(ks.get(b("a"))).isNull();
    }
}
