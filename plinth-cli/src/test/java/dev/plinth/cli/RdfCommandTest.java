package dev.plinth.cli;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.quadstore.QuadStore;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;
import java.util.zip.GZIPOutputStream;
import org.apache.jena.query.Dataset;
import org.apache.jena.query.DatasetFactory;
import org.apache.jena.rdf.model.Model;
import org.apache.jena.rdf.model.ModelFactory;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.util.IsoMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code plinth rdf load|dump|query|stats} on real engines: what is loaded is what Jena reads from the same
 * files, every query form prints what Jena's own dataset answers, a failed update changes nothing, and each
 * error is one sentence with its exit code.
 */
class RdfCommandTest {
    private static final String NQ = """
            <http://ex.org/ada> <http://ex.org/name> "Ada"@en <http://ex.org/g1> .
            <http://ex.org/ada> <http://ex.org/knows> <http://ex.org/alan> <http://ex.org/g1> .
            <http://ex.org/alan> <http://ex.org/name> "Alan" <http://ex.org/g2> .
            _:b1 <http://ex.org/knows> <http://ex.org/ada> <http://ex.org/g2> .
            <http://ex.org/ada> <http://ex.org/age> "36"^^<http://www.w3.org/2001/XMLSchema#integer> .
            """;
    private static final String TTL = """
            @prefix ex: <http://ex.org/> .
            ex:grace ex:name "Grace" ; ex:knows ex:ada , ex:alan .
            ex:ada ex:age 36 .
            """;

    @TempDir
    Path dir;

    private Path file(String name, String text) throws IOException {
        Path p = dir.resolve(name);
        Files.writeString(p, text, StandardCharsets.UTF_8);
        return p;
    }

    /** What Jena reads from the test files, in one dataset. */
    private DatasetGraph expected(Path... files) {
        Dataset ds = DatasetFactory.createTxnMem();
        for (Path f : files) {
            RDFDataMgr.read(ds, f.toString());
        }
        return ds.asDatasetGraph();
    }

    @Test
    void loadedFilesDumpAsJenaReadsThemInBothFormats() throws IOException {
        String uri = "lsm:" + dir.resolve("db");
        Path nq = file("a.nq", NQ);
        Path ttl = file("b.ttl", TTL);
        Path gz = dir.resolve("c.nq.gz");
        try (OutputStream o = new GZIPOutputStream(Files.newOutputStream(gz))) {
            o.write("<http://ex.org/x> <http://ex.org/y> \"z\" <http://ex.org/g3> .\n".getBytes(StandardCharsets.UTF_8));
        }
        CliRun load = CliRun.run("rdf", "load", uri, nq.toString(), ttl.toString(), gz.toString());
        assertThat(load.exitCode()).as("%s", load).isZero();
        assertThat(load.outText()).contains("loaded 5 quads from " + nq + " (5 new) in 1 batch\n")
                .contains("loaded 4 quads from " + ttl + " (3 new) in 1 batch\n")
                .contains("loaded 1 quad from " + gz + " (1 new)")
                .endsWith("the quad store on " + uri + " holds 9 quads (9 more than before)\n");

        DatasetGraph jena = expected(nq, ttl, gz);
        for (String format : new String[] {"nquads", "trig"}) {
            CliRun dump = CliRun.run("rdf", "dump", uri, "--format", format);
            assertThat(dump.exitCode()).as("%s", dump).isZero();
            Dataset back = DatasetFactory.createTxnMem();
            RDFDataMgr.read(back, new ByteArrayInputStream(dump.out()), format.equals("trig") ? Lang.TRIG : Lang.NQUADS);
            assertThat(IsoMatcher.isomorphic(back.asDatasetGraph(), jena)).as("dump as %s:\n%s", format, dump.outText())
                    .isTrue();
        }
        Path out = dir.resolve("out.nq");
        CliRun toFile = CliRun.run("rdf", "dump", uri, "-o", out.toString());
        assertThat(toFile.err()).isEqualTo("dumped 9 quads from " + uri + " to " + out + "\n");
        assertThat(Files.readAllLines(out)).hasSize(9);

        CliRun stats = CliRun.run("rdf", "stats", uri);
        assertThat(stats.exitCode()).as("%s", stats).isZero();
        assertThat(stats.outText()).isEqualTo("""
                uri                  %s
                quads                9
                named-graphs         3
                default-graph-quads  4
                terms                13
                """.formatted(uri));
    }

    @Test
    void queriesPrintEachFormAndUpdatesChangeTheStore() throws IOException {
        String uri = "rocksdb:" + dir.resolve("db");
        Path nq = file("a.nq", NQ);
        assertThat(CliRun.run("rdf", "load", uri, nq.toString()).exitCode()).isZero();

        CliRun select = CliRun.run("rdf", "query", uri,
                "SELECT ?g ?n { GRAPH ?g { ?s <http://ex.org/name> ?n } } ORDER BY ?n");
        assertThat(select.exitCode()).as("%s", select).isZero();
        assertThat(select.outText()).as("a table, as Jena's text format").isEqualTo("""
                ---------------------------------
                | g                  | n        |
                =================================
                | <http://ex.org/g2> | "Alan"   |
                | <http://ex.org/g1> | "Ada"@en |
                ---------------------------------
                """);
        CliRun csv = CliRun.run("rdf", "query", uri, "-f", "csv",
                "SELECT ?n { GRAPH ?g { ?s <http://ex.org/name> ?n } } ORDER BY ?n");
        assertThat(csv.outText()).isEqualTo("n\r\nAlan\r\nAda\r\n");
        assertThat(CliRun.run("rdf", "query", uri, "-f", "json", "SELECT ?n { GRAPH ?g { ?s ?p ?n } } LIMIT 1")
                .outText()).contains("\"vars\": [ \"n\" ]");
        assertThat(CliRun.run("rdf", "query", uri, "ASK { GRAPH ?g { ?s <http://ex.org/knows> ?o } }").outText())
                .isEqualTo("true\n");
        assertThat(CliRun.run("rdf", "query", uri, "ASK { ?s <http://ex.org/knows> ?o }").outText())
                .isEqualTo("false\n");

        String construct = "CONSTRUCT { ?o <http://ex.org/knownBy> ?s } WHERE { GRAPH ?g { ?s <http://ex.org/knows> ?o } }";
        CliRun turtle = CliRun.run("rdf", "query", uri, construct);
        assertThat(turtle.exitCode()).as("%s", turtle).isZero();
        Model m = ModelFactory.createDefaultModel();
        RDFDataMgr.read(m, new ByteArrayInputStream(turtle.out()), Lang.TURTLE);
        assertThat(m.size()).isEqualTo(2);
        CliRun nquads = CliRun.run("rdf", "query", uri, "--format", "nquads", construct);
        assertThat(nquads.outText().lines()).hasSize(2)
                .contains("<http://ex.org/alan> <http://ex.org/knownBy> <http://ex.org/ada> .");
        CliRun describe = CliRun.run("rdf", "query", uri, "DESCRIBE <http://ex.org/ada>");
        assertThat(describe.exitCode()).as("%s", describe).isZero();
        assertThat(describe.outText()).contains("36");

        CliRun update = CliRun.run("rdf", "query", uri,
                "INSERT DATA { GRAPH <http://ex.org/g9> { <http://ex.org/a> <http://ex.org/b> 1 } } ;"
                        + " DELETE WHERE { <http://ex.org/ada> <http://ex.org/age> ?a }");
        assertThat(update.exitCode()).as("%s", update).isZero();
        assertThat(update.outText()).isEqualTo("updated the quad store on " + uri + ": it holds 5 quads (5 before)\n");
        assertThat(CliRun.run("rdf", "query", uri, "ASK { GRAPH <http://ex.org/g9> { ?s ?p 1 } }").outText())
                .isEqualTo("true\n");
        CliRun fromStdin = CliRun.runWithInput("SELECT (COUNT(*) AS ?n) { GRAPH ?g { ?s ?p ?o } }"
                .getBytes(StandardCharsets.UTF_8), "rdf", "query", uri, "-f", "tsv", "-");
        assertThat(fromStdin.outText()).isEqualTo("?n\n5\n");
    }

    @Test
    void anUpdateThatFailsPartWayChangesNothing() throws IOException {
        String uri = "lsm:" + dir.resolve("db");
        Path nq = file("a.nq", NQ);
        assertThat(CliRun.run("rdf", "load", uri, nq.toString()).exitCode()).isZero();
        Set<String> before = lines(CliRun.run("rdf", "dump", uri));

        CliRun failed = CliRun.run("rdf", "query", uri, "DELETE WHERE { GRAPH ?g { ?s <http://ex.org/name> ?n } } ;"
                + " INSERT DATA { <http://ex.org/n> <http://ex.org/p> 1 } ;"
                + " INSERT DATA { <http://ex.org/a> <http://ex.org/about> <<( <http://ex.org/a> <http://ex.org/b> 1 )>> }");
        assertThat(failed.exitCode()).as("%s", failed).isEqualTo(ExitCode.FAILURE);
        assertThat(failed.errLines()).hasSize(1);
        assertThat(failed.err()).startsWith("plinth: the update failed and was undone, the quad store on " + uri
                + " is as before: The quad store on " + uri + " cannot store the quad");
        assertThat(lines(CliRun.run("rdf", "dump", uri))).isEqualTo(before);
        assertThat(CliRun.run("rdf", "stats", uri).outText()).contains("quads                5\n");
    }

    @Test
    void errorsAreOneSentenceWithTheirExitCode() throws IOException {
        String uri = "lsm:" + dir.resolve("db");
        Path bad = file("bad.nq", "<http://ex.org/a> <http://ex.org/b> <http://ex.org/c> .\n<http://ex.org/a> oops .\n");
        CliRun parse = CliRun.run("rdf", "load", uri, bad.toString());
        assertThat(parse.exitCode()).as("%s", parse).isEqualTo(ExitCode.FAILURE);
        assertThat(parse.err()).contains("line 2, column").contains("The failed batch was not applied");
        try (QuadStore q = QuadStore.open(uri)) {
            assertThat(q.size()).as("one batch: the store as before").isZero();
        }

        assertThat(CliRun.run("rdf", "load", uri, file("x.txt", "hi").toString()))
                .satisfies(r -> assertThat(r.exitCode()).isEqualTo(ExitCode.USAGE))
                .satisfies(r -> assertThat(r.err()).contains("cannot tell the RDF syntax of"));
        CliRun missing = CliRun.run("rdf", "load", uri, dir.resolve("none.nq").toString());
        assertThat(missing.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(missing.err()).isEqualTo("plinth: no such file: " + dir.resolve("none.nq")
                + "; nothing was loaded\n");
        CliRun stdinNoSyntax = CliRun.run("rdf", "load", uri, "-");
        assertThat(stdinNoSyntax.exitCode()).isEqualTo(ExitCode.USAGE);
        CliRun stdin = CliRun.runWithInput("<http://ex.org/a> <http://ex.org/b> \"c\" .\n"
                .getBytes(StandardCharsets.UTF_8), "rdf", "load", uri, "--syntax", "ntriples", "-");
        assertThat(stdin.outText()).startsWith("loaded 1 quad from standard input (1 new)");

        String plain = "lsm:" + dir.resolve("plain");
        assertThat(CliRun.run("put", plain, "k", "v").exitCode()).isZero();
        for (String[] args : new String[][] {{"rdf", "stats", plain}, {"rdf", "dump", plain},
            {"rdf", "query", plain, "ASK {}"}}) {
            CliRun none = CliRun.run(args);
            assertThat(none.exitCode()).as("%s", none).isEqualTo(ExitCode.FAILURE);
            assertThat(none.err()).isEqualTo("plinth: " + plain + " holds no quad store (no keyspace quads.meta); "
                    + "'plinth rdf load' creates one\n");
        }
        CliRun absent = CliRun.run("rdf", "stats", "lsm:" + dir.resolve("absent"));
        assertThat(absent.exitCode()).isEqualTo(ExitCode.FAILURE);
        assertThat(absent.err()).contains("rdf stats does not create stores");
        assertThat(Files.exists(dir.resolve("absent"))).isFalse();

        CliRun syntax = CliRun.run("rdf", "query", uri, "SELEKT * { ?s ?p ?o }");
        assertThat(syntax.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(syntax.errLines()).hasSize(1);
        assertThat(syntax.err()).startsWith("plinth: the SPARQL text is neither a query nor an update: ");
        CliRun format = CliRun.run("rdf", "query", uri, "-f", "turtle", "SELECT * { ?s ?p ?o }");
        assertThat(format.exitCode()).isEqualTo(ExitCode.USAGE);
        assertThat(format.err()).contains("--format turtle does not apply to SELECT; use one of csv, json, table, tsv");
        assertThat(CliRun.run("rdf", "dump", uri, "-f", "turtle").exitCode()).isEqualTo(ExitCode.USAGE);
    }

    private static Set<String> lines(CliRun run) {
        assertThat(run.exitCode()).as("%s", run).isZero();
        return new HashSet<>(run.outText().lines().toList());
    }
}
