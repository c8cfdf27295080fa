package dev.plinth.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.ConflictException;
import dev.plinth.Isolation;
import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.Range;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import dev.plinth.Transaction;
import dev.plinth.WriteBatch;
import dev.plinth.WriteOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.BiConsumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every write another client makes inside a range a serializable transaction scanned must fail that
 * transaction's commit, whatever kind of write it is, and however the engine guards what the transaction
 * read (compares of each key's mod revision, or of the keyspace's stamp when more keys were read than one
 * etcd transaction may compare). The writer is a second store on the same root, so nothing inside one
 * engine can notice the write: only what the commit asks etcd to compare. Runs on the shared single node.
 */
@ExtendWith(SharedEtcdExtension.class)
class EtcdRangeValidationTest {
    private static final AtomicInteger ROOTS = new AtomicInteger();

    /** A write by the other client inside the scanned range {@code [r/, r0)}, which holds r/1 to r/5. */
    enum Write {
        OVERWRITE((s, ks) -> ks.put(b("r/3"), b("changed"))),
        REWRITE_SAME_VALUE((s, ks) -> ks.put(b("r/3"), b("v3"))),
        INSERT((s, ks) -> ks.put(b("r/35"), b("new"))),
        INSERT_WITH_TTL((s, ks) -> ks.put(b("r/35"), b("new"), WriteOptions.ttl(Duration.ofHours(1)))),
        DELETE((s, ks) -> ks.delete(b("r/3"))),
        DELETE_RANGE((s, ks) -> ks.deleteRange(Range.of(b("r/2"), b("r/4")))),
        BATCH((s, ks) -> s.write(new WriteBatch().put(ks, b("outside"), b("x")).delete(ks, b("r/5")))),
        COMPARE_AND_SET((s, ks) -> assertThat(ks.compareAndSet(b("r/1"), b("v1"), b("swapped"))).isTrue());

        final BiConsumer<Store, Keyspace> apply;

        Write(BiConsumer<Store, Keyspace> apply) {
            this.apply = apply;
        }
    }

    private String root;

    private String freshUri() {
        root = "range-validation-" + ROOTS.incrementAndGet();
        return SharedEtcdExtension.node().uri(root);
    }

    /**
     * Runs {@code write} once, when the next conditional batch of this test's root has checked its
     * preconditions and not yet sent its transaction: only etcd's compares can notice it.
     *
     * @return whether it ran, for the test to check
     */
    private AtomicBoolean betweenCheckAndCommit(Runnable write) {
        AtomicBoolean ran = new AtomicBoolean();
        EtcdEngine.BETWEEN_CHECK_AND_COMMIT.put("/" + root + "/", () -> {
            if (ran.compareAndSet(false, true)) {
                write.run();
            }
        });
        return ran;
    }

    @AfterEach
    void removeHook() {
        EtcdEngine.BETWEEN_CHECK_AND_COMMIT.remove("/" + root + "/");
    }

    private static byte[] b(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    private static void fill(Keyspace ks) {
        for (int i = 1; i <= 5; i++) {
            ks.put(b("r/" + i), b("v" + i));
        }
    }

    /** Every kind of write, landing before the commit's check, and between the check and the commit. */
    static Stream<Arguments> writesAndWhen() {
        return Stream.of(Write.values()).flatMap(w -> Stream.of(Arguments.of(w, false), Arguments.of(w, true)));
    }

    @ParameterizedTest(name = "{0}, between check and commit: {1}")
    @MethodSource("writesAndWhen")
    void aWriteByAnotherClientInAScannedRangeFailsTheSerializableCommit(Write write, boolean betweenCheckAndCommit) {
        String uri = freshUri();
        try (Store reader = Plinth.open(uri); Store writer = Plinth.open(uri)) {
            Keyspace ks = reader.defaultKeyspace();
            fill(ks);
            try (Transaction tx = reader.begin(Isolation.SERIALIZABLE)) {
                assertThat(tx.scan(ks, Range.prefix(b("r/")), ScanOptions.forward())).hasSize(5);
                tx.put(ks, b("elsewhere"), b("written by the transaction"));
                Runnable other = () -> write.apply.accept(writer, writer.defaultKeyspace());
                AtomicBoolean ran = new AtomicBoolean(!betweenCheckAndCommit);
                if (betweenCheckAndCommit) {
                    ran = betweenCheckAndCommit(other);
                } else {
                    other.run();
                }
                assertThatThrownBy(tx::commit).isInstanceOf(ConflictException.class);
                assertThat(ran).as("the other client wrote").isTrue();
            }
            assertThat(ks.get(b("elsewhere"))).as("what the refused commit would have written").isNull();
        }
    }

    @Test
    void aWriteInAnotherKeyspaceDoesNotFailTheCommit() {
        String uri = freshUri();
        try (Store reader = Plinth.open(uri); Store writer = Plinth.open(uri)) {
            Keyspace ks = reader.defaultKeyspace();
            fill(ks);
            try (Transaction tx = reader.begin(Isolation.SERIALIZABLE)) {
                assertThat(tx.scan(ks, Range.prefix(b("r/")), ScanOptions.forward())).hasSize(5);
                tx.put(ks, b("elsewhere"), b("written by the transaction"));
                Keyspace other = writer.createKeyspace("other");
                AtomicBoolean ran = betweenCheckAndCommit(() -> other.put(b("r/3"), b("same key, other keyspace")));
                tx.commit();
                assertThat(ran).as("the other client wrote between the check and the commit").isTrue();
            }
            assertThat(ks.get(b("elsewhere"))).isNotNull();
        }
    }

    @Test
    void anOverwriteOfOneOfMoreKeysThanATransactionCanCompareFailsTheCommit() {
        String uri = freshUri();
        int keys = EtcdEngine.MAX_TXN_OPS + 10;
        try (Store reader = Plinth.open(uri); Store writer = Plinth.open(uri)) {
            Keyspace ks = reader.defaultKeyspace();
            for (int i = 0; i < keys; i += 100) {
                WriteBatch batch = new WriteBatch();
                for (int j = i; j < Math.min(keys, i + 100); j++) {
                    batch.put(ks, b("k" + j), b("v"));
                }
                reader.write(batch);
            }
            try (Transaction tx = reader.begin(Isolation.SERIALIZABLE)) {
                for (int i = 0; i < keys; i++) {
                    assertThat(tx.get(ks, b("k" + i))).isNotNull();
                }
                tx.put(ks, b("elsewhere"), b("written by the transaction"));
                AtomicBoolean ran = betweenCheckAndCommit(() -> writer.defaultKeyspace().put(b("k" + (keys - 1)),
                        b("changed")));
                assertThatThrownBy(tx::commit).isInstanceOf(ConflictException.class);
                assertThat(ran).as("the other client wrote between the check and the commit").isTrue();
            }
            assertThat(ks.get(b("elsewhere"))).isNull();
        }
    }
}
