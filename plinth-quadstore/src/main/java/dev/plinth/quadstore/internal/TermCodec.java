package dev.plinth.quadstore.internal;

import dev.plinth.keys.KeyReader;
import dev.plinth.keys.KeyWriter;
import java.nio.charset.StandardCharsets;
import org.apache.jena.datatypes.RDFDatatype;
import org.apache.jena.datatypes.TypeMapper;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.graph.TextDirection;
import org.apache.jena.sparql.core.Quad;

/**
 * The two forms of an RDF term: its <em>term bytes</em> (what the dictionary stores) and its 64-bit id, which
 * is either a dictionary id or an <em>inline id</em> that holds the term itself. The layout is specified in
 * {@code docs/format/quadstore.md}; these numbers never change.
 *
 * <p>The top byte of an id is its tag: {@link #TAG_DICTIONARY} for a dictionary id (a sequence number,
 * {@link #DEFAULT_GRAPH_ID} for the default graph), {@link #TAG_INTEGER} for an {@code xsd:integer} in
 * canonical form whose value fits 56 bits, {@link #TAG_BOOLEAN} for {@code "true"} and {@code "false"} as
 * {@code xsd:boolean}, and {@code TAG_STRING + n} for an {@code xsd:string} of {@code n <= 7} UTF-8 bytes.
 * Every tag is below 0x80, so every id is non-negative. Only canonical lexical forms are inlined, so that
 * decoding gives back the very term that was encoded ({@code "007"^^xsd:integer} is a dictionary term).
 *
 * <p>Stateless and thread-safe.
 */
public final class TermCodec {
    private TermCodec() {
    }

    /** The tag of a dictionary id. */
    public static final int TAG_DICTIONARY = 0x00;
    /** The tag of an inline {@code xsd:integer}: the value in the low 56 bits, two's complement. */
    public static final int TAG_INTEGER = 0x01;
    /** The tag of an inline {@code xsd:boolean}: the value in the lowest bit. */
    public static final int TAG_BOOLEAN = 0x02;
    /** The tag of an inline {@code xsd:string} of 0 bytes; {@code + n} for {@code n} bytes, up to 7. */
    public static final int TAG_STRING = 0x10;
    /** The longest inline string, in UTF-8 bytes. */
    public static final int MAX_INLINE_STRING = 7;
    /** The id of the default graph, reserved: no dictionary entry. */
    public static final long DEFAULT_GRAPH_ID = 0;
    /** The first id the dictionary assigns. */
    public static final long FIRST_DICTIONARY_ID = 1;
    /** The largest dictionary id (56 bits). */
    public static final long MAX_DICTIONARY_ID = (1L << 56) - 1;

    private static final long MIN_INLINE_INTEGER = -(1L << 55);
    private static final long MAX_INLINE_INTEGER = (1L << 55) - 1;
    private static final long LOW_56 = (1L << 56) - 1;

    // Kinds of term bytes: the first element of the encoded tuple.
    private static final int KIND_IRI = 1;
    private static final int KIND_BLANK = 2;
    private static final int KIND_STRING = 3;
    private static final int KIND_LANG = 4;
    private static final int KIND_DIR_LANG = 5;
    private static final int KIND_TYPED = 6;

    /**
     * The tag of an id.
     *
     * @param id the id
     * @return its top byte
     */
    public static int tag(long id) {
        return (int) (id >>> 56);
    }

    /**
     * Whether an id holds its term itself.
     *
     * @param id the id
     * @return {@code true} for an inline id
     */
    public static boolean isInline(long id) {
        return tag(id) != TAG_DICTIONARY;
    }

    /**
     * Whether a node is the default graph, by either of Jena's names for it.
     *
     * @param node a concrete node
     * @return {@code true} for the default graph
     */
    public static boolean isDefaultGraph(Node node) {
        return Quad.isDefaultGraph(node);
    }

    /**
     * The inline id of a term, if it has one.
     *
     * @param node a concrete term
     * @return its inline id, or {@code -1} if it must go through the dictionary
     */
    public static long inlineId(Node node) {
        if (!node.isLiteral() || !node.getLiteralLanguage().isEmpty()) {
            return -1;
        }
        String lex = node.getLiteralLexicalForm();
        RDFDatatype dt = node.getLiteralDatatype();
        if (dt == XSDDatatype.XSDstring) {
            if (lex.length() > MAX_INLINE_STRING) {
                return -1;
            }
            byte[] utf8 = lex.getBytes(StandardCharsets.UTF_8);
            if (utf8.length > MAX_INLINE_STRING || !new String(utf8, StandardCharsets.UTF_8).equals(lex)) {
                return -1; // too long, or an unpaired surrogate that UTF-8 cannot carry
            }
            long id = (long) (TAG_STRING + utf8.length) << 56;
            for (int i = 0; i < utf8.length; i++) {
                id |= (utf8[i] & 0xFFL) << (48 - 8 * i);
            }
            return id;
        }
        if (dt == XSDDatatype.XSDboolean) {
            if (lex.equals("true")) {
                return ((long) TAG_BOOLEAN << 56) | 1;
            }
            return lex.equals("false") ? (long) TAG_BOOLEAN << 56 : -1;
        }
        if (dt == XSDDatatype.XSDinteger && lex.length() <= 18 && !lex.isEmpty()) {
            long v;
            try {
                v = Long.parseLong(lex);
            } catch (NumberFormatException e) {
                return -1;
            }
            if (v < MIN_INLINE_INTEGER || v > MAX_INLINE_INTEGER || !Long.toString(v).equals(lex)) {
                return -1; // out of range, or not canonical ("+1", "01", "-0")
            }
            return ((long) TAG_INTEGER << 56) | (v & LOW_56);
        }
        return -1;
    }

    /**
     * The term an inline id holds.
     *
     * @param id an inline id
     * @return the term
     * @throws IllegalArgumentException if the id is not a valid inline id
     */
    public static Node decodeInline(long id) {
        int tag = tag(id);
        if (tag == TAG_INTEGER) {
            long v = (id << 8) >> 8;
            return NodeFactory.createLiteralDT(Long.toString(v), XSDDatatype.XSDinteger);
        }
        if (tag == TAG_BOOLEAN && (id & LOW_56) <= 1) {
            return NodeFactory.createLiteralDT((id & 1) == 1 ? "true" : "false", XSDDatatype.XSDboolean);
        }
        if (tag >= TAG_STRING && tag <= TAG_STRING + MAX_INLINE_STRING) {
            int n = tag - TAG_STRING;
            byte[] utf8 = new byte[n];
            for (int i = 0; i < n; i++) {
                utf8[i] = (byte) (id >>> (48 - 8 * i));
            }
            return NodeFactory.createLiteralString(new String(utf8, StandardCharsets.UTF_8));
        }
        throw new IllegalArgumentException("id 0x" + Long.toHexString(id) + " is not a valid inline id");
    }

    /**
     * Checks that a node can be stored: an IRI, a blank node or a literal (not a variable, a wildcard or a
     * triple term), whose strings UTF-8 can carry.
     *
     * @param node the node
     * @param role what it is in the quad, for the message
     * @throws IllegalArgumentException if it cannot be stored
     */
    public static void checkStorable(Node node, String role) {
        if (node == null) {
            throw new NullPointerException(role);
        }
        if (!(node.isURI() || node.isBlank() || node.isLiteral())) {
            throw new IllegalArgumentException("the " + role + " " + node
                    + " cannot be stored: only IRIs, blank nodes and literals can (not variables, wildcards or triple terms)");
        }
    }

    /**
     * The term bytes of a term.
     *
     * @param node an IRI, blank node or literal
     * @return a new array
     * @throws IllegalArgumentException if the node is of another kind or holds an unpaired surrogate
     */
    public static byte[] encode(Node node) {
        KeyWriter w = new KeyWriter(32);
        if (node.isURI()) {
            w.writeInt(KIND_IRI).writeString(node.getURI());
        } else if (node.isBlank()) {
            w.writeInt(KIND_BLANK).writeString(node.getBlankNodeLabel());
        } else if (node.isLiteral()) {
            String lex = node.getLiteralLexicalForm();
            String lang = node.getLiteralLanguage();
            if (!lang.isEmpty()) {
                TextDirection dir = node.getLiteralBaseDirection();
                if (dir == null) {
                    w.writeInt(KIND_LANG).writeString(lex).writeString(lang);
                } else {
                    w.writeInt(KIND_DIR_LANG).writeString(lex).writeString(lang).writeString(dir.direction());
                }
            } else if (node.getLiteralDatatype() == XSDDatatype.XSDstring) {
                w.writeInt(KIND_STRING).writeString(lex);
            } else {
                w.writeInt(KIND_TYPED).writeString(lex).writeString(node.getLiteralDatatypeURI());
            }
        } else {
            throw new IllegalArgumentException("the node " + node + " is not an RDF term that can be stored");
        }
        return w.toByteArray();
    }

    /**
     * The term that term bytes describe.
     *
     * @param bytes term bytes written by {@link #encode(Node)}
     * @return the term
     * @throws IllegalArgumentException if the bytes are malformed
     */
    public static Node decode(byte[] bytes) {
        KeyReader r = new KeyReader(bytes);
        int kind = r.readInt();
        Node node;
        switch (kind) {
            case KIND_IRI:
                node = NodeFactory.createURI(r.readString());
                break;
            case KIND_BLANK:
                node = NodeFactory.createBlankNode(r.readString());
                break;
            case KIND_STRING:
                node = NodeFactory.createLiteralString(r.readString());
                break;
            case KIND_LANG: {
                String lex = r.readString();
                node = NodeFactory.createLiteralLang(lex, r.readString());
                break;
            }
            case KIND_DIR_LANG: {
                String lex = r.readString();
                String lang = r.readString();
                node = NodeFactory.createLiteralDirLang(lex, lang, TextDirection.create(r.readString()));
                break;
            }
            case KIND_TYPED: {
                String lex = r.readString();
                node = NodeFactory.createLiteralDT(lex, TypeMapper.getInstance().getSafeTypeByName(r.readString()));
                break;
            }
            default:
                throw new IllegalArgumentException("term bytes of unknown kind " + kind);
        }
        if (r.hasMore()) {
            throw new IllegalArgumentException("term bytes with " + (bytes.length - r.position()) + " bytes left over");
        }
        return node;
    }
}
