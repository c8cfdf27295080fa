package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.concurrent.atomic.AtomicReference;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.junit.jupiter.api.Test;

/** The id-to-term table gives an id's own term or nothing, never the term of another id of its slot. */
class IdTermCacheTest {
    private static Node term(long id) {
        return NodeFactory.createURI("http://example.org/t" + id);
    }

    @Test
    void sizesRoundDownToAPowerOfTwoAndZeroCachesNothing() {
        assertThat(new IdTermCache(500_000).capacity()).isEqualTo(1 << 18);
        assertThat(new IdTermCache(1 << 19).capacity()).isEqualTo(1 << 19);
        assertThat(new IdTermCache(3).capacity()).isEqualTo(2);
        assertThat(new IdTermCache(1).capacity()).isEqualTo(1);
        assertThat(new IdTermCache(Long.MAX_VALUE).capacity()).isEqualTo(IdTermCache.MAX_SLOTS);
        IdTermCache none = new IdTermCache(0);
        none.put(7, term(7));
        assertThat(none.get(7)).isNull();
    }

    @Test
    void anIdIsFoundUntilAnotherIdOfItsSlotReplacesIt() {
        IdTermCache cache = new IdTermCache(8);
        for (long id = 1; id <= 8; id++) {
            cache.put(id, term(id));
        }
        for (long id = 1; id <= 8; id++) {
            assertThat(cache.get(id)).as("id %d", id).isEqualTo(term(id));
        }
        cache.put(9, term(9)); // the slot of id 1
        assertThat(cache.get(1)).as("replaced: must miss, not give id 9's term").isNull();
        assertThat(cache.get(9)).isEqualTo(term(9));
        assertThat(cache.get(17)).as("never cached, same slot").isNull();
        assertThat(cache.get(2)).isEqualTo(term(2));
        cache.clear();
        assertThat(cache.get(2)).isNull();
        assertThat(cache.get(9)).isNull();
    }

    @Test
    void readersRacingAWriterOfOneSlotSeeOnlyTheTermOfTheIdTheyAskFor() throws Exception {
        IdTermCache cache = new IdTermCache(4);
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Thread reader = new Thread(() -> {
            try {
                for (int i = 0; i < 200_000; i++) {
                    long id = 1 + 4L * (i % 3); // 1, 5, 9: all slot 1
                    Node found = cache.get(id);
                    if (found != null && !found.equals(term(id))) {
                        throw new AssertionError("id " + id + " gave " + found);
                    }
                }
            } catch (Throwable t) {
                failure.set(t);
            }
        });
        reader.start();
        for (int i = 0; i < 200_000; i++) {
            long id = 1 + 4L * (i % 3);
            cache.put(id, term(id));
        }
        reader.join();
        assertThat(failure.get()).isNull();
    }
}
