package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.keys.KeyWriter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.graph.NodeFactory;
import org.junit.jupiter.api.Test;

/**
 * The keys a sorted load writes from a run ({@link SortedLoader#sortedTuples} read through
 * {@link SortedLoader.TupleRun}) are, for every {@link IndexOrder}, the order's own keys
 * ({@link IndexOrder#key}) of the run's distinct quads in unsigned byte order, on ids shaped as the store makes
 * them: inline ids of small integers, booleans and short strings, dictionary ids 1 and
 * {@link TermCodec#MAX_DICTIONARY_ID}, the default graph 0, with repeated quads.
 */
class SortedTuplesKeyOrderTest {
    private static final long[] IDS = ids();

    private static long[] ids() {
        List<Long> ids = new ArrayList<>();
        ids.add(TermCodec.DEFAULT_GRAPH_ID);
        ids.add(TermCodec.FIRST_DICTIONARY_ID);
        ids.add(2L);
        ids.add(255L);
        ids.add(256L);
        ids.add(TermCodec.MAX_DICTIONARY_ID);
        ids.add(TermCodec.MAX_DICTIONARY_ID - 1);
        for (String v : new String[] {"0", "1", "-1", "7", "-300", "65536", "123456789"}) {
            ids.add(TermCodec.inlineId(NodeFactory.createLiteralDT(v, XSDDatatype.XSDinteger)));
        }
        ids.add(TermCodec.inlineId(NodeFactory.createLiteralDT("true", XSDDatatype.XSDboolean)));
        ids.add(TermCodec.inlineId(NodeFactory.createLiteralDT("false", XSDDatatype.XSDboolean)));
        for (String s : new String[] {"", "a", "b", "ab", "zzzzzzz", "é"}) {
            ids.add(TermCodec.inlineId(NodeFactory.createLiteralString(s)));
        }
        assertThat(ids).as("every sample term is inline").doesNotContain(-1L);
        return ids.stream().mapToLong(Long::longValue).toArray();
    }

    @Test
    void eachOrdersTupleKeysAreItsKeysInByteOrder() {
        Random random = new Random(14);
        for (int round = 0; round < 8; round++) {
            int n = round == 0 ? 1 : 200 + random.nextInt(2_000);
            long[] run = new long[n * 4];
            for (int i = 0; i < n; i++) {
                if (i > 0 && random.nextInt(5) == 0) {
                    System.arraycopy(run, random.nextInt(i) * 4, run, i * 4, 4); // a repeated quad
                } else {
                    for (int c = 0; c < 4; c++) {
                        run[i * 4 + c] = IDS[random.nextInt(IDS.length)];
                    }
                }
            }
            for (IndexOrder order : IndexOrder.values()) {
                assertThat(tupleRunKeys(order, run.clone(), n))
                        .as("%s, round %d, %d quads", order, round, n)
                        .containsExactlyElementsOf(expectedKeys(order, run, n));
            }
        }
    }

    @Test
    void aWrongComponentOrderIsCaught() {
        long[] run = {1, 2, 3, 0, 3, 2, 1, 0}; // S P O G of two quads that differ in S and O
        List<byte[]> spog = expectedKeys(IndexOrder.SPOG, run, 2);
        List<byte[]> ospg = expectedKeys(IndexOrder.OSPG, run, 2);
        assertThat(tupleRunKeys(IndexOrder.SPOG, run.clone(), 2)).containsExactlyElementsOf(spog);
        assertThat(tupleRunKeys(IndexOrder.OSPG, run.clone(), 2)).containsExactlyElementsOf(ospg)
                .doesNotContainAnyElementsOf(spog);
    }

    private static List<byte[]> tupleRunKeys(IndexOrder order, long[] run, int n) {
        SortedLoader.TupleRun tuples = new SortedLoader.TupleRun(SortedLoader.sortedTuples(order, run, n), n);
        List<byte[]> keys = new ArrayList<>();
        while (tuples.advance()) {
            keys.add(tuples.key);
        }
        return keys;
    }

    /** The order's keys of the distinct quads, sorted unsigned, as an index keyspace holds them. */
    private static List<byte[]> expectedKeys(IndexOrder order, long[] run, int n) {
        KeyWriter w = new KeyWriter(40);
        List<byte[]> keys = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            keys.add(order.key(w, Arrays.copyOfRange(run, i * 4, i * 4 + 4)));
        }
        keys.sort(Arrays::compareUnsigned);
        List<byte[]> distinct = new ArrayList<>();
        for (byte[] k : keys) {
            if (distinct.isEmpty() || !Arrays.equals(distinct.get(distinct.size() - 1), k)) {
                distinct.add(k);
            }
        }
        return distinct;
    }
}
