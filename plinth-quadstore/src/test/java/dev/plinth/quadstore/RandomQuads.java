package dev.plinth.quadstore;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.sparql.core.Quad;

/**
 * Seeded random RDF terms and quads for the model tests: IRIs, blank nodes, plain, language-tagged, directional
 * and typed literals (inline-sized and not, integers in and out of the inline range, non-canonical forms),
 * Unicode, long literals that are looked up by hash, the default graph and a few named graphs.
 */
final class RandomQuads {
    private static final String[] WORDS = {"a", "b", "zebra", "été", "日本語", "Ωmega", "emoji 😀", "", "x\u0000y",
        "tab\there", "quote\"q", "a rather longer string than seven bytes"};

    private final Random rnd;
    private final List<Node> subjects = new ArrayList<>();
    private final List<Node> predicates = new ArrayList<>();
    private final List<Node> objects = new ArrayList<>();
    private final List<Node> graphs = new ArrayList<>();

    RandomQuads(Random rnd, int terms) {
        this.rnd = rnd;
        for (int i = 0; i < terms; i++) {
            subjects.add(rnd.nextInt(4) == 0 ? NodeFactory.createBlankNode("b" + i) : iri("s" + i));
            objects.add(randomObject(i));
        }
        for (int i = 0; i < Math.max(2, terms / 4); i++) {
            predicates.add(iri("p" + i));
        }
        graphs.add(Quad.defaultGraphIRI);
        for (int i = 0; i < 3; i++) {
            graphs.add(iri("g" + i));
        }
        graphs.add(NodeFactory.createBlankNode("gb"));
    }

    private static Node iri(String local) {
        return NodeFactory.createURI("http://example.org/" + local);
    }

    private Node randomObject(int i) {
        switch (rnd.nextInt(12)) {
            case 0:
                return iri("o" + i);
            case 1:
                return NodeFactory.createBlankNode("ob" + i);
            case 2:
                return NodeFactory.createLiteralString(WORDS[rnd.nextInt(WORDS.length)] + (rnd.nextBoolean() ? "" : i));
            case 3:
                return NodeFactory.createLiteralLang(WORDS[rnd.nextInt(WORDS.length)], rnd.nextBoolean() ? "en" : "fr-CA");
            case 4:
                return NodeFactory.createLiteralDirLang("مرحبا" + i, "ar", rnd.nextBoolean() ? "rtl" : "ltr");
            case 5:
                return NodeFactory.createLiteralDT(Long.toString(rnd.nextInt(2000) - 1000), XSDDatatype.XSDinteger);
            case 6:
                return NodeFactory.createLiteralDT(Long.toString(rnd.nextLong()), XSDDatatype.XSDinteger);
            case 7:
                return NodeFactory.createLiteralDT(rnd.nextBoolean() ? "true" : "false", XSDDatatype.XSDboolean);
            case 8:
                return NodeFactory.createLiteralDT(rnd.nextBoolean() ? "007" : "+5", XSDDatatype.XSDinteger);
            case 9:
                return NodeFactory.createLiteralDT(rnd.nextDouble() + "", XSDDatatype.XSDdouble);
            case 10:
                return NodeFactory.createLiteralString("long ".repeat(60) + i);
            default:
                return NodeFactory.createLiteralDT("2024-01-0" + (1 + rnd.nextInt(9)), XSDDatatype.XSDdate);
        }
    }

    Quad quad() {
        return Quad.create(pick(graphs), pick(subjects), pick(predicates), pick(objects));
    }

    /** A term of the role's pool, or (rarely) one the store never saw, or null for a wildcard. */
    Node patternTerm(int role) {
        if (rnd.nextInt(3) == 0) {
            return null;
        }
        if (rnd.nextInt(20) == 0) {
            return iri("never-" + rnd.nextInt(5));
        }
        switch (role) {
            case 0:
                return pick(subjects);
            case 1:
                return pick(predicates);
            case 2:
                return pick(objects);
            default:
                return pick(graphs);
        }
    }

    /** One of the graphs, the default one included. */
    Node graph() {
        return pick(graphs);
    }

    Node pick(List<Node> from) {
        return from.get(rnd.nextInt(from.size()));
    }
}
