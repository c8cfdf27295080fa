package dev.plinth.examples;

import static java.nio.charset.StandardCharsets.UTF_8;

import dev.plinth.ConflictException;
import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Snapshot;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.time.Duration;
import java.time.Instant;
import java.time.InstantSource;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A tour of the API on the in-memory engine: keyspaces, an atomic batch across keyspaces, compare-and-set,
 * a snapshot, transactions (including a conflict), cursors, and time to live with a clock we move by hand.
 * Run with {@code mvn -B -q -DskipTests package exec:java -pl plinth-examples -am}, or pass another store
 * URI as the first argument.
 */
public final class Tour {
    private Tour() {
    }

    public static void main(String[] args) {
        String uri = args.length > 0 ? args[0] : "mem:";
        AtomicLong now = new AtomicLong(Instant.parse("2026-01-01T00:00:00Z").toEpochMilli());
        InstantSource clock = () -> Instant.ofEpochMilli(now.get());

        try (Store store = Plinth.builder(uri).clock(clock).open()) {
            System.out.println("opened " + store.uri() + " with " + store.capabilities());

            // Keyspaces: independent key spaces in one store.
            Keyspace users = store.createKeyspace("users");
            Keyspace emails = store.createKeyspace("emails");
            System.out.println("keyspaces: " + store.keyspaces());

            // One atomic batch across two keyspaces, guarded by a check.
            boolean applied = store.write(new WriteBatch()
                    .requireAbsent(emails, b("ada@example.org"))
                    .put(users, b("user:1"), b("Ada Lovelace"))
                    .put(emails, b("ada@example.org"), b("user:1")));
            System.out.println("batch applied: " + applied);
            boolean again = store.write(new WriteBatch()
                    .requireAbsent(emails, b("ada@example.org"))
                    .put(users, b("user:2"), b("Impostor"))
                    .put(emails, b("ada@example.org"), b("user:2")));
            System.out.println("second batch with the same e-mail applied: " + again + " (users has user:2: "
                    + users.contains(b("user:2")) + ")");

            // Compare-and-set: insert if absent, then update only from the value we saw.
            Keyspace counters = store.createKeyspace("counters");
            System.out.println("cas insert: " + counters.compareAndSet(b("visits"), null, b("1")));
            System.out.println("cas 1 -> 2: " + counters.compareAndSet(b("visits"), b("1"), b("2")));
            System.out.println("cas 1 -> 3 (stale): " + counters.compareAndSet(b("visits"), b("1"), b("3")));

            // A snapshot keeps seeing the past while writes go on.
            try (Snapshot before = store.snapshot()) {
                users.put(b("user:3"), b("Grace Hopper"));
                System.out.println("snapshot sees user:3: " + before.contains(users, b("user:3"))
                        + ", store sees it: " + users.contains(b("user:3")));
            }

            // A transaction reads its own writes; a concurrent write to what it read makes it conflict.
            try (Transaction tx = store.begin(Isolation.SERIALIZABLE)) {
                byte[] visits = tx.get(counters, b("visits"));
                tx.put(counters, b("visits"), b(Integer.toString(Integer.parseInt(s(visits)) + 1)));
                System.out.println("inside tx visits=" + s(tx.get(counters, b("visits")))
                        + ", outside visits=" + s(counters.get(b("visits"))));
                counters.put(b("visits"), b("100")); // someone else writes what the tx read
                tx.commit();
            } catch (ConflictException e) {
                System.out.println("conflict detected: " + e.getMessage());
            }
            // inTransaction retries conflicts with backoff.
            int result = store.inTransaction(Isolation.SERIALIZABLE, tx -> {
                int v = Integer.parseInt(s(tx.get(counters, b("visits")))) + 1;
                tx.put(counters, b("visits"), b(Integer.toString(v)));
                return v;
            });
            System.out.println("inTransaction committed visits=" + result);

            // Cursors: ordered, half-open ranges, prefix, reverse, limit.
            for (int i = 0; i < 5; i++) {
                users.put(b("order:" + i), b("item " + i));
            }
            System.out.print("prefix order:, reverse, limit 3:");
            try (Cursor c = users.cursor(Range.prefix(b("order:")), ScanOptions.reverse().withLimit(3))) {
                while (c.next()) {
                    System.out.print(" " + s(c.key()) + "=" + s(c.value()));
                }
            }
            System.out.println();

            // Time to live, measured by the store's clock.
            users.put(b("session:42"), b("token"), WriteOptions.ttl(Duration.ofMinutes(30)));
            System.out.println("session before expiry: " + s(users.get(b("session:42"))));
            now.addAndGet(Duration.ofMinutes(30).toMillis());
            System.out.println("session after 30 min: " + s(users.get(b("session:42"))));

            System.out.println("stats: " + store.stats());
        }
    }

    private static byte[] b(String s) {
        return s.getBytes(UTF_8);
    }

    private static String s(byte[] b) {
        return b == null ? "(absent)" : new String(b, UTF_8);
    }
}
