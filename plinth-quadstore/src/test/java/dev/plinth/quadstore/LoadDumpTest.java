package dev.plinth.quadstore;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.jena.riot.Lang;
import org.apache.jena.riot.RDFDataMgr;
import org.apache.jena.riot.RDFParser;
import org.apache.jena.sparql.core.DatasetGraph;
import org.apache.jena.sparql.core.DatasetGraphFactory;
import org.apache.jena.sparql.core.Quad;
import org.apache.jena.sparql.util.IsoMatcher;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Bulk load and dump: a loaded file holds the same quads as Jena reading it (up to blank node labels), in
 * every syntax; a dump read back by Jena is the same again; loads go in batches with progress; a parse error
 * names its line and column and leaves the store as before the failed batch.
 */
class LoadDumpTest {
    @TempDir
    Path dir;

    static final String TRIG = """
            @prefix ex: <http://example.org/> .
            @prefix xsd: <http://www.w3.org/2001/XMLSchema#> .
            ex:a ex:name "Ada"@en ; ex:age 36 ; ex:ok true ; ex:pi 3.14 ; ex:knows _:x .
            _:x ex:name "Ωmega \\u00e9 😀" ; ex:born "1815-12-10"^^xsd:date .
            ex:g1 { ex:a ex:worksFor ex:acme . _:x ex:knows ex:a . ex:acme ex:label "a long label that is not inline"@fr }
            GRAPH ex:g2 { ex:b ex:count "007"^^xsd:integer ; ex:dir "مرحبا"@ar--rtl . }
            """;

    /** The same data in a generated N-Quads file of many quads. */
    static String nquads(int n, long seed) {
        Random rnd = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < n; i++) {
            sb.append("<http://example.org/s").append(rnd.nextInt(n / 3 + 1)).append("> <http://example.org/p")
                    .append(rnd.nextInt(7)).append("> ");
            switch (rnd.nextInt(4)) {
                case 0 -> sb.append("\"v").append(rnd.nextInt(1000)).append("\"");
                case 1 -> sb.append("\"").append(rnd.nextInt(100000)).append("\"^^<http://www.w3.org/2001/XMLSchema#integer>");
                case 2 -> sb.append("_:b").append(rnd.nextInt(50));
                default -> sb.append("<http://example.org/o").append(rnd.nextInt(100)).append(">");
            }
            if (rnd.nextInt(3) != 0) {
                sb.append(" <http://example.org/g").append(rnd.nextInt(4)).append(">");
            }
            sb.append(" .\n");
        }
        return sb.toString();
    }

    @Test
    void loadedFilesHoldWhatJenaReadsInEverySyntax() throws Exception {
        DatasetGraph expected = DatasetGraphFactory.create();
        RDFParser.fromString(TRIG, Lang.TRIG).parse(expected);
        try (QuadStore store = QuadStore.open("mem:")) {
            LoadProgress p = store.load(in(TRIG), Lang.TRIG, null, LoadListener.NONE);
            assertThat(IsoMatcher.isomorphic(store.asDatasetGraph(), expected)).isTrue();
            assertThat(p.quadsAdded()).isEqualTo(store.size()).isEqualTo(org.apache.jena.atlas.iterator.Iter.count(expected.find()));
            for (Lang lang : List.of(Lang.NQUADS, Lang.TRIG, Lang.TURTLE, Lang.NTRIPLES)) {
                ByteArrayOutputStream text = new ByteArrayOutputStream();
                if (lang == Lang.NQUADS || lang == Lang.TRIG) {
                    RDFDataMgr.write(text, expected, lang);
                } else {
                    RDFDataMgr.write(text, expected.getDefaultGraph(), lang);
                }
                DatasetGraph jena = DatasetGraphFactory.create();
                RDFParser.source(new ByteArrayInputStream(text.toByteArray())).lang(lang).parse(jena);
                try (QuadStore other = QuadStore.open("mem:")) {
                    Path file = dir.resolve("data." + lang.getFileExtensions().get(0));
                    Files.write(file, text.toByteArray());
                    other.load(file, LoadListener.NONE);
                    assertThat(IsoMatcher.isomorphic(other.asDatasetGraph(), jena)).as(lang.getName()).isTrue();
                }
            }
        }
    }

    @Test
    void dumpsReadBackAsTheSameQuads() {
        String data = nquads(3_000, 7) + TRIG.lines().filter(l -> false).reduce("", String::concat);
        try (QuadStore store = QuadStore.open("mem:")) {
            store.load(in(data), Lang.NQUADS, null, LoadListener.NONE);
            store.load(in(TRIG), Lang.TRIG, null, LoadListener.NONE);
            for (Lang lang : List.of(Lang.NQUADS, Lang.TRIG)) {
                ByteArrayOutputStream out = new ByteArrayOutputStream();
                long n = store.dump(out, lang);
                assertThat(n).isEqualTo(store.size());
                DatasetGraph back = DatasetGraphFactory.create();
                RDFParser.source(new ByteArrayInputStream(out.toByteArray())).lang(lang).parse(back);
                assertThat(IsoMatcher.isomorphic(store.asDatasetGraph(), back)).as(lang.getName()).isTrue();
                assertThat(out.toString(java.nio.charset.StandardCharsets.UTF_8))
                        .as("%s names no graph for the default graph", lang.getName())
                        .doesNotContain(Quad.defaultGraphIRI.getURI());
            }
            assertThatThrownBy(() -> store.dump(new ByteArrayOutputStream(), Lang.RDFXML))
                    .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("mem:");
        }
    }

    @Test
    void loadsGoInBatchesAndReportProgress() {
        String data = nquads(2_500, 3);
        DatasetGraph expected = DatasetGraphFactory.create();
        RDFParser.fromString(data, Lang.NQUADS).parse(expected);
        QuadStoreOptions options = QuadStoreOptions.builder().loadBatchQuads(1_000).build();
        try (QuadStore store = QuadStore.open("mem:", options)) {
            List<LoadProgress> seen = new ArrayList<>();
            LoadProgress end = store.load(in(data), Lang.NQUADS, null, seen::add);
            assertThat(seen).extracting(LoadProgress::quadsRead).containsExactly(1_000L, 2_000L, 2_500L);
            assertThat(end.batches()).isEqualTo(3);
            assertThat(end.quadsAdded()).isEqualTo(store.size()).isEqualTo(org.apache.jena.atlas.iterator.Iter.count(expected.find()));
            assertThat(IsoMatcher.isomorphic(store.asDatasetGraph(), expected)).isTrue();
        }
    }

    @Test
    void aParseErrorNamesLineAndColumnAndLeavesTheStoreAsBeforeTheFailedBatch() {
        String good = nquads(25, 5);
        String bad = good + "<http://example.org/s> <http://example.org/p> ?notATerm .\n" + nquads(10, 6);
        try (QuadStore store = QuadStore.open("mem:")) {
            store.add(Quad.create(Quad.defaultGraphIRI, SparqlContract.iri("x"), SparqlContract.iri("y"), SparqlContract.iri("z")));
            assertThatThrownBy(() -> store.load(in(bad), Lang.NQUADS, null, LoadListener.NONE))
                    .isInstanceOfSatisfying(RdfParseException.class, e -> {
                        assertThat(e.line()).isEqualTo(26);
                        assertThat(e.column()).isPositive();
                        assertThat(e.progress().quadsRead()).isZero();
                        assertThat(e.getMessage()).contains("mem:", "line 26", "column");
                    });
            assertThat(store.size()).isEqualTo(1);
            assertThat(store.graphs()).isEmpty();
        }
        QuadStoreOptions small = QuadStoreOptions.builder().loadBatchQuads(10).build();
        try (QuadStore store = QuadStore.open("mem:", small)) {
            assertThatThrownBy(() -> store.load(in(bad), Lang.NQUADS, null, LoadListener.NONE))
                    .isInstanceOfSatisfying(RdfParseException.class, e -> assertThat(e.progress().quadsRead()).isEqualTo(20));
            DatasetGraph first20 = DatasetGraphFactory.create();
            RDFParser.fromString(String.join("\n", good.lines().limit(20).toList()) + "\n", Lang.NQUADS).parse(first20);
            assertThat(IsoMatcher.isomorphic(store.asDatasetGraph(), first20)).isTrue();
        }
    }

    @Test
    void aFileWithoutAnRdfExtensionIsRefused() throws Exception {
        Path file = Files.writeString(dir.resolve("data.txt"), "x");
        try (QuadStore store = QuadStore.open("mem:")) {
            assertThatThrownBy(() -> store.load(file, LoadListener.NONE)).isInstanceOf(IllegalArgumentException.class)
                    .hasMessageContaining("data.txt");
        }
    }

    static InputStream in(String s) {
        return new ByteArrayInputStream(s.getBytes(StandardCharsets.UTF_8));
    }
}
