package dev.plinth.lmdb;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.StorageFullException;
import dev.plinth.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A keyspace drop that LMDB refuses changes nothing: with a tiny map that cannot grow while a snapshot is
 * open, the drop fails with {@link StorageFullException}, and the keyspace, its handles, the snapshot's and
 * the cursor's views of it all stay as they were.
 */
class LmdbDropTest {
    /** Entries in the keyspace that is dropped; runs with several sizes, since LMDB needs a page at a different step for each. */
    private static final int[] SIZES = {5, 20, 100};

    @TempDir
    Path dir;

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String key(int i) {
        return String.format("k%03d", i);
    }

    @Test
    void aDropRefusedForAFullMapChangesNothing() {
        int refused = 0;
        for (int size : SIZES) {
            if (dropWithTheMapFull(dir.resolve("store-" + size), size)) {
                refused++;
            }
        }
        assertThat(refused).as("drops refused for a full map, of %s", SIZES.length).isPositive();
    }

    /** Fills the map behind an open snapshot, then drops; returns whether the drop was refused. */
    private static boolean dropWithTheMapFull(Path storeDir, int size) {
        try (Store s = Plinth.open("lmdb:" + storeDir + "?mapSize=64k&resizeTimeout=0")) {
            Keyspace ks = s.createKeyspace("t");
            Keyspace other = s.createKeyspace("other");
            for (int i = 0; i < size; i++) {
                ks.put(b(key(i)), b("v" + i));
            }
            boolean refused;
            try (Snapshot untouched = s.snapshot(); Snapshot snap = s.snapshot();
                 Cursor c = snap.cursor(ks, Range.all(), ScanOptions.forward())) {
                assertThat(c.next()).isTrue();
                int written = 0;
                try {
                    while (written < 100_000) {
                        other.put(b("x" + written), new byte[200]);
                        written++;
                    }
                } catch (StorageFullException e) {
                    // the map cannot grow under the open snapshots
                }
                StorageFullException failure = null;
                try {
                    s.dropKeyspace("t");
                } catch (StorageFullException e) {
                    failure = e;
                }
                refused = failure != null;
                if (refused) {
                    assertThat(failure).hasMessageContaining("dropKeyspace t").hasMessageContaining(storeDir.toString());
                    assertThat(s.keyspaces()).as("size %d", size).containsExactly("default", "other", "t");
                    assertThat(ks.get(b(key(0)))).as("the old handle reads").isEqualTo(b("v0"));
                    assertThat(s.keyspace("t").get(b(key(size - 1)))).isEqualTo(b("v" + (size - 1)));
                    assertThat(untouched.get(ks, b(key(1 % size)))).as("a snapshot that had not read it")
                            .isEqualTo(b("v" + (1 % size)));
                    assertThat(snap.scan(ks, Range.all(), ScanOptions.reverse())).as("the snapshot").hasSize(size);
                    List<String> rest = new ArrayList<>();
                    while (c.next()) {
                        rest.add(new String(c.key(), StandardCharsets.UTF_8));
                    }
                    assertThat(rest).as("the cursor").hasSize(size - 1);
                }
            }
            // With the snapshots closed the map can grow, and the drop goes through.
            if (refused) {
                assertThat(s.dropKeyspace("t")).isTrue();
            }
            assertThat(s.keyspaces()).containsExactly("default", "other");
            return refused;
        }
    }
}
