package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.junit.jupiter.api.Test;

class RecentTermsTest {
    @Test
    void anIdIsFoundOnlyUntilAnotherIdTakesItsSlot() {
        RecentTerms recent = new RecentTerms();
        assertThat(recent.get(0)).isNull(); // an empty slot holds id 0 and no term
        Node a = NodeFactory.createURI("http://example.org/a");
        recent.put(17, a);
        assertThat(recent.get(17)).isSameAs(a);
        long other = 18;
        while (!sharesSlot(other, 17)) {
            other++;
        }
        assertThat(recent.get(other)).as("an id in the same slot that was never put").isNull();
        Node b = NodeFactory.createURI("http://example.org/b");
        recent.put(other, b);
        assertThat(recent.get(other)).isSameAs(b);
        assertThat(recent.get(17)).as("evicted").isNull();
    }

    /** Whether two ids map to one slot: the second evicts the first. */
    private static boolean sharesSlot(long x, long y) {
        RecentTerms t = new RecentTerms();
        Node n = NodeFactory.createURI("http://example.org/x");
        t.put(x, n);
        t.put(y, NodeFactory.createURI("http://example.org/y"));
        return t.get(x) == null;
    }
}
