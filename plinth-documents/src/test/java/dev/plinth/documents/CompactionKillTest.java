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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * kill -9 of a child JVM that changes a document on an {@code lsm:} store with {@code PROCESS} durability while
 * compactions run in the background and in between: after each kill the document holds every acknowledged change
 * (at most one more, in flight when killed), each exactly once, and the store holds no change entry that the
 * snapshot already includes (the compaction was all or nothing). {@code -Dplinth.crashCycles=N} sets the cycles
 * (default 50), {@code -Dplinth.seed=N} the seed.
 */
class CompactionKillTest {
    @TempDir
    Path dir;

    /** The child: appends the next number to the document's list until killed, compacting every few changes. */
    public static void main(String[] args) {
        try (Store store = Plinth.open("lsm:" + args[0]);
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

    @Test
    void aKilledCompactionLosesNothingAndDuplicatesNothing() throws Exception {
        int cycles = Integer.getInteger("plinth.crashCycles", 50);
        String one = System.getProperty("plinth.seed");
        long seed = one == null || one.isBlank() ? 1 : Long.parseLong(one.trim());
        Random rnd = new Random(seed);
        Path db = dir.resolve("db");
        long acked = 0;
        for (int cycle = 0; cycle < cycles; cycle++) {
            int killAfter = rnd.nextInt(10) == 0 ? 0 : 1 + rnd.nextInt(40);
            acked = Math.max(acked, runAndKill(db, killAfter));
            try (Store store = Plinth.open("lsm:" + db); DocumentStore docs = DocumentStore.open(store,
                    DocumentOptions.builder().backgroundCompaction(false).build())) {
                DocumentCollection c = docs.collection("crash");
                if (!c.exists("d")) {
                    assertThat(acked).as("seed %d cycle %d: acknowledged changes of a missing document", seed, cycle)
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
                assertThat((long) seen.size()).as("seed %d cycle %d: changes after kill -9", seed, cycle)
                        .isBetween(acked, acked + 1);
                for (int i = 0; i < seen.size(); i++) {
                    assertThat(seen.get(i)).as("seed %d cycle %d: entry %d", seed, cycle, i).isEqualTo(i);
                }
                acked = seen.size();
                assertNoEntryBehindTheSnapshot(store, seed, cycle);
            }
        }
    }

    private static void assertNoEntryBehindTheSnapshot(Store store, long seed, int cycle) {
        Keyspace ks = store.keyspace(DocumentFormat.KEYSPACE);
        long through = DocumentFormat.throughSeqOf(ks.get(DocumentFormat.snapshotKey("crash", "d")), "d");
        List<KeyValue> changes = ks.scan(DocumentFormat.changeRange("crash", "d"),
                ScanOptions.forward().withKeysOnly(true));
        long expect = through + 1;
        for (KeyValue kv : changes) {
            assertThat(DocumentFormat.seqOfChange(kv.key())).as("seed %d cycle %d: change entries after snapshot %d",
                    seed, cycle, through).isEqualTo(expect++);
        }
    }

    private long runAndKill(Path db, int killAfter) {
        ChildJvm.Killed killed = ChildJvm.killAfterAcks(dir, CompactionKillTest.class, List.of(db.toString()), killAfter);
        List<Long> acks = killed.acks();
        assertThat(acks.size()).as("the child should have acknowledged changes; it printed:%n%s", killed.output())
                .isGreaterThanOrEqualTo(killAfter);
        return acks.isEmpty() ? 0 : acks.get(acks.size() - 1);
    }
}
