package dev.plinth.bench.rdf;

import java.io.BufferedWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.function.Consumer;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.riot.out.NodeFmtLib;
import org.apache.jena.sparql.core.Quad;

/**
 * A deterministic, university-style synthetic RDF dataset: departments (one named graph each) with professors,
 * students and courses; types, names, e-mail addresses, ages, course enrolments, teaching and advisors. The same
 * {@code (quads, seed)} always gives the same quads in the same order. Stateless apart from its two parameters.
 */
public final class UniversityData {
    /** The namespace of every IRI. */
    public static final String NS = "http://university.example.org/";
    static final Node TYPE = NodeFactory.createURI("http://www.w3.org/1999/02/22-rdf-syntax-ns#type");
    static final Node PROFESSOR = iri("Professor");
    static final Node STUDENT = iri("Student");
    static final Node COURSE = iri("Course");
    static final Node NAME = iri("name");
    static final Node EMAIL = iri("email");
    static final Node AGE = iri("age");
    static final Node TAKES = iri("takesCourse");
    static final Node TEACHES = iri("teacherOf");
    static final Node ADVISOR = iri("advisor");
    static final Node MEMBER = iri("memberOf");

    private final long quads;
    private final long seed;

    /**
     * The dataset of about {@code quads} quads.
     *
     * @param quads how many quads to generate
     * @param seed the seed
     */
    public UniversityData(long quads, long seed) {
        this.quads = quads;
        this.seed = seed;
    }

    static Node iri(String local) {
        return NodeFactory.createURI(NS + local);
    }

    /**
     * Hands every quad, in order, to a consumer.
     *
     * @param out the consumer
     */
    public void forEach(Consumer<Quad> out) {
        Random rnd = new Random(seed);
        long n = 0;
        for (int dept = 0; n < quads; dept++) {
            Node g = iri("dept" + dept);
            Node deptNode = iri("dept" + dept + "/self");
            int professors = 10;
            int courses = 20;
            List<Quad> block = new ArrayList<>();
            for (int c = 0; c < courses; c++) {
                Node course = iri("dept" + dept + "/course" + c);
                block.add(Quad.create(g, course, TYPE, COURSE));
                block.add(Quad.create(g, course, NAME, NodeFactory.createLiteralString("Course " + dept + "." + c)));
            }
            for (int p = 0; p < professors; p++) {
                Node prof = iri("dept" + dept + "/prof" + p);
                block.add(Quad.create(g, prof, TYPE, PROFESSOR));
                block.add(Quad.create(g, prof, NAME, NodeFactory.createLiteralString("Professor " + dept + "." + p)));
                block.add(Quad.create(g, prof, EMAIL, NodeFactory.createLiteralString("prof" + p + "@dept" + dept + ".example.org")));
                block.add(Quad.create(g, prof, AGE, NodeFactory.createLiteralDT(Integer.toString(30 + rnd.nextInt(40)), XSDDatatype.XSDinteger)));
                block.add(Quad.create(g, prof, MEMBER, deptNode));
                block.add(Quad.create(g, prof, TEACHES, iri("dept" + dept + "/course" + (2 * p))));
                block.add(Quad.create(g, prof, TEACHES, iri("dept" + dept + "/course" + (2 * p + 1))));
            }
            for (int s = 0; s < 100; s++) {
                Node st = iri("dept" + dept + "/student" + s);
                block.add(Quad.create(g, st, TYPE, STUDENT));
                block.add(Quad.create(g, st, NAME, NodeFactory.createLiteralString("Student " + dept + "." + s)));
                block.add(Quad.create(g, st, AGE, NodeFactory.createLiteralDT(Integer.toString(18 + rnd.nextInt(10)), XSDDatatype.XSDinteger)));
                block.add(Quad.create(g, st, MEMBER, deptNode));
                block.add(Quad.create(g, st, ADVISOR, iri("dept" + dept + "/prof" + rnd.nextInt(professors))));
                for (int k = 0; k < 3; k++) {
                    block.add(Quad.create(g, st, TAKES, iri("dept" + rnd.nextInt(dept + 1) + "/course" + rnd.nextInt(courses))));
                }
            }
            for (Quad q : block) {
                if (n++ >= quads) {
                    return;
                }
                out.accept(q);
            }
        }
    }

    /**
     * Hands every distinct quad once, in order of first appearance, holding no more than one department in
     * memory: every quad of a department is in that department's graph, so a quad can only repeat within its
     * department's block, and repeats are dropped there. What a store holds after loading the data.
     *
     * @param out the consumer
     */
    public void forEachDistinct(Consumer<Quad> out) {
        Set<Quad> block = new HashSet<>();
        Node[] graph = {null};
        forEach(q -> {
            if (graph[0] == null || !graph[0].equals(q.getGraph())) {
                block.clear();
                graph[0] = q.getGraph();
            }
            if (block.add(q)) {
                out.accept(q);
            }
        });
    }

    /**
     * Writes the dataset as N-Quads (repeated quads included, as any loader must skip them).
     *
     * @param file the file to write
     * @return the file
     */
    public Path writeNQuads(Path file) {
        try (BufferedWriter w = Files.newBufferedWriter(file, StandardCharsets.UTF_8)) {
            forEach(q -> {
                try {
                    w.write(NodeFmtLib.strNQ(q));
                    w.write('\n');
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return file;
    }
}
