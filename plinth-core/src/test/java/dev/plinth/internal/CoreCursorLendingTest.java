package dev.plinth.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.Store;
import dev.plinth.StoreOptions;
import dev.plinth.WriteOptions;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The store's cursors lend (see {@link CoreCursor}): {@link Cursor#keyView()} and {@link Cursor#valueView()}
 * return one reused read-only view each, not a new buffer per entry as the interface's copying default
 * does; the view holds the current entry's bytes, so a view kept past the next move holds another entry's
 * (which is why the API makes it valid only until then); and its bytes are the cursor's own, so a view read
 * after the store closed reads stale heap bytes rather than anything the engine freed.
 */
class CoreCursorLendingTest {
    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(ByteBuffer view) {
        byte[] out = new byte[view.remaining()];
        view.duplicate().get(out);
        return new String(out, StandardCharsets.UTF_8);
    }

    private static Store open(boolean checksums) {
        return StoreOptions.builder("mem:").param("checksums", Boolean.toString(checksums)).open();
    }

    @ParameterizedTest(name = "checksums={0}")
    @ValueSource(booleans = {false, true})
    void storeCursorsReuseOneViewForKeysAndOneForValues(boolean checksums) {
        try (Store store = open(checksums)) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("a"), b("1"));
            ks.put(b("b"), b("22"), WriteOptions.ttl(Duration.ofHours(1)));
            ks.put(b("c"), b("x".repeat(1000)));
            try (Cursor c = ks.cursor(Range.all())) {
                assertThat(c.next()).isTrue();
                ByteBuffer keyView = c.keyView();
                ByteBuffer valueView = c.valueView();
                assertThat(s(keyView)).isEqualTo("a");
                assertThat(s(valueView)).isEqualTo("1");
                assertThat(c.next()).isTrue();
                assertThat(c.keyView()).as("the same key view, lent again").isSameAs(keyView);
                assertThat(c.valueView()).as("the same value view, lent again").isSameAs(valueView);
                assertThat(s(keyView)).as("the kept view now holds the next entry").isEqualTo("b");
                assertThat(s(valueView)).isEqualTo("22");
                assertThat(c.next()).isTrue();
                assertThat(s(c.keyView())).isEqualTo("c");
                assertThat(s(c.valueView())).as("a value larger than the buffer grows it").isEqualTo("x".repeat(1000));
            }
        }
    }

    @Test
    void aViewKeptPastTheStoresCloseReadsTheCursorsOwnBytes() {
        ByteBuffer kept;
        try (Store store = open(true)) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("key"), b("value"));
            Cursor c = ks.cursor(Range.all());
            assertThat(c.next()).isTrue();
            kept = c.valueView();
        }
        assertThat(s(kept)).as("stale but safe: a copy in the cursor's own heap buffer").isEqualTo("value");
    }
}
