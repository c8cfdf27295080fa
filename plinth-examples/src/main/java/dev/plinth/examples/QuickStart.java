package dev.plinth.examples;

import dev.plinth.Cursor;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** The README's quick start, kept compiling here. */
public final class QuickStart {
    private QuickStart() {
    }

    static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    public static void main(String[] args) {
        // --- README quick start begins
        try (Store store = Plinth.open("mem:")) {
            Keyspace users = store.createKeyspace("users");
            users.put(bytes("user:1"), bytes("Ada"));
            boolean won = users.compareAndSet(bytes("user:1"), bytes("Ada"), bytes("Ada L."));
            store.write(new WriteBatch().requireAbsent(users, bytes("user:2")).put(users, bytes("user:2"), bytes("Grace")));
            int n = store.inTransaction(Isolation.SERIALIZABLE, tx -> tx.scan(users, Range.prefix(bytes("user:")), ScanOptions.forward()).size());
            try (Cursor c = users.cursor(Range.prefix(bytes("user:")), ScanOptions.reverse().withLimit(10))) {
                while (c.next()) System.out.println(new String(c.key()) + " = " + new String(c.value()));
            }
            users.put(bytes("session:9"), bytes("token"), WriteOptions.ttl(Duration.ofMinutes(30)));
            // --- README quick start ends
            System.out.println("cas won: " + won + ", users in transaction: " + n);
        }
    }
}
