package dev.plinth.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.automerge.AmValue;
import org.automerge.NewValue;
import org.automerge.ObjectId;
import org.automerge.ObjectType;
import org.automerge.Transaction;
import org.junit.jupiter.api.Test;

/**
 * Three replicas, each a document store over its own store, make random concurrent edits (maps, lists, text,
 * counters), sync in random pairs, orders and partitions (some syncs cut off part way), reopen and compact, and
 * after healing end identical. The counters are an oracle: every increment made anywhere is in the final value.
 *
 * <p>Seeded: {@code -Dplinth.documents.seeds=N} runs seeds 1..N; {@code -Dplinth.seed=S} replays one seed. A
 * failure names its seed.
 */
class ConvergenceModelTest {
    private static final int REPLICAS = 3;
    private static final int DOCS = 4;
    private static final int STEPS = 150;

    @Test
    void replicasConverge() {
        String one = System.getProperty("plinth.seed", "");
        if (!one.isBlank()) {
            run(Long.parseLong(one.trim()));
            return;
        }
        int seeds = Integer.getInteger("plinth.documents.seeds", 8);
        for (long seed = 1; seed <= seeds; seed++) {
            run(seed);
        }
    }

    private void run(long seed) {
        try {
            new Run(seed).execute();
        } catch (AssertionError | RuntimeException e) {
            throw new AssertionError("convergence run failed with seed " + seed
                    + "; replay with -Dplinth.seed=" + seed + ": " + e.getMessage(), e);
        }
    }

    private static final class Run {
        final Random random;
        final Store[] stores = new Store[REPLICAS];
        final DocumentStore[] docs = new DocumentStore[REPLICAS];
        final Map<String, Long> increments = new HashMap<>();
        boolean[] cut = new boolean[REPLICAS];

        Run(long seed) {
            random = new Random(seed);
        }

        DocumentCollection col(int r) {
            return docs[r].collection("model");
        }

        void open(int r) {
            docs[r] = DocumentStore.open(stores[r], DocumentOptions.builder().compactAfter(1 + random.nextInt(20))
                    .build());
        }

        void execute() {
            for (int r = 0; r < REPLICAS; r++) {
                stores[r] = Plinth.open("mem:");
                open(r);
            }
            try {
                for (int d = 0; d < DOCS; d++) {
                    String id = "doc-" + d;
                    increments.put(id, 0L);
                    col(d % REPLICAS).create(id, tx -> {
                        tx.set(ObjectId.ROOT, "count", NewValue.counter(0));
                        tx.set(ObjectId.ROOT, "list", ObjectType.LIST);
                        tx.set(ObjectId.ROOT, "text", ObjectType.TEXT);
                    });
                }
                for (int step = 0; step < STEPS; step++) {
                    step();
                }
                heal();
                check();
            } finally {
                for (int r = 0; r < REPLICAS; r++) {
                    docs[r].close();
                    stores[r].close();
                }
            }
        }

        void step() {
            int r = random.nextInt(REPLICAS);
            int what = random.nextInt(100);
            if (what < 60) {
                edit(r);
            } else if (what < 85) {
                int other = (r + 1 + random.nextInt(REPLICAS - 1)) % REPLICAS;
                if (cut[r] != cut[other]) {
                    return; // a partition separates them
                }
                sync(r, other, random.nextBoolean() ? Integer.MAX_VALUE : 1 + random.nextInt(3));
            } else if (what < 90) {
                cut = new boolean[REPLICAS];
                cut[random.nextInt(REPLICAS)] = random.nextBoolean();
            } else if (what < 95) {
                docs[r].close();
                open(r);
            } else {
                docs[r].compact();
            }
        }

        void edit(int r) {
            List<String> ids = col(r).ids();
            if (ids.isEmpty()) {
                return;
            }
            String id = ids.get(random.nextInt(ids.size()));
            if (col(r).read(id, d -> d.get(ObjectId.ROOT, "list").orElse(null)).isEmpty()) {
                return; // created here by a sync that was cut off before the document's first change arrived
            }
            int kind = random.nextInt(5);
            String word = "w" + random.nextInt(1000);
            long by = 1 + random.nextInt(5);
            int pick = random.nextInt(1 << 20);
            col(r).change(id, tx -> {
                switch (kind) {
                    case 0 -> tx.set(ObjectId.ROOT, "k" + (pick % 4), word);
                    case 1 -> tx.increment(ObjectId.ROOT, "count", by);
                    case 2 -> {
                        ObjectId list = objectAt(tx, "list");
                        long n = tx.length(list);
                        if (n > 0 && pick % 3 == 0) {
                            tx.delete(list, pick % n);
                        } else {
                            tx.insert(list, n == 0 ? 0 : pick % (n + 1), word);
                        }
                    }
                    default -> {
                        ObjectId text = objectAt(tx, "text");
                        long n = tx.length(text);
                        long at = n == 0 ? 0 : pick % (n + 1);
                        long del = n - at > 0 && pick % 4 == 0 ? 1 : 0;
                        tx.spliceText(text, at, del, word.substring(0, 1 + pick % word.length()));
                    }
                }
            });
            if (kind == 1) {
                increments.merge(id, by, Long::sum);
            }
        }

        static ObjectId objectAt(Transaction tx, String key) {
            AmValue v = tx.get(ObjectId.ROOT, key).orElseThrow();
            return v instanceof AmValue.List ? ((AmValue.List) v).getId() : ((AmValue.Text) v).getId();
        }

        /** Exchanges up to {@code rounds} rounds of messages, in a random direction first. */
        void sync(int a, int b, int rounds) {
            if (random.nextBoolean()) {
                int t = a;
                a = b;
                b = t;
            }
            try (SyncSession sa = col(a).syncSession(); SyncSession sb = col(b).syncSession()) {
                for (int i = 0; i < rounds; i++) {
                    Optional<byte[]> m1 = sa.nextMessage();
                    m1.ifPresent(sb::receive);
                    Optional<byte[]> m2 = sb.nextMessage();
                    m2.ifPresent(sa::receive);
                    if (m1.isEmpty() && m2.isEmpty()) {
                        return;
                    }
                    if (i > 1000) {
                        throw new AssertionError("sync between replicas " + a + " and " + b + " does not end");
                    }
                }
            }
        }

        void heal() {
            cut = new boolean[REPLICAS];
            for (int pass = 0; pass < 2; pass++) {
                for (int r = 0; r < REPLICAS; r++) {
                    sync(r, (r + 1) % REPLICAS, Integer.MAX_VALUE);
                }
            }
        }

        void check() {
            List<Map<String, String>> states = new ArrayList<>();
            for (int r = 0; r < REPLICAS; r++) {
                states.add(snapshot(r));
            }
            for (int r = 1; r < REPLICAS; r++) {
                assertThat(states.get(r)).as("replica %d against replica 0", r).isEqualTo(states.get(0));
            }
            assertThat(states.get(0).keySet()).hasSize(DOCS);
            for (Map.Entry<String, Long> e : increments.entrySet()) {
                assertThat(states.get(0).get(e.getKey())).as("the counter of %s", e.getKey())
                        .contains("\"count\":" + e.getValue() + ",");
            }
            for (int r = 0; r < REPLICAS; r++) {
                docs[r].close();
                open(r);
                assertThat(snapshot(r)).as("replica %d after reopen", r).isEqualTo(states.get(0));
            }
        }

        Map<String, String> snapshot(int r) {
            Map<String, String> out = new HashMap<>();
            for (String id : col(r).ids()) {
                out.put(id, col(r).read(id, DocumentJson::toJson).orElseThrow());
            }
            return out;
        }
    }
}
