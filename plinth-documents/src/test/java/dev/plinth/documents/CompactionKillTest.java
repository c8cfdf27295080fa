package dev.plinth.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Durability;
import dev.plinth.KeyValue;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.documents.internal.DocumentFormat;
import dev.plinth.testkit.crash.ChildJvm;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.automerge.AmValue;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM that changes a document with {@code PROCESS} durability while compactions run in the
 * background and in between, on {@code lsm:}, {@code rocksdb:} and {@code lmdb:}: after each kill the document
 * holds every acknowledged change (at most one more, in flight when killed), each exactly once, and the store holds
 * no change entry that the snapshot already includes (the compaction was all or nothing).
 * {@code -Dplinth.crashCycles=N} sets the cycles, spread evenly over the three engines (default 50 in all, 2000
 * under {@code -Psoak}); {@code -Dplinth.seed=N} the seed. The LMDB child gets lmdbjava's {@code --add-opens}
 * through {@code JDK_JAVA_OPTIONS}, which this module's test JVM passes on to its children (see the pom).
 */
class CompactionKillTest {
    @TempDir
    Path dir;

    /** Engines whose document stores are killed, each with its share of the cycles. */
    private static final List<String> ENGINES = List.of("lsm", "rocksdb", "lmdb");

    /** The child: appends the next number to the document's list until killed, compacting every few changes. */
    public static void main(String[] args) {
        try (Store store = Plinth.open(args[0]);
             DocumentStore docs = DocumentStore.open(store, DocumentOptions.builder().durability(Durability.PROCESS)
                     .compactAfter(3).build())) {
            DocumentCollection c = docs.collection("crash");
            c.create("d", tx -> tx.set(ObjectId.ROOT, "seen", ObjectType.LIST));
            for (long n = 0; ; n++) {
                c.change("d", tx -> {
                    ObjectId list = ((AmValue.List) tx.get(ObjectId.ROOT, "seen").orElseThrow()).getId();
                    tx.insert(list, tx.length(list), org.automerge.NewValue.integer(tx.length(list)));
                });
                System.out.println("acked " + c.read("d", r -> r.length(list(r))).orElseThrow());
                System.out.flush();
                if (n % 5 == 4) {
                    c.compact("d");
                }
            }
        }
    }

    static ObjectId list(org.automerge.Read r) {
        return ((AmValue.List) r.get(ObjectId.ROOT, "seen").orElseThrow()).getId();
    }

    @ParameterizedTest(name = "{0}")
    @ValueSource(strings = {"lsm", "rocksdb", "lmdb"})
    void aKilledCompactionLosesNothingAndDuplicatesNothing(String engine) throws Exception {
        int all = Integer.getInteger("plinth.crashCycles", 50);
        int index = ENGINES.indexOf(engine);
        int cycles = all / ENGINES.size() + (index < all % ENGINES.size() ? 1 : 0);
        String one = System.getProperty("plinth.seed");
        long seed = one == null || one.isBlank() ? 1 : Long.parseLong(one.trim());
        Random rnd = new Random(seed * 31 + index);
        String uri = engine + ":" + dir.resolve("db");
        long acked = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            int killAfter = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(40);
            acked = Math.max(acked, runAndKill(uri, killAfter));
            try (Store store = Plinth.open(uri); DocumentStore docs = DocumentStore.open(store,
                    DocumentOptions.builder().backgroundCompaction(false).build())) {
                DocumentCollection c = docs.collection("crash");
                if (!c.exists("d")) {
                    assertThat(acked).as("%s seed %d cycle %d: acknowledged changes of a missing document", engine, seed, cycle)
                            .isZero();
                    continue;
                }
                List<Long> seen = c.read("d", r -> {
                    List<Long> out = new ArrayList<>();
                    for (AmValue v : r.listItems(list(r)).orElseThrow()) {
                        out.add(v instanceof AmValue.Int ? ((AmValue.Int) v).getValue() : (long) ((AmValue.F64) v).getValue());
                    }
                    return out;
                }).orElseThrow();
                assertThat((long) seen.size()).as("%s seed %d cycle %d: changes after kill -9", engine, seed, cycle)
                        .isBetween(acked, acked + 1);
                for (int i = 0; i < seen.size(); i++) {
                    assertThat(seen.get(i)).as("%s seed %d cycle %d: entry %d", engine, seed, cycle, i).isEqualTo(i);
                }
                acked = seen.size();
                assertNoEntryBehindTheSnapshot(store, engine + " seed " + seed + " cycle " + cycle);
            }
        }
    }

    private static void assertNoEntryBehindTheSnapshot(Store store, String where) {
        Keyspace ks = store.keyspace(DocumentFormat.KEYSPACE);
        long through = DocumentFormat.throughSeqOf(ks.get(DocumentFormat.snapshotKey("crash", "d")), "d");
        List<KeyValue> changes = ks.scan(DocumentFormat.changeRange("crash", "d"),
                ScanOptions.forward().withKeysOnly(true));
        long expect = through + 1;
        for (KeyValue kv : changes) {
            assertThat(DocumentFormat.seqOfChange(kv.key())).as("%s: change entries after snapshot %d",
                    where, through).isEqualTo(expect++);
        }
    }

    private long runAndKill(String uri, int killAfter) {
        ChildJvm.Killed killed = ChildJvm.killAfterAcks(dir, CompactionKillTest.class, List.of(uri), killAfter);
        List<Long> acks = killed.acks();
        assertThat(acks.size()).as("the child should have acknowledged changes; it printed:%n%s", killed.output())
                .isGreaterThanOrEqualTo(killAfter);
        return acks.isEmpty() ? 0 : acks.get(acks.size() - 1);
    }
}
