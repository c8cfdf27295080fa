package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The dictionary's many-ids read ({@link TermDictionary#nodes}) gives what reading each id alone gives. */
class TermDictionaryTest {
    private Store store;
    private TermDictionary dictionary;
    private final List<Node> terms = new ArrayList<>();
    private final List<Long> ids = new ArrayList<>();

    @BeforeEach
    void fill() {
        store = Plinth.open("mem:");
        // No cache: every read goes to the store.
        dictionary = new TermDictionary(store.uri(), store.createKeyspace("ids"), store.createKeyspace("terms"), 0);
        WriteBatch batch = new WriteBatch();
        TermDictionary.Pending pending = new TermDictionary.Pending(batch, TermCodec.FIRST_DICTIONARY_ID,
                WriteOptions.DEFAULT);
        for (int i = 0; i < 200; i++) {
            Node n = i % 3 == 0 ? NodeFactory.createURI("http://example.org/t" + i)
                    : i % 3 == 1 ? NodeFactory.createLiteralString("a literal of the dictionary " + i)
                    : NodeFactory.createLiteralLang("mot " + i, "fr");
            terms.add(n);
            ids.add(dictionary.idForWrite(n, pending));
        }
        store.write(batch);
        dictionary.committed(pending);
    }

    @AfterEach
    void close() {
        store.close();
    }

    private void assertNodesMatch(long[] wanted) {
        Node[] out = new Node[wanted.length];
        dictionary.nodes(wanted, wanted.length, out);
        for (int i = 0; i < wanted.length; i++) {
            assertThat(out[i]).as("id %d", wanted[i]).isEqualTo(dictionary.node(wanted[i]));
        }
    }

    @Test
    void denseSparseRepeatedAndInlineIdsResolveAsOneByOne() {
        Random rnd = new Random(11);
        long inline = TermCodec.inlineId(NodeFactory.createLiteralDT("42", XSDDatatype.XSDinteger));
        for (int round = 0; round < 50; round++) {
            int n = 1 + rnd.nextInt(40);
            long[] wanted = new long[n];
            int from = rnd.nextInt(ids.size());
            int spread = round % 2 == 0 ? 2 : 60; // close together (one range read) or far apart (reads each)
            for (int i = 0; i < n; i++) {
                int pick = rnd.nextInt(10) == 0 ? -1 : Math.min(ids.size() - 1, from + rnd.nextInt(spread));
                wanted[i] = pick < 0 ? (rnd.nextBoolean() ? inline : TermCodec.DEFAULT_GRAPH_ID) : ids.get(pick);
            }
            assertNodesMatch(wanted);
        }
        assertThat(dictionary.node(TermCodec.DEFAULT_GRAPH_ID)).isEqualTo(Quad.defaultGraphIRI);
        assertThat(dictionary.node(ids.get(5))).isEqualTo(terms.get(5));
    }

    @Test
    void anIdTheDictionaryLacksIsCorruptionOnEitherPath() {
        long absent = ids.get(ids.size() - 1) + 5;
        assertThatThrownBy(() -> dictionary.nodes(new long[] {absent}, 1, new Node[1]))
                .isInstanceOf(CorruptionException.class).hasMessageContaining(store.uri())
                .hasMessageContaining("term id " + absent);
        long[] range = {ids.get(190), ids.get(191), ids.get(192), absent, ids.get(193)};
        assertThatThrownBy(() -> dictionary.nodes(range, range.length, new Node[range.length]))
                .isInstanceOf(CorruptionException.class).hasMessageContaining("term id " + absent);
    }
}
