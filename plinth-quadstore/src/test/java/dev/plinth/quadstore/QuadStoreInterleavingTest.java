package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.util.concurrent.atomic.AtomicReference;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;

/**
 * Two quad stores on one store, with the other writer's work placed exactly between one writer's presence
 * check and its batch: the count must stay exact. Found by the concurrent-writers contract test, which hit
 * this interleaving about once in a few hundred runs.
 */
class QuadStoreInterleavingTest {
    private static Node iri(String s) {
        return NodeFactory.createURI("http://example.org/" + s);
    }

    private static final Quad Q = Quad.create(iri("g"), iri("s1"), iri("p"), iri("o"));
    private static final Quad R = Quad.create(iri("g"), iri("s2"), iri("p"), iri("o"));

    /**
     * The store as seen by one writer: before its next batch is written, {@code beforeWrite} runs once (as
     * another writer would, between this writer's reads and its write).
     */
    private static Store interceptingWrites(Store store, AtomicReference<Runnable> beforeWrite) {
        return (Store) Proxy.newProxyInstance(Store.class.getClassLoader(), new Class<?>[] {Store.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("write") && args != null && args.length >= 1
                            && args[0] instanceof WriteBatch) {
                        Runnable hook = beforeWrite.getAndSet(null);
                        if (hook != null) {
                            hook.run();
                        }
                    }
                    try {
                        return method.invoke(store, args);
                    } catch (InvocationTargetException e) {
                        throw e.getCause();
                    }
                });
    }

    @Test
    void anotherWriterRestoringTheSameNextIdAndCountStillForcesARecheck() {
        try (Store store = Plinth.open("mem:")) {
            AtomicReference<Runnable> hook = new AtomicReference<>();
            QuadStore other = QuadStore.on(store);
            QuadStore writer = QuadStore.on(interceptingWrites(store, hook));
            // Every term of Q and R in the dictionary, Q absent, R present: the state is (next id N, count 1).
            assertThat(other.add(Q)).isTrue();
            assertThat(other.remove(Q)).isTrue();
            assertThat(other.add(R)).isTrue();

            // Between the writer's "Q is absent" and its batch, the other writer adds Q and removes R: next id
            // and count are back to (N, 1), yet Q is now present.
            hook.set(() -> {
                assertThat(other.add(Q)).isTrue();
                assertThat(other.remove(R)).isTrue();
            });
            assertThat(writer.add(Q)).as("Q was added by the other writer first").isFalse();

            assertThat(writer.size()).isEqualTo(1).isEqualTo(other.size());
            assertThat(writer.contains(Q)).isTrue();
            assertThat(writer.contains(R)).isFalse();

            // The same interleaving for a remove: R re-added and Q removed by the other writer before the
            // writer's batch removing Q.
            hook.set(() -> {
                assertThat(other.add(R)).isTrue();
                assertThat(other.remove(Q)).isTrue();
            });
            assertThat(writer.remove(Q)).as("Q was removed by the other writer first").isFalse();
            assertThat(writer.size()).isEqualTo(1).isEqualTo(other.size());
            assertThat(writer.contains(R)).isTrue();
        }
    }
}
