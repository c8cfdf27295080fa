package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.apache.jena.atlas.iterator.Iter;
import org.apache.jena.query.Query;
import org.apache.jena.query.QueryExecution;
import org.apache.jena.query.QueryFactory;
import org.apache.jena.query.ResultSetRewindable;
import org.apache.jena.query.ResultSetFactory;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.DatasetGraphWrapper;
import org.apache.jena.system.Txn;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.exec.QueryExec;
import org.apache.jena.sparql.resultset.ResultSetCompare;
import org.apache.jena.sparql.util.IsoMatcher;
import org.apache.jena.sparql.exec.UpdateExec;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SPARQL 1.1 through Jena ARQ over a quad store's {@code DatasetGraph} must answer exactly as Jena's own
 * in-memory dataset holding the same quads: joins, OPTIONAL, FILTER, GRAPH, UNION, MINUS, aggregates, property
 * paths, subqueries, ORDER BY with LIMIT, ASK, CONSTRUCT, and updates.
 */
public abstract class SparqlContract {
    static final String PREFIXES = "PREFIX ex: <http://example.org/> PREFIX xsd: <http://www.w3.org/2001/XMLSchema#> ";

    static final List<String> SELECTS = List.of(
            "SELECT * { ?s ex:knows ?o }",
            "SELECT ?a ?c { ?a ex:knows ?b . ?b ex:knows ?c }",
            "SELECT ?s ?name ?age { ?s ex:name ?name OPTIONAL { ?s ex:age ?age } }",
            "SELECT ?s ?age { ?s ex:age ?age FILTER(?age > 30) }",
            "SELECT ?s ?n { ?s ex:name ?n FILTER(langMatches(lang(?n), 'en')) }",
            "SELECT ?g ?s ?o { GRAPH ?g { ?s ex:worksFor ?o } }",
            "SELECT ?s ?o { GRAPH ex:g1 { ?s ?p ?o } }",
            "SELECT ?s ?g { { ?s ex:knows ?x } UNION { GRAPH ?g { ?s ex:worksFor ?x } } }",
            "SELECT ?s { ?s ex:name ?n MINUS { ?s ex:age ?a } }",
            "SELECT ?s (COUNT(?o) AS ?n) { ?s ex:knows ?o } GROUP BY ?s",
            "SELECT ?g (COUNT(*) AS ?n) (MAX(?o) AS ?m) { GRAPH ?g { ?s ?p ?o } } GROUP BY ?g HAVING (COUNT(*) > 1)",
            "SELECT (SUM(?age) AS ?total) (AVG(?age) AS ?mean) (MIN(?age) AS ?young) { ?s ex:age ?age }",
            "SELECT ?s ?o { ?s ex:knows+ ?o }",
            "SELECT ?s ?o { ?s ex:knows/ex:name ?o }",
            "SELECT ?s ?o { ?s (ex:knows|^ex:knows) ?o }",
            "SELECT ?s ?o { ?s ex:knows* ?o }",
            "SELECT ?s { ?s a ex:Person . FILTER NOT EXISTS { ?s ex:knows ?x } }",
            "SELECT ?s ?max { ?s ex:name ?n { SELECT (MAX(?a) AS ?max) { ?x ex:age ?a } } }",
            "SELECT DISTINCT ?p { ?s ?p ?o }",
            "SELECT DISTINCT ?g { GRAPH ?g { } }",
            "SELECT ?s ?p ?o ?g { { ?s ?p ?o } UNION { GRAPH ?g { ?s ?p ?o } } }",
            "SELECT ?s ?v { ?s ex:flag ?v FILTER(?v = true) }",
            "SELECT ?s ?n { ?s ex:name ?n FILTER(regex(str(?n), '^A')) }",
            "SELECT ?g ?s ?o { GRAPH ?g { ?s ex:label ?o FILTER(strlen(?o) > 24) } }",
            "SELECT ?s ?o { BIND(ex:knows AS ?p) ?s ?p ?o }",
            "SELECT ?s ?o { VALUES ?s { ex:p0 ex:p1 ex:nobody } ?s ex:knows ?o }",
            // Edge cases of the join on ids: repeated variables, constants and bound values never stored, graph
            // variables bound from outside (to the default graph's name too), the union graph, FROM NAMED.
            "SELECT ?x ?p { ?x ?p ?x }",
            "SELECT ?s ?o ?a { ?s ex:knows ?o OPTIONAL { ?o ex:name 'Nobody' . ?o ex:age ?a } }",
            "SELECT ?g ?s { VALUES ?g { <urn:x-arq:DefaultGraph> ex:g1 ex:nothing } GRAPH ?g { ?s ex:label ?o } }",
            "SELECT ?s ?o { GRAPH <urn:x-arq:UnionGraph> { ?s ex:worksFor ?o } }",
            "SELECT ?s ?g { ?s ex:name ?n OPTIONAL { GRAPH ?g { ?s ex:label ?l } } }",
            "SELECT ?s ?o ?g ?h { GRAPH ?g { ?s ex:worksFor ?o } GRAPH ?h { ?s ex:label ?l } }",
            "SELECT ?a ?n { ?a ex:knows ?b . ?b ex:name ?n . ?b ex:age ?age FILTER(?age > 25) }",
            "SELECT ?g ?s FROM NAMED <http://example.org/g1> { GRAPH ?g { ?s ?p ?o } }",
            "SELECT ?s ?o FROM <http://example.org/g2> { ?s ?p ?o }",
            "SELECT ?g ?s ?t { GRAPH ?g { ?s ex:worksFor ?o } ?s a ?t }");

    static final List<String> ORDERED = List.of(
            "SELECT ?s ?age { ?s ex:age ?age } ORDER BY DESC(?age) ?s LIMIT 5",
            "SELECT ?s ?n { ?s ex:name ?n } ORDER BY ?n ?s OFFSET 2 LIMIT 4");

    static final List<String> ASKS = List.of(
            "ASK { ex:p0 ex:knows ?x }", "ASK { GRAPH ex:g9 { ?s ?p ?o } }", "ASK { ?s ex:knows+ ex:p0 }");

    static final List<String> CONSTRUCTS = List.of(
            "CONSTRUCT { ?o ex:knownBy ?s } WHERE { ?s ex:knows ?o }",
            "CONSTRUCT { ?s ex:in ?g } WHERE { GRAPH ?g { ?s ?p ?o } }");

    static final List<String> UPDATES = List.of(
            "INSERT DATA { ex:new ex:knows ex:p0 . GRAPH ex:g5 { ex:new ex:name 'New' } }",
            "DELETE WHERE { ?s ex:age ?age }",
            "INSERT { GRAPH ex:friends { ?a ex:friendOf ?b } } WHERE { ?a ex:knows ?b }",
            "DELETE { ?s ex:knows ?o } INSERT { ?s ex:knew ?o } WHERE { ?s ex:knows ?o FILTER(?s = ex:p1) }",
            "CLEAR GRAPH ex:g1",
            "DROP DEFAULT",
            "ADD ex:g2 TO DEFAULT",
            "MOVE ex:friends TO ex:g7",
            "CLEAR ALL");

    @TempDir
    Path dir;

    private QuadStore store;
    private DatasetGraph plinth;
    private DatasetGraph jena;

    /**
     * Opens an empty quad store.
     *
     * @param dir a directory it may use
     * @return the store
     */
    protected abstract QuadStore open(Path dir);

    @BeforeEach
    void fill() {
        store = open(dir);
        plinth = store.asDatasetGraph();
        jena = DatasetGraphFactory.createTxnMem();
        Random rnd = new Random(42);
        for (Quad q : data(rnd)) {
            plinth.add(q);
            jena.add(q);
        }
    }

    @AfterEach
    void close() {
        store.close();
        assertThat(store.store().isClosed()).isTrue();
    }

    /** A small social graph in the default graph and a few named graphs, with blank nodes and typed values. */
    static List<Quad> data(Random rnd) {
        List<Quad> out = new java.util.ArrayList<>();
        Node[] people = new Node[12];
        for (int i = 0; i < people.length; i++) {
            people[i] = i % 5 == 4 ? NodeFactory.createBlankNode("person" + i) : iri("p" + i);
        }
        Node[] graphs = {Quad.defaultGraphIRI, iri("g1"), iri("g2"), iri("g3")};
        String[] names = {"Ada", "Alan", "Grace", "Edsger", "Barbara", "Ken", "Dennis", "Anita", "Niklaus", "Frances",
            "Tony", "Radia"};
        for (int i = 0; i < people.length; i++) {
            Node p = people[i];
            out.add(Quad.create(Quad.defaultGraphIRI, p, iri("type"), iri("Person")));
            out.add(Quad.create(Quad.defaultGraphIRI, p, NodeFactory.createURI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type"), iri("Person")));
            out.add(Quad.create(Quad.defaultGraphIRI, p, iri("name"),
                    i % 3 == 0 ? NodeFactory.createLiteralLang(names[i], "en") : NodeFactory.createLiteralString(names[i])));
            if (i % 4 != 3) {
                out.add(Quad.create(Quad.defaultGraphIRI, p, iri("age"),
                        NodeFactory.createLiteralDT(Integer.toString(20 + rnd.nextInt(40)), XSDDatatype.XSDinteger)));
            }
            out.add(Quad.create(Quad.defaultGraphIRI, p, iri("flag"),
                    NodeFactory.createLiteralDT(Boolean.toString(rnd.nextBoolean()), XSDDatatype.XSDboolean)));
            out.add(Quad.create(graphs[1 + rnd.nextInt(3)], p, iri("label"),
                    NodeFactory.createLiteralString("label of person number " + i)));
            for (int k = 0; k < (i % 6 == 5 ? 0 : 2); k++) {
                int j = rnd.nextInt(people.length);
                if (j != i || k == 0) {
                    out.add(Quad.create(Quad.defaultGraphIRI, p, iri("knows"), people[j]));
                }
            }
            out.add(Quad.create(graphs[1 + rnd.nextInt(3)], p, iri("worksFor"), iri("org" + rnd.nextInt(3))));
        }
        out.add(Quad.create(Quad.defaultGraphIRI, people[3], iri("knows"), people[3])); // a loop, for ?x ?p ?x
        out.add(Quad.create(graphs[1], people[0], iri("worksFor"), iri("org0"))); // in two graphs: once in the union
        out.add(Quad.create(graphs[2], people[0], iri("worksFor"), iri("org0")));
        return out;
    }

    static Node iri(String local) {
        return NodeFactory.createURI("http://example.org/" + local);
    }

    @Test
    void selectsAnswerAsJenasOwnDataset() {
        for (String q : SELECTS) {
            assertSameSelect(q, false);
        }
        for (String q : ORDERED) {
            assertSameSelect(q, true);
        }
    }

    @Test
    void asksAndConstructsAnswerAsJenasOwnDataset() {
        for (String q : ASKS) {
            Query query = QueryFactory.create(PREFIXES + q);
            boolean expected = QueryExec.dataset(jena).query(query).ask();
            assertThat(QueryExec.dataset(plinth).query(query).ask()).as(q).isEqualTo(expected);
        }
        for (String q : CONSTRUCTS) {
            Query query = QueryFactory.create(PREFIXES + q);
            var expected = QueryExec.dataset(jena).query(query).construct();
            var actual = QueryExec.dataset(plinth).query(query).construct();
            assertThat(actual.isIsomorphicWith(expected)).as(q).isTrue();
        }
    }

    @Test
    void updatesLeaveTheSameQuadsAsOnJenasOwnDataset() {
        for (String u : UPDATES) {
            UpdateExec.dataset(jena).update(PREFIXES + u).execute();
            UpdateExec.dataset(plinth).update(PREFIXES + u).execute();
            assertThat(IsoMatcher.isomorphic(plinth, jena)).as("after %s", u).isTrue();
            assertThat(store.size()).as("size after %s", u).isEqualTo(Iter.count(jena.find()));
        }
    }

    @Test
    void anUpdateThatFailsPartWayLeavesTheStoreAsBefore() {
        long seed = Long.getLong("plinth.seed", System.nanoTime());
        Random rnd = new Random(seed);
        Set<Quad> before = quadsOf(plinth);
        for (int round = 0; round < 8; round++) {
            // The updates in a random order, one request; the dataset fails at a random write.
            List<String> ops = new java.util.ArrayList<>(UPDATES);
            java.util.Collections.shuffle(ops, rnd);
            String request = PREFIXES + String.join(" ;\n", ops);
            // How many writes the request makes (on a copy in Jena's own dataset); fail at one of them.
            DatasetGraph copy = DatasetGraphFactory.createTxnMem();
            before.forEach(copy::add);
            FailingDataset counting = new FailingDataset(copy, Integer.MAX_VALUE);
            boolean failsAnyway = false;
            try {
                Txn.executeWrite(counting, () -> UpdateExec.dataset(counting).update(request).execute());
            } catch (RuntimeException e) {
                failsAnyway = true;
            }
            if (counting.writes == 0 && !failsAnyway) {
                continue;
            }
            int failAt = 1 + rnd.nextInt(Math.max(1, counting.writes));
            FailingDataset failing = new FailingDataset(plinth, failAt);
            assertThatThrownBy(() -> Txn.executeWrite(failing, () -> UpdateExec.dataset(failing).update(request).execute()))
                    .as("seed %d, round %d: the update fails at write %d (or earlier, where Jena refuses an operation)",
                            seed, round, failAt)
                    .isInstanceOf(RuntimeException.class);
            assertThat(quadsOf(plinth)).as("seed %d, round %d (replay with -Dplinth.seed=%d)", seed, round, seed)
                    .isEqualTo(before);
            assertThat(store.size()).isEqualTo(before.size());
            assertThat(store.store().openResources()).isEmpty();
        }
    }

    @Test
    void anUpdateWithATermTheStoreCannotHoldIsUndoneInAWriteTransaction() {
        Set<Quad> before = quadsOf(plinth);
        String request = PREFIXES + "DELETE WHERE { ?s ex:age ?age } ; INSERT DATA { ex:a ex:b ex:c } ;"
                + " INSERT DATA { ex:a ex:about <<( ex:a ex:b ex:c )>> }";
        assertThatThrownBy(() -> Txn.executeWrite(plinth, () -> UpdateExec.dataset(plinth).update(request).execute()))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("cannot store");
        assertThat(quadsOf(plinth)).isEqualTo(before);
        assertThat(plinth.isInTransaction()).isFalse();
    }

    @Test
    void abortAndEndWithoutCommitUndoTheTransactionsWritesAndCommitKeepsThem() {
        Set<Quad> before = quadsOf(plinth);
        Quad added = Quad.create(iri("g9"), iri("x"), iri("y"), iri("z"));
        for (int way = 0; way < 2; way++) {
            plinth.begin(org.apache.jena.query.ReadWrite.WRITE);
            plinth.add(added);
            plinth.add(added);
            plinth.delete(added);
            plinth.add(added);
            plinth.deleteAny(Node.ANY, Node.ANY, iri("knows"), Node.ANY);
            plinth.removeGraph(iri("g1"));
            plinth.addGraph(iri("g2"), plinth.getDefaultGraph());
            plinth.deleteAny(Quad.unionGraph, Node.ANY, iri("label"), Node.ANY);
            assertThat(quadsOf(plinth)).isNotEqualTo(before);
            if (way == 0) {
                plinth.abort();
            }
            plinth.end();
            assertThat(quadsOf(plinth)).as(way == 0 ? "after abort" : "after end without commit").isEqualTo(before);
            assertThat(store.size()).isEqualTo(before.size());
        }
        plinth.begin(org.apache.jena.query.ReadWrite.WRITE);
        plinth.add(added);
        plinth.commit();
        plinth.end();
        plinth.begin(org.apache.jena.query.ReadWrite.WRITE);
        plinth.abort();
        plinth.end();
        assertThat(store.contains(added)).isTrue();
        assertThat(plinth.supportsTransactionAbort()).isTrue();
        long size = store.size();
        assertThatThrownBy(() -> plinth.removeGraph(Node.ANY)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> plinth.removeGraph(null)).isInstanceOf(NullPointerException.class);
        assertThat(store.size()).as("a refused removeGraph removes nothing").isEqualTo(size);
    }

    private static Set<Quad> quadsOf(DatasetGraph dsg) {
        Set<Quad> out = new java.util.HashSet<>();
        dsg.find().forEachRemaining(out::add);
        return out;
    }

    /** Passes everything to a dataset but fails its {@code n}-th write. */
    private static final class FailingDataset extends DatasetGraphWrapper {
        private int writesLeft;
        int writes;

        FailingDataset(DatasetGraph dsg, int n) {
            super(dsg);
            this.writesLeft = n;
        }

        private void write() {
            writes++;
            if (--writesLeft == 0) {
                throw new IllegalStateException("injected failure");
            }
        }

        @Override
        public void add(Quad quad) {
            write();
            super.add(quad);
        }

        @Override
        public void add(Node g, Node s, Node p, Node o) {
            write();
            super.add(g, s, p, o);
        }

        @Override
        public void delete(Quad quad) {
            write();
            super.delete(quad);
        }

        @Override
        public void delete(Node g, Node s, Node p, Node o) {
            write();
            super.delete(g, s, p, o);
        }

        @Override
        public void deleteAny(Node g, Node s, Node p, Node o) {
            write();
            super.deleteAny(g, s, p, o);
        }

        @Override
        public void addGraph(Node graphName, org.apache.jena.graph.Graph graph) {
            write();
            super.addGraph(graphName, graph);
        }

        @Override
        public void removeGraph(Node graphName) {
            write();
            super.removeGraph(graphName);
        }

        @Override
        public void clear() {
            write();
            super.clear();
        }
    }

    @Test
    void basicGraphPatternsAreJoinedOnIdsFromOneSnapshotWithOneCursorPerPattern() {
        // Three patterns in every named graph: one quad pattern, joined on ids, not one evaluation per graph
        // and binding; while it runs, one snapshot and at most one cursor per pattern are open.
        String q = PREFIXES + "SELECT ?g ?a ?c ?n { GRAPH ?g { ?a ex:worksFor ?c } . ?a ex:knows ?b . ?b ex:name ?n }";
        try (QueryExecution qe = QueryExecution.dataset(org.apache.jena.query.DatasetFactory.wrap(plinth))
                .query(q).build()) {
            var rs = qe.execSelect();
            assertThat(rs.hasNext()).isTrue();
            rs.next();
            List<dev.plinth.OpenResource> open = store.store().openResources();
            assertThat(open).as("while the join runs")
                    .filteredOn(r -> r.kind() == dev.plinth.OpenResource.Kind.SNAPSHOT).hasSizeBetween(1, 2);
            assertThat(open).filteredOn(r -> r.kind() == dev.plinth.OpenResource.Kind.CURSOR).hasSizeBetween(1, 3);
            while (rs.hasNext()) {
                rs.next();
            }
        }
        assertThat(store.store().openResources()).isEmpty();
    }

    @Test
    void queriesLeaveNoCursorOpen() {
        for (String q : SELECTS) {
            try (QueryExecution qe = QueryExecution.dataset(org.apache.jena.query.DatasetFactory.wrap(plinth))
                    .query(PREFIXES + q).build()) {
                var rs = qe.execSelect();
                if (rs.hasNext()) {
                    rs.next(); // stop early, as LIMIT or a client would
                }
            }
            assertThat(store.store().openResources()).as("open cursors after %s", q).isEmpty();
        }
    }

    private void assertSameSelect(String q, boolean ordered) {
        Query query = QueryFactory.create(PREFIXES + q);
        ResultSetRewindable expected;
        ResultSetRewindable actual;
        try (QueryExecution qe = QueryExecution.dataset(org.apache.jena.query.DatasetFactory.wrap(jena)).query(query).build()) {
            expected = ResultSetFactory.copyResults(qe.execSelect());
        }
        try (QueryExecution qe = QueryExecution.dataset(org.apache.jena.query.DatasetFactory.wrap(plinth)).query(query).build()) {
            actual = ResultSetFactory.copyResults(qe.execSelect());
        }
        assertThat(expected.size()).as("the oracle answers %s with rows", q).isGreaterThan(q.contains("nobody") ? -1 : 0);
        boolean same = ordered ? ResultSetCompare.equalsByTermAndOrder(expected, actual)
                : ResultSetCompare.equalsByTerm(expected, actual);
        assertThat(same).as("%s: %d rows from Jena, %d from Plinth", q, expected.size(), actual.size()).isTrue();
    }
}
