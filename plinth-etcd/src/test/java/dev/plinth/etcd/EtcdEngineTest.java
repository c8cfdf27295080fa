package dev.plinth.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ForeignFilesException;
import dev.plinth.Keyspace;
import dev.plinth.KeyValue;
import dev.plinth.LimitExceededException;
import dev.plinth.NoSuchStoreException;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** What the etcd engine promises beyond the conformance kit, on the run's shared single node. */
@ExtendWith(SharedEtcdExtension.class)
class EtcdEngineTest {
    private static final AtomicInteger ROOTS = new AtomicInteger();

    private static String freshUri(String params) {
        return SharedEtcdExtension.node().uri("engine-test-" + ROOTS.incrementAndGet()) + params;
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static String s(byte[] b) {
        return new String(b, StandardCharsets.UTF_8);
    }

    @Test
    void aRootHoldingForeignKeysIsRefusedAndLeftAsItWas() {
        String root = "foreign-" + ROOTS.incrementAndGet();
        String endpoint = "http://" + SharedEtcdExtension.node().endpoints();
        try (Client c = Client.builder().endpoints(endpoint).build()) {
            ByteSequence key = ByteSequence.from("/" + root + "/config", StandardCharsets.UTF_8);
            c.getKVClient().put(key, ByteSequence.from("not a store", StandardCharsets.UTF_8)).join();
            String uri = SharedEtcdExtension.node().uri(root);
            for (boolean create : new boolean[] {true, false}) {
                assertThatThrownBy(() -> Plinth.builder(uri).createIfMissing(create).open().close())
                        .isInstanceOf(ForeignFilesException.class)
                        .hasMessageContaining("/" + root + "/")
                        .hasMessageContaining("no Plinth store marker");
            }
            assertThat(c.getKVClient().get(ByteSequence.from("/" + root + "/", StandardCharsets.UTF_8),
                    io.etcd.jetcd.options.GetOption.builder().isPrefix(true).build()).join().getKvs())
                    .hasSize(1);
        }
    }

    @Test
    void aMissingStoreIsNotCreatedWhenAskedNotTo() {
        String uri = freshUri("");
        assertThatThrownBy(() -> Plinth.builder(uri).createIfMissing(false).open())
                .isInstanceOf(NoSuchStoreException.class).hasMessageContaining("there is no store at etcd://");
    }

    @Test
    void badParametersAreAllReportedAtOnce() {
        assertThatThrownBy(() -> Plinth.open(freshUri("?timeout=soon&pageSize=0&colour=red")))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("timeout=soon").hasMessageContaining("pageSize=0").hasMessageContaining("colour");
        assertThatThrownBy(() -> Plinth.open("etcd:/no-endpoints/"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("endpoints and a root prefix");
    }

    @Test
    void cursorsPageThroughARangeAtOneRevisionBothWays() {
        try (Store store = Plinth.open(freshUri("?pageSize=3"))) {
            Keyspace ks = store.defaultKeyspace();
            List<String> all = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                ks.put(b(String.format("k%02d", i)), b("v" + i));
                all.add(String.format("k%02d", i));
            }
            List<String> forward = new ArrayList<>();
            List<String> reverse = new ArrayList<>();
            try (var fwd = ks.cursor(Range.all()); var rev = ks.cursor(Range.all(), ScanOptions.reverse())) {
                // written after both cursors opened: neither sees it, on any page
                ks.put(b("k05x"), b("late"));
                ks.delete(b("k10"));
                while (fwd.next()) {
                    forward.add(s(fwd.key()));
                }
                while (rev.next()) {
                    reverse.add(s(rev.key()));
                }
            }
            assertThat(forward).isEqualTo(all);
            java.util.Collections.reverse(all);
            assertThat(reverse).isEqualTo(all);
            try (var c = ks.cursor(Range.of(b("k03"), b("k17")), ScanOptions.reverse())) {
                c.seek(b("k09z"));
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("k09");
                c.seek(b("k03"));
                assertThat(c.next()).isTrue();
                assertThat(s(c.key())).isEqualTo("k03");
                assertThat(c.next()).isFalse();
            }
        }
    }

    @Test
    void aBatchOverEtcdsTransactionLimitIsRejectedBeforeAnythingIsWritten() {
        try (Store store = Plinth.open(freshUri(""))) {
            Keyspace a = store.defaultKeyspace();
            Keyspace other = store.createKeyspace("other");
            int max = store.capabilities().maxBatchOps();
            assertThat(max).isEqualTo(EtcdEngine.MAX_TXN_OPS - 1);
            WriteBatch fits = new WriteBatch();
            for (int i = 0; i < max; i++) {
                fits.put(a, b("fit" + i), b("v"));
            }
            store.write(fits);
            assertThat(a.get(b("fit0"))).isNotNull();
            // within maxBatchOps, but two keyspaces need two stamps: 128 + 1 operations in etcd
            WriteBatch over = new WriteBatch();
            for (int i = 0; i < max - 1; i++) {
                over.put(a, b("over" + i), b("v"));
            }
            over.put(other, b("x"), b("v"));
            assertThatThrownBy(() -> store.write(over)).isInstanceOf(LimitExceededException.class)
                    .hasMessageContaining("etcd transaction").hasMessageContaining("etcd://");
            assertThat(a.get(b("over0"))).isNull();
            assertThat(other.get(b("x"))).isNull();
            // a range delete split around the keys the same batch puts also counts
            WriteBatch split = new WriteBatch();
            split.deleteRange(a, Range.all());
            for (int i = 0; i < 100; i++) {
                split.put(a, b(String.format("m%03d", i * 2)), b("w"));
            }
            assertThatThrownBy(() -> store.write(split)).isInstanceOf(LimitExceededException.class);
            assertThat(a.get(b("fit0"))).isNotNull();
        }
    }

    @Test
    void aBatchThatPutsInsideARangeItDeletesKeepsThePutsInOrder() {
        try (Store store = Plinth.open(freshUri(""))) {
            Keyspace ks = store.defaultKeyspace();
            for (String k : List.of("a", "b", "c", "d", "e")) {
                ks.put(b(k), b("old"));
            }
            WriteBatch batch = new WriteBatch().put(ks, b("b"), b("early")).deleteRange(ks, Range.of(b("b"), b("e")))
                    .put(ks, b("c"), b("new")).put(ks, b("c"), b("newer")).delete(ks, b("a")).put(ks, b("a"), b("again"));
            store.write(batch);
            List<String> got = new ArrayList<>();
            for (KeyValue kv : store.scan(ks, Range.all(), ScanOptions.forward())) {
                got.add(s(kv.key()) + "=" + s(kv.value()));
            }
            assertThat(got).containsExactly("a=again", "c=newer", "e=old");
        }
    }

    @Test
    void aSnapshotWhoseRevisionWasCompactedFailsInsteadOfShowingAnotherView() {
        try (Store store = Plinth.open(freshUri("")); Store other = Plinth.open(freshUri(""))) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("k"), b("v1"));
            try (Snapshot snap = store.snapshot()) {
                ks.put(b("k"), b("v2"));
                assertThat(snap.get(ks, b("k"))).isEqualTo(b("v1"));
                other.compact(); // history is the cluster's: another store's compact removes what the snapshot reads
                assertThatThrownBy(() -> snap.get(ks, b("k"))).isInstanceOf(CompactedRevisionException.class)
                        .hasMessageContaining("compacted").hasMessageContaining("etcd://");
            }
            assertThat(ks.get(b("k"))).isEqualTo(b("v2"));
        }
    }

    @Test
    void compactKeepsHistoryForTheOldestOpenSnapshot() {
        try (Store store = Plinth.open(freshUri(""))) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("k"), b("v1"));
            try (Snapshot snap = store.snapshot()) {
                ks.put(b("k"), b("v2"));
                store.compact();
                assertThat(snap.get(ks, b("k"))).isEqualTo(b("v1"));
            }
        }
    }

    @Test
    void compactKeepsHistoryForOpenCursorsAndSnapshotsAlsoWithACursorOverAnEmptyRange() {
        // found by the model runs: a cursor over an empty range fetched nothing, registered revision 0 with
        // compact(), which then compacted everything, so an older snapshot's next read failed
        try (Store store = Plinth.open(freshUri(""))) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(b("a1"), b("v1"));
            try (Snapshot snap = store.snapshot(); var empty = ks.cursor(Range.of(b("x"), b("x")));
                    var live = ks.cursor(Range.all())) {
                ks.put(b("a1"), b("v2"));
                ks.delete(b("a1"));
                store.compact();
                assertThat(empty.next()).isFalse();
                assertThat(live.next()).isTrue();
                assertThat(s(live.value())).isEqualTo("v1");
                assertThat(snap.get(ks, b("a1"))).isEqualTo(b("v1"));
            }
        }
    }

    @Test
    void entriesWithATimeToLiveShareLeasesPerExpiryBucket() {
        try (Store store = Plinth.open(freshUri(""))) {
            Keyspace ks = store.defaultKeyspace();
            for (int i = 0; i < 300; i++) {
                ks.put(b("t" + i), b("v"), WriteOptions.ttl(Duration.ofHours(1)));
            }
            assertThat(store.stats().counter("etcd.leases")).isBetween(1L, 2L);
            assertThat(ks.get(b("t299"))).isEqualTo(b("v"));
        }
    }

    @Test
    void statsNameTheRevisionLeaderAndMembers() {
        try (Store store = Plinth.open(freshUri(""))) {
            store.defaultKeyspace().put(b("k"), b("v"));
            var stats = store.stats();
            assertThat(stats.counter("etcd.revision")).isPositive();
            assertThat(stats.counter("etcd.members")).isEqualTo(1);
            assertThat(stats.counter("etcd.leader")).isNotZero();
            assertThat(stats.counter("etcd.dbSize")).isPositive();
        }
    }

    @Test
    void snapshotsReadTheirRevisionWhileBatchesOverwriteEveryKey() {
        try (Store store = Plinth.open(freshUri(""))) {
            Keyspace ks = store.defaultKeyspace();
            int keys = 100;
            for (int round = 0; round < 5; round++) {
                WriteBatch batch = new WriteBatch();
                for (int i = 0; i < keys; i++) {
                    batch.put(ks, b(String.format("k%03d", i)), b("round-" + round));
                }
                try (Snapshot snap = store.snapshot()) {
                    store.write(batch);
                    for (KeyValue kv : snap.scan(ks, Range.all(), ScanOptions.forward())) {
                        assertThat(s(kv.value())).isEqualTo(round == 0 ? "never" : "round-" + (round - 1));
                    }
                }
            }
        }
    }
}
