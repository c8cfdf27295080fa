package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Cursor;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.keys.KeyReader;
import dev.plinth.keys.KeyWriter;
import dev.plinth.quadstore.internal.IndexOrder;
import dev.plinth.quadstore.internal.TermCodec;
import dev.plinth.testkit.crash.ChildJvm;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM bulk-loading an endless N-Quads stream into an {@code lsm:} store (durability
 * {@code SYNC}, the engine's default): the child prints how many quads it has loaded after every applied batch;
 * the parent kills it after a seeded number of batches and checks, after reopening, that the store holds
 * exactly the first {@code n} quads of the stream for some {@code n} at least the acknowledged count (every
 * acknowledged batch whole, no hole, nothing half-applied), that all six index orders hold exactly those
 * quads, that the stored count is exact, and that every id in every index resolves in the dictionary.
 * {@code -Dplinth.quadstore.crashCycles=N} sets the cycles (default 3; more under {@code -Psoak}),
 * {@code -Dplinth.seed=N} the seed.
 */
class BulkLoadKillTest {
    static final int BATCH = 200;

    @TempDir
    Path dir;

    /** Quad number {@code i} of the stream: distinct for every {@code i}, with inline and dictionary terms. */
    static Quad quad(long i) {
        String obj = i % 5 == 0 ? "a literal long enough for the dictionary " + i : "v" + (i % 100_000);
        return Quad.create(NodeFactory.createURI("http://example.org/g" + (i % 4)),
                NodeFactory.createURI("http://example.org/s" + i), NodeFactory.createURI("http://example.org/p" + (i % 7)),
                NodeFactory.createLiteralString(obj));
    }

    static String line(long i) {
        Quad q = quad(i);
        return "<" + q.getSubject().getURI() + "> <" + q.getPredicate().getURI() + "> \""
                + q.getObject().getLiteralLexicalForm() + "\" <" + q.getGraph().getURI() + "> .\n";
    }

    /** The child: loads quads from {@code size()} on, for ever, printing the count after each batch. */
    public static void main(String[] args) {
        QuadStoreOptions options = QuadStoreOptions.builder().loadBatchQuads(BATCH).build();
        try (QuadStore store = QuadStore.open("lsm:" + args[0], options)) {
            long start = store.size();
            System.out.println("ready " + start);
            System.out.flush();
            store.load(endless(start), Lang.NQUADS, null, p -> {
                System.out.println("acked " + (start + p.quadsRead()));
                System.out.flush();
            });
        }
    }

    private static InputStream endless(long from) {
        return new InputStream() {
            long next = from;
            byte[] buf = new byte[0];
            int pos;

            @Override
            public int read() {
                if (pos == buf.length) {
                    buf = line(next++).getBytes(StandardCharsets.UTF_8);
                    pos = 0;
                }
                return buf[pos++] & 0xFF;
            }
        };
    }

    @Test
    void everyAcknowledgedBatchIsWholeInEveryIndexAfterKillMinus9() throws Exception {
        int cycles = Integer.getInteger("plinth.quadstore.crashCycles", 3);
        long seed = seed();
        Random rnd = new Random(seed);
        Path data = dir.resolve("lsm");
        long acked = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            int killAfter = 1 + rnd.nextInt(8);
            acked = Math.max(acked, runAndKill(data, killAfter));
            try (QuadStore store = QuadStore.open("lsm:" + data)) {
                long n = store.size();
                String at = "seed " + seed + " cycle " + cycle;
                assertThat(n).as("%s: quads after kill -9, %d acknowledged", at, acked).isGreaterThanOrEqualTo(acked);
                assertThat(n % BATCH).as("%s: whole batches only", at).isZero();
                for (long i = 0; i < n; i++) {
                    assertThat(store.contains(quad(i))).as("%s: quad %d of %d", at, i, n).isTrue();
                }
                assertThat(store.contains(quad(n))).as("%s: no quad after the prefix", at).isFalse();
                checkIndexes(store, n, at);
                acked = n;
            }
        }
    }

    /** The seed of a kill test: {@code -Dplinth.seed=N}, else 1. */
    static long seed() {
        String one = System.getProperty("plinth.seed");
        return one == null || one.isBlank() ? 1 : Long.parseLong(one.trim());
    }

    static void checkIndexes(QuadStore store, long n, String at) {
        Store s = store.store();
        var terms = s.keyspace(QuadStore.TERMS_KEYSPACE);
        KeyWriter w = new KeyWriter(10);
        for (IndexOrder order : IndexOrder.values()) {
            long keys = 0;
            long[] ids = new long[4];
            try (Cursor c = s.keyspace(order.keyspaceName()).cursor(Range.all(), ScanOptions.forward().withKeysOnly(true))) {
                while (c.next()) {
                    order.decode(c.key(), ids);
                    for (long id : ids) {
                        if (!TermCodec.isInline(id) && id != TermCodec.DEFAULT_GRAPH_ID) {
                            assertThat(terms.contains(w.reset().writeLong(id).toByteArray()))
                                    .as("%s: id %d in %s resolves", at, id, order).isTrue();
                        }
                    }
                    keys++;
                }
            }
            assertThat(keys).as("%s: keys in %s", at, order).isEqualTo(n);
        }
        long dictionaryTerms = 0;
        try (Cursor c = terms.cursor(Range.all(), ScanOptions.forward().withKeysOnly(true))) {
            while (c.next()) {
                new KeyReader(c.key()).readLong();
                dictionaryTerms++;
            }
        }
        assertThat(s.keyspace(QuadStore.IDS_KEYSPACE).scan(Range.all(), ScanOptions.forward().withKeysOnly(true)))
                .as("%s: both directions of the dictionary", at).hasSize((int) dictionaryTerms);
    }

    private long runAndKill(Path data, int killAfter) {
        ChildJvm.Killed killed = ChildJvm.killAfterAcks(dir, BulkLoadKillTest.class, List.of(data.toString()), killAfter);
        List<Long> acks = killed.acks();
        assertThat(acks.size()).as("the child should have acknowledged batches; it printed:%n%s", killed.output())
                .isGreaterThanOrEqualTo(killAfter);
        return acks.get(acks.size() - 1);
    }
}
