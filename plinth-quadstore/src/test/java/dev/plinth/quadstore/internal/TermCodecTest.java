package dev.plinth.quadstore.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import org.apache.jena.datatypes.xsd.XSDDatatype;
import org.apache.jena.graph.Node;
import org.apache.jena.graph.NodeFactory;
import org.apache.jena.sparql.core.Quad;
import org.junit.jupiter.api.Test;

/** Term bytes and inline ids: what is inlined, that every term decodes to itself, and the pinned layout. */
class TermCodecTest {
    static Node integer(String lex) {
        return NodeFactory.createLiteralDT(lex, XSDDatatype.XSDinteger);
    }

    @Test
    void canonicalSmallLiteralsAreInlinedAndDecodeToThemselves() {
        List<Node> inline = List.of(integer("0"), integer("-1"), integer("42"), integer(Long.toString((1L << 55) - 1)),
                integer(Long.toString(-(1L << 55))), NodeFactory.createLiteralDT("true", XSDDatatype.XSDboolean),
                NodeFactory.createLiteralDT("false", XSDDatatype.XSDboolean), NodeFactory.createLiteralString(""),
                NodeFactory.createLiteralString("abcdefg"), NodeFactory.createLiteralString("été"),
                NodeFactory.createLiteralString("😀"), NodeFactory.createLiteralString("a\u0000b"));
        for (Node n : inline) {
            long id = TermCodec.inlineId(n);
            assertThat(id).as("%s", n).isPositive();
            assertThat(TermCodec.isInline(id)).isTrue();
            assertThat(TermCodec.decodeInline(id)).as("%s", n).isEqualTo(n);
        }
    }

    @Test
    void nonCanonicalOutOfRangeAndOtherTermsGoThroughTheDictionary() {
        List<Node> dictionary = List.of(integer("007"), integer("+5"), integer("-0"), integer(Long.toString(1L << 55)),
                integer(Long.toString(-(1L << 55) - 1)), integer("99999999999999999999"), integer("abc"),
                NodeFactory.createLiteralDT("1", XSDDatatype.XSDboolean), NodeFactory.createLiteralString("abcdefgh"),
                NodeFactory.createLiteralString("ééééé"), NodeFactory.createLiteralLang("a", "en"),
                NodeFactory.createLiteralDT("1", XSDDatatype.XSDint), NodeFactory.createURI("http://x/"),
                NodeFactory.createBlankNode("b"));
        for (Node n : dictionary) {
            assertThat(TermCodec.inlineId(n)).as("%s", n).isEqualTo(-1);
        }
    }

    @Test
    void termBytesDecodeToTheSameTerm() {
        List<Node> terms = List.of(NodeFactory.createURI("http://example.org/ä?x=1#y"), NodeFactory.createBlankNode("b0"),
                NodeFactory.createLiteralString("plain \u0000 😀"), NodeFactory.createLiteralLang("chat", "fr-CA"),
                NodeFactory.createLiteralDirLang("مرحبا", "ar", "rtl"), integer("007"),
                NodeFactory.createLiteralDT("2024-01-01", XSDDatatype.XSDdate),
                NodeFactory.createLiteralDT("x", NodeFactory.getType("http://example.org/myType")), Quad.defaultGraphIRI);
        for (Node n : terms) {
            assertThat(TermCodec.decode(TermCodec.encode(n))).as("%s", n).isEqualTo(n);
        }
    }

    @Test
    void theLayoutIsPinned() {
        assertThat(Long.toHexString(TermCodec.inlineId(integer("-1")))).isEqualTo("1ffffffffffffff");
        assertThat(Long.toHexString(TermCodec.inlineId(integer("5")))).isEqualTo("100000000000005");
        assertThat(Long.toHexString(TermCodec.inlineId(NodeFactory.createLiteralDT("true", XSDDatatype.XSDboolean))))
                .isEqualTo("200000000000001");
        assertThat(Long.toHexString(TermCodec.inlineId(NodeFactory.createLiteralString("ab")))).isEqualTo("1261620000000000");
        assertThat(TermCodec.encode(NodeFactory.createURI("a:b"))).containsExactly(0x15, 0x01, 0x02, 'a', ':', 'b', 0x00);
        long[] ids = {1, 2, TermCodec.inlineId(NodeFactory.createLiteralString("ab")), TermCodec.DEFAULT_GRAPH_ID};
        assertThat(IndexOrder.SPOG.key(new dev.plinth.keys.KeyWriter(), ids)).containsExactly(
                0x15, 0x01, 0x15, 0x02, 0x1c, 0x12, 0x61, 0x62, 0, 0, 0, 0, 0, 0x14);
        assertThat(IndexOrder.GSPO.key(new dev.plinth.keys.KeyWriter(), ids)).containsExactly(
                0x14, 0x15, 0x01, 0x15, 0x02, 0x1c, 0x12, 0x61, 0x62, 0, 0, 0, 0, 0);
    }

    @Test
    void malformedInputIsRefused() {
        assertThatThrownBy(() -> TermCodec.decodeInline(0x7F00000000000000L)).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TermCodec.decode(new byte[] {0x15, 0x09})).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> TermCodec.checkStorable(Node.ANY, "subject")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("subject");
        assertThatThrownBy(() -> TermCodec.encode(NodeFactory.createLiteralString("\uD800")))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void everyPatternHasAnOrderWhoseKeysStartWithExactlyItsBoundComponents() {
        for (int mask = 0; mask < 16; mask++) {
            IndexOrder order = IndexOrder.forPattern(mask);
            int lead = 0;
            for (int i = 0; i < Integer.bitCount(mask); i++) {
                lead |= 1 << order.componentAt(i);
            }
            assertThat(lead).as("pattern %s served by %s", mask, order).isEqualTo(mask);
        }
    }
}
