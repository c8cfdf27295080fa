package dev.plinth.testkit.contract;

import static dev.plinth.testkit.contract.Bytes.bytes;
import static dev.plinth.testkit.contract.Bytes.raw;
import static dev.plinth.testkit.contract.Bytes.show;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Cursor;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.testkit.ContractSupport;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Proves ordering and ranges: keys sort as unsigned bytes, ranges are half-open with {@code null} as
 * unbounded in every combination, prefix ranges (empty and all-{@code 0xFF} prefixes included), reverse
 * order, seek in both directions (inside and outside the range), limits (zero, and counting across
 * seek), keys-only cursors, empty stores and empty ranges, range deletes, and that a cursor over one
 * keyspace never returns another keyspace's keys.
 */
public interface RangeContract extends ContractSupport {
    /**
     * The keys of the bound-combination tests, in unsigned order.
     *
     * @return new arrays
     */
    static List<byte[]> sampleKeys() {
        return List.of(raw(0x00), raw(0x00, 0x00), raw(0x01), bytes("a"), bytes("ab"), raw('a', 'b', 0xFF),
                bytes("b"), raw(0x7F), raw(0x7F, 0xFF), raw(0x80), raw(0x80, 0x00), raw(0xFE, 0xFF), raw(0xFF),
                raw(0xFF, 0x00), raw(0xFF, 0xFF), raw(0xFF, 0xFF, 0xFF));
    }

    /**
     * Range bounds to combine: present keys, keys between them, and keys outside them.
     *
     * @return new arrays
     */
    static List<byte[]> sampleBounds() {
        return List.of(raw(0x00), raw(0x00, 0x00), raw(0x00, 0x01), bytes("a"), bytes("aa"), bytes("ab"),
                raw('a', 'b', 0x00), bytes("b"), bytes("c"), raw(0x7F), raw(0x7F, 0xFF, 0xFF), raw(0x80),
                raw(0x81), raw(0xFF), raw(0xFF, 0xFF), raw(0xFF, 0xFF, 0xFF, 0xFF));
    }

    private void fillSample(Keyspace ks) {
        for (byte[] k : sampleKeys()) {
            ks.put(k, Bytes.concat(bytes("v"), k));
        }
    }

    private static List<String> expected(Range r, boolean reverse, long limit) {
        List<String> out = new ArrayList<>();
        for (byte[] k : sampleKeys()) {
            if (r.contains(k)) {
                out.add(show(k));
            }
        }
        if (reverse) {
            Collections.reverse(out);
        }
        return out.subList(0, (int) Math.min(limit, out.size()));
    }

    private void checkEveryCombination(boolean reverse, long limit) {
        Keyspace ks = defaultKs();
        fillSample(ks);
        List<byte[]> bounds = new ArrayList<>();
        bounds.add(null);
        bounds.addAll(sampleBounds());
        ScanOptions opts = ScanOptions.forward().withReverse(reverse);
        if (limit != Long.MAX_VALUE) {
            opts = opts.withLimit(limit);
        }
        int checked = 0;
        for (byte[] start : bounds) {
            for (byte[] end : bounds) {
                if (start != null && end != null && Arrays.compareUnsigned(start, end) > 0) {
                    continue;
                }
                Range r = Range.of(start, end);
                assertThat(keysIn(store(), ks, r, opts)).as("range %s, %s", r, opts)
                        .containsExactlyElementsOf(expected(r, reverse, limit));
                checked++;
            }
        }
        assertThat(checked).isGreaterThan(100);
    }

    @Test
    default void everyCombinationOfBoundsForward() {
        checkEveryCombination(false, Long.MAX_VALUE);
    }

    @Test
    default void everyCombinationOfBoundsReverse() {
        checkEveryCombination(true, Long.MAX_VALUE);
    }

    @Test
    default void everyCombinationOfBoundsWithLimit() {
        checkEveryCombination(false, 2);
        checkEveryCombination(true, 3);
    }

    @Test
    default void rangesAreHalfOpen() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c", "d");
        assertThat(keysIn(store(), ks, Range.of(bytes("b"), bytes("d")), ScanOptions.forward()))
                .containsExactly("b", "c");
        assertThat(keysIn(store(), ks, Range.of(bytes("b"), bytes("d")), ScanOptions.reverse()))
                .containsExactly("c", "b");
        assertThat(keysIn(store(), ks, Range.from(bytes("c")), ScanOptions.forward())).containsExactly("c", "d");
        assertThat(keysIn(store(), ks, Range.until(bytes("c")), ScanOptions.forward())).containsExactly("a", "b");
        assertThat(keysIn(store(), ks, Range.until(bytes("c")), ScanOptions.reverse())).containsExactly("b", "a");
        assertThat(keysIn(store(), ks, Range.from(bytes("c")), ScanOptions.reverse())).containsExactly("d", "c");
    }

    @Test
    default void keysSortAsUnsignedBytes() {
        Keyspace ks = defaultKs();
        for (int b : new int[] {0xFF, 0x80, 0x7F, 0x00, 0x01, 0x81, 0xFE}) {
            ks.put(raw(b), raw(b));
        }
        assertThat(keysIn(ks)).containsExactly("0x00", "0x01", "0x7f", "0x80", "0x81", "0xfe", "0xff");
        assertThat(keysIn(store(), ks, Range.all(), ScanOptions.reverse()))
                .containsExactly("0xff", "0xfe", "0x81", "0x80", "0x7f", "0x01", "0x00");
        assertThat(keysIn(store(), ks, Range.from(raw(0x80)), ScanOptions.forward()))
                .containsExactly("0x80", "0x81", "0xfe", "0xff");
        assertThat(keysIn(store(), ks, Range.until(raw(0x80)), ScanOptions.forward()))
                .containsExactly("0x00", "0x01", "0x7f");
    }

    @Test
    default void prefixRangeHoldsExactlyTheKeysWithThePrefix() {
        Keyspace ks = defaultKs();
        for (byte[] k : List.of(bytes("a"), raw('a', 'a', 0xFF), bytes("ab"), raw('a', 'b', 0), bytes("abz"),
                raw('a', 'b', 0xFF, 0xFF), bytes("ac"), raw('a', 'c', 0))) {
            ks.put(k, bytes("v"));
        }
        assertThat(keysIn(store(), ks, Range.prefix(bytes("ab")), ScanOptions.forward()))
                .containsExactly("ab", "0x616200", "abz", "0x6162ffff");
        assertThat(keysIn(store(), ks, Range.prefix(bytes("ab")), ScanOptions.reverse()))
                .containsExactly("0x6162ffff", "abz", "0x616200", "ab");
    }

    @Test
    default void allFfPrefixRangesReachTheLastKey() {
        Keyspace ks = defaultKs();
        Keyspace after = store().createKeyspace("zz-after");
        fill(after, "x");
        after.put(raw(0xFF, 0xFF, 0xFF), bytes("other keyspace"));
        for (byte[] k : List.of(raw(0xFE), raw(0xFE, 0xFF), raw(0xFF), raw(0xFF, 0x00), raw(0xFF, 0xFE),
                raw(0xFF, 0xFF), raw(0xFF, 0xFF, 0x00), raw(0xFF, 0xFF, 0xFF))) {
            ks.put(k, bytes("v"));
        }
        assertThat(keysIn(store(), ks, Range.prefix(raw(0xFF)), ScanOptions.forward()))
                .containsExactly("0xff", "0xff00", "0xfffe", "0xffff", "0xffff00", "0xffffff");
        assertThat(keysIn(store(), ks, Range.prefix(raw(0xFF)), ScanOptions.reverse()))
                .containsExactly("0xffffff", "0xffff00", "0xffff", "0xfffe", "0xff00", "0xff");
        assertThat(keysIn(store(), ks, Range.prefix(raw(0xFF, 0xFF)), ScanOptions.forward()))
                .containsExactly("0xffff", "0xffff00", "0xffffff");
        assertThat(keysIn(store(), ks, Range.prefix(raw(0xFF, 0xFF)), ScanOptions.reverse()))
                .containsExactly("0xffffff", "0xffff00", "0xffff");
    }

    @Test
    default void emptyPrefixIsEveryKey() {
        Keyspace ks = defaultKs();
        fillSample(ks);
        List<String> all = new ArrayList<>();
        for (byte[] k : sampleKeys()) {
            all.add(show(k));
        }
        assertThat(keysIn(store(), ks, Range.prefix(new byte[0]), ScanOptions.forward()))
                .containsExactlyElementsOf(all);
        Collections.reverse(all);
        assertThat(keysIn(store(), ks, Range.prefix(new byte[0]), ScanOptions.reverse()))
                .containsExactlyElementsOf(all);
    }

    @Test
    default void cursorReturnsValuesWithTheirKeys() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c");
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
            assertThat(Bytes.entriesOf(c)).containsExactly("c=v-c", "b=v-b", "a=v-a");
        }
    }

    @Test
    default void seekForwardGoesToTheFirstKeyAtOrAfter() {
        Keyspace ks = defaultKs();
        fill(ks, "b", "d", "f", "h");
        try (Cursor c = ks.cursor(Range.of(bytes("c"), bytes("h")))) {
            c.seek(bytes("d"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).isEqualTo("d");
            c.seek(bytes("e"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).as("gap: next key after").isEqualTo("f");
            c.seek(bytes("a"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).as("before the range: its first key").isEqualTo("d");
            c.seek(bytes("g"));
            assertThat(c.next()).as("past the last key in range; h is the excluded end").isFalse();
            c.seek(bytes("z"));
            assertThat(c.next()).as("after the range").isFalse();
        }
    }

    @Test
    default void seekReverseGoesToTheLastKeyAtOrBefore() {
        Keyspace ks = defaultKs();
        fill(ks, "b", "d", "f", "h");
        try (Cursor c = ks.cursor(Range.of(bytes("c"), bytes("h")), ScanOptions.reverse())) {
            c.seek(bytes("f"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).isEqualTo("f");
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).isEqualTo("d");
            c.seek(bytes("e"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).as("gap: next key below").isEqualTo("d");
            c.seek(bytes("z"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).as("above the range: its last key, not the excluded end").isEqualTo("f");
            c.seek(bytes("h"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).as("seek to the excluded end").isEqualTo("f");
            c.seek(bytes("c"));
            assertThat(c.next()).as("below the first key in range").isFalse();
            c.seek(bytes("a"));
            assertThat(c.next()).as("below the range").isFalse();
        }
    }

    @Test
    default void seekAfterExhaustionAndBackwardsRestartsTheWalk() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c");
        try (Cursor c = ks.cursor(Range.all())) {
            assertThat(Bytes.keysOf(c)).containsExactly("a", "b", "c");
            assertThat(c.next()).as("stays exhausted").isFalse();
            c.seek(bytes("b"));
            assertThat(Bytes.keysOf(c)).containsExactly("b", "c");
            c.seek(bytes("a"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).isEqualTo("a");
        }
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.reverse())) {
            assertThat(Bytes.keysOf(c)).containsExactly("c", "b", "a");
            c.seek(bytes("b"));
            assertThat(Bytes.keysOf(c)).containsExactly("b", "a");
        }
    }

    @Test
    default void limitCapsTheEntriesInEitherDirection() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c", "d");
        assertThat(keysIn(store(), ks, Range.all(), ScanOptions.forward().withLimit(2))).containsExactly("a", "b");
        assertThat(keysIn(store(), ks, Range.all(), ScanOptions.reverse().withLimit(2))).containsExactly("d", "c");
        assertThat(keysIn(store(), ks, Range.all(), ScanOptions.forward().withLimit(10)))
                .containsExactly("a", "b", "c", "d");
        assertThat(Bytes.keys(ks.scan(Range.from(bytes("b")), ScanOptions.forward().withLimit(1))))
                .containsExactly("b");
    }

    @Test
    default void limitZeroReturnsNothing() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward().withLimit(0))) {
            assertThat(c.next()).isFalse();
            c.seek(bytes("a"));
            assertThat(c.next()).isFalse();
        }
        assertThat(ks.scan(Range.all(), ScanOptions.reverse().withLimit(0))).isEmpty();
    }

    @Test
    default void limitKeepsCountingAcrossSeek() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c", "d", "e");
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward().withLimit(3))) {
            assertThat(c.next()).isTrue();
            assertThat(c.next()).isTrue();
            c.seek(bytes("a"));
            assertThat(c.next()).isTrue();
            assertThat(show(c.key())).isEqualTo("a");
            assertThat(c.next()).as("limit of 3 reached").isFalse();
            c.seek(bytes("d"));
            assertThat(c.next()).as("still at the limit after another seek").isFalse();
        }
    }

    @Test
    default void keysOnlyCursorsReturnKeysAndRefuseValues() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b");
        try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward().withKeysOnly(true))) {
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(bytes("a"));
            assertThatThrownBy(c::value).isInstanceOf(IllegalStateException.class);
            assertThat(c.next()).isTrue();
            assertThat(c.key()).isEqualTo(bytes("b"));
        }
        List<KeyValue> scanned = ks.scan(Range.all(), ScanOptions.reverse().withKeysOnly(true));
        assertThat(Bytes.keys(scanned)).containsExactly("b", "a");
        assertThat(scanned).allSatisfy(kv -> assertThat(kv.value()).isNull());
    }

    @Test
    default void emptyStoreHasNoEntries() {
        Keyspace ks = defaultKs();
        try (Cursor f = ks.cursor(Range.all()); Cursor r = ks.cursor(Range.all(), ScanOptions.reverse())) {
            assertThat(f.next()).isFalse();
            assertThat(r.next()).isFalse();
            f.seek(bytes("a"));
            r.seek(bytes("a"));
            assertThat(f.next()).isFalse();
            assertThat(r.next()).isFalse();
        }
        assertThat(ks.scan(Range.prefix(raw(0xFF)), ScanOptions.reverse())).isEmpty();
    }

    @Test
    default void rangeWhoseStartEqualsItsEndIsEmpty() {
        Keyspace ks = defaultKs();
        fill(ks, "a", "b", "c");
        Range r = Range.of(bytes("b"), bytes("b"));
        assertThat(r.isEmpty()).isTrue();
        assertThat(keysIn(store(), ks, r, ScanOptions.forward())).isEmpty();
        assertThat(keysIn(store(), ks, r, ScanOptions.reverse())).isEmpty();
        try (Cursor c = ks.cursor(r)) {
            c.seek(bytes("b"));
            assertThat(c.next()).isFalse();
        }
        ks.deleteRange(r);
        assertThat(keysIn(ks)).containsExactly("a", "b", "c");
    }

    @Test
    default void invertedRangesAreRejected() {
        assertThatThrownBy(() -> Range.of(bytes("b"), bytes("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Range.of(bytes("ab"), bytes("a"))).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> Range.of(raw(0xFF), raw(0x00)))
                .as("unsigned comparison").isInstanceOf(IllegalArgumentException.class);
        assertThat(Range.of(raw(0x00), raw(0xFF)).contains(raw(0x80))).isTrue();
    }

    @Test
    default void cursorOverOneKeyspaceNeverSeesAnother() {
        List<String> names = List.of("a", "a0", "a-", "a.b", "b", "default");
        store().createKeyspace("a");
        for (String n : names) {
            Keyspace ks = store().createKeyspace(n);
            for (byte[] k : List.of(raw(0x00), bytes("k"), raw(0xFF), raw(0xFF, 0xFF), bytes(n))) {
                ks.put(k, bytes(n));
            }
        }
        for (String n : names) {
            Keyspace ks = store().keyspace(n);
            List<String> expected = new ArrayList<>(List.of("0x00", "k", "0xff", "0xffff"));
            expected.add(n);
            expected.sort((x, y) -> Arrays.compareUnsigned(bytesOf(x), bytesOf(y)));
            assertThat(keysIn(ks)).as("keyspace %s", n).containsExactlyElementsOf(expected);
            List<String> rev = new ArrayList<>(expected);
            Collections.reverse(rev);
            assertThat(keysIn(store(), ks, Range.all(), ScanOptions.reverse())).as("keyspace %s reverse", n)
                    .containsExactlyElementsOf(rev);
            assertThat(keysIn(store(), ks, Range.prefix(raw(0xFF)), ScanOptions.reverse()))
                    .as("keyspace %s 0xff prefix", n).containsExactly("0xffff", "0xff");
            for (KeyValue kv : ks.scan(Range.all(), ScanOptions.forward())) {
                assertThat(kv.value()).as("value in keyspace %s", n).isEqualTo(bytes(n));
            }
            for (String other : names) {
                if (!other.equals(n) && !other.startsWith(n) && !n.startsWith(other)) {
                    assertThat(ks.contains(bytes(other))).as("%s in %s", other, n).isFalse();
                }
            }
        }
    }

    /**
     * Parses the {@link Bytes#show(byte[])} form back into bytes.
     *
     * @param shown the shown form
     * @return the bytes
     */
    private static byte[] bytesOf(String shown) {
        return shown.startsWith("0x") ? java.util.HexFormat.of().parseHex(shown.substring(2)) : bytes(shown);
    }

    @Test
    default void deleteRangeIsHalfOpenAndStaysInItsKeyspace() {
        Keyspace ks = defaultKs();
        Keyspace other = store().createKeyspace("other");
        fill(ks, "a", "b", "c", "d");
        ks.put(raw('c', 0xFF), bytes("v"));
        fill(other, "a", "b", "c", "d");
        ks.deleteRange(Range.of(bytes("b"), bytes("d")));
        assertThat(keysIn(ks)).containsExactly("a", "d");
        assertThat(keysIn(other)).containsExactly("a", "b", "c", "d");
        ks.deleteRange(Range.until(bytes("b")));
        assertThat(keysIn(ks)).containsExactly("d");
        fill(ks, "x", "y");
        ks.deleteRange(Range.from(bytes("x")));
        assertThat(keysIn(ks)).containsExactly("d");
        other.deleteRange(Range.all());
        assertThat(keysIn(other)).isEmpty();
        assertThat(keysIn(ks)).containsExactly("d");
    }

    @Test
    default void deleteRangeOverPrefixOfFfKeys() {
        Keyspace ks = defaultKs();
        Keyspace next = store().createKeyspace("next");
        next.put(raw(0x00), bytes("v"));
        for (byte[] k : List.of(raw(0xFE), raw(0xFF), raw(0xFF, 0xFF), raw(0xFF, 0xFF, 0xFF))) {
            ks.put(k, bytes("v"));
        }
        ks.deleteRange(Range.prefix(raw(0xFF)));
        assertThat(keysIn(ks)).containsExactly("0xfe");
        assertThat(keysIn(next)).containsExactly("0x00");
    }

    @Test
    default void scanMatchesTheCursor() {
        Keyspace ks = defaultKs();
        fillSample(ks);
        List<ScanOptions> options = List.of(ScanOptions.forward(), ScanOptions.reverse(),
                ScanOptions.forward().withLimit(3), ScanOptions.reverse().withLimit(4).withKeysOnly(true),
                ScanOptions.forward().withKeysOnly(true));
        List<Range> ranges = List.of(Range.all(), Range.prefix(raw(0xFF)), Range.of(bytes("a"), raw(0x80)),
                Range.from(raw(0x7F)), Range.until(bytes("b")));
        for (ScanOptions o : options) {
            for (Range r : ranges) {
                List<String> viaCursor = new ArrayList<>();
                try (Cursor c = ks.cursor(r, o)) {
                    while (c.next()) {
                        viaCursor.add(show(c.key()) + "=" + (o.isKeysOnly() ? "null" : show(c.value())));
                    }
                }
                assertThat(Bytes.entries(ks.scan(r, o))).as("%s %s keyspace scan", r, o)
                        .containsExactlyElementsOf(viaCursor);
                assertThat(Bytes.entries(store().scan(ks, r, o))).as("%s %s store scan", r, o)
                        .containsExactlyElementsOf(viaCursor);
                assertThat(viaCursor).as("%s %s", r, o).hasSize(expected(r, o.isReverse(), o.limit()).size());
            }
        }
    }
}
