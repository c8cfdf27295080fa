package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A store cursor over LMDB is lent each entry where it lies in the map ({@code LmdbCursor.lend}), checks it
 * there and copies it once into its own buffer: what it returns must be what was stored, for every size of
 * entry around the buffer's limits, and damage in the file must still come out as corruption.
 */
class LmdbLentScanTest {
    @TempDir
    Path dir;

    private static byte[] key(int i) {
        return String.format("k%05d", i).getBytes(StandardCharsets.UTF_8);
    }

    /** A value of {@code size} bytes that says whose it is in every byte. */
    private static byte[] value(int i, int size) {
        byte[] v = new byte[size];
        for (int j = 0; j < size; j++) {
            v[j] = (byte) (i * 31 + j);
        }
        return v;
    }

    /** Sizes around the cursor's batch budget (64 KiB) and LMDB's page and overflow limits. */
    private static int size(int i) {
        int[] sizes = {0, 1, 100, 2000, 4096, 70_000, 10, 200_000, 3, 65_536};
        return sizes[i % sizes.length];
    }

    @Test
    void scansReturnWhatWasStoredForEntriesOfEverySizeForwardInReverseAndAfterSeeks() {
        try (Store s = Plinth.open("lmdb:" + dir)) {
            Keyspace ks = s.defaultKeyspace();
            int count = 120;
            for (int i = 0; i < count; i++) {
                ks.put(key(i), value(i, size(i)));
            }
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward())) {
                for (int i = 0; i < count; i++) {
                    assertThat(c.next()).isTrue();
                    assertThat(c.key()).as("key %d", i).isEqualTo(key(i));
                    ByteBuffer view = c.valueView();
                    byte[] viewed = new byte[view.remaining()];
                    view.get(viewed);
                    assertThat(viewed).as("value view %d", i).isEqualTo(value(i, size(i)));
                    assertThat(c.value()).as("value %d", i).isEqualTo(value(i, size(i)));
                    assertThat(c.keyView()).isEqualTo(ByteBuffer.wrap(key(i)));
                    if (i == 50) {
                        c.seek(key(90));
                        i = 89;
                    }
                }
                assertThat(c.next()).isFalse();
            }
            try (Cursor c = ks.cursor(Range.of(key(7), key(77)), ScanOptions.reverse())) {
                for (int i = 76; i >= 7; i--) {
                    assertThat(c.next()).isTrue();
                    assertThat(c.key()).isEqualTo(key(i));
                    assertThat(c.value()).as("value %d", i).isEqualTo(value(i, size(i)));
                }
                assertThat(c.next()).isFalse();
            }
            byte[] first = null;
            try (Cursor c = ks.cursor(Range.all(), ScanOptions.forward().withKeysOnly(true))) {
                int n = 0;
                while (c.next()) {
                    if (first == null) {
                        first = c.key();
                    }
                    n++;
                }
                assertThat(n).isEqualTo(count);
            }
            first[0] = 'X'; // the caller's array: changing it changes nothing stored
            assertThat(ks.get(key(0))).isEqualTo(value(0, size(0)));
        }
    }

    /**
     * A value byte changed in {@code data.mdb} fails its CRC32C on a lent scan, forward, in reverse and keys
     * only, naming the key; the walk goes on past it to the entries after it.
     */
    @Test
    void aValueChangedInTheFileFailsItsChecksumAndTheWalkGoesOnPastIt() throws IOException {
        byte[] marker = "a value damaged on disk, marker 6f1c".getBytes(StandardCharsets.UTF_8);
        try (Store s = Plinth.open("lmdb:" + dir)) {
            Keyspace ks = s.defaultKeyspace();
            for (int i = 0; i < 50; i++) {
                ks.put(key(i), i == 25 ? marker : value(i, 100));
            }
        }
        Path data = dir.resolve("data.mdb");
        byte[] file = Files.readAllBytes(data);
        // Every copy of the value's page (LMDB copies a page on write and leaves the old one free).
        int copies = 0;
        for (int at = indexOf(file, marker, 0); at >= 0; at = indexOf(file, marker, at + 1)) {
            file[at + 10] ^= 0x04;
            copies++;
        }
        assertThat(copies).as("the value is stored inline in a page").isPositive();
        Files.write(data, file);

        try (Store s = Plinth.open("lmdb:" + dir)) {
            Keyspace ks = s.defaultKeyspace();
            for (ScanOptions options : List.of(ScanOptions.forward(), ScanOptions.reverse(),
                    ScanOptions.forward().withKeysOnly(true))) {
                List<String> keys = new ArrayList<>();
                List<CorruptionException> damage = new ArrayList<>();
                try (Cursor c = ks.cursor(Range.all(), options)) {
                    while (true) {
                        try {
                            if (!c.next()) {
                                break;
                            }
                            keys.add(new String(c.key(), StandardCharsets.UTF_8));
                        } catch (CorruptionException e) {
                            damage.add(e);
                        }
                        assertThat(damage).as("the walk goes on past the damage").hasSizeLessThan(2);
                    }
                }
                assertThat(damage).as(options.toString()).singleElement()
                        .satisfies(e -> assertThat(e.getMessage()).contains("lmdb:", "CRC32C",
                                dev.plinth.internal.Bytes.hex(key(25))));
                assertThat(keys).as(options.toString()).hasSize(49).doesNotContain("k00025");
            }
            assertThatThrownBy(() -> ks.get(key(25))).isInstanceOf(CorruptionException.class);
        }
    }

    private static int indexOf(byte[] in, byte[] what, int from) {
        outer:
        for (int i = from; i + what.length <= in.length; i++) {
            for (int j = 0; j < what.length; j++) {
                if (in[i + j] != what[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }
}
