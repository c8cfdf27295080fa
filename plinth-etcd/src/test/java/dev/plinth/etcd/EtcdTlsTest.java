package dev.plinth.etcd;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.plinth.Keyspace;
import dev.plinth.Plinth;
import dev.plinth.StorageIOException;
import dev.plinth.Store;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A single etcd member that takes only TLS clients with a certificate from its authority
 * ({@code --client-cert-auth}): the engine connects with {@code tlsCa}, {@code tlsCert} and {@code tlsKey},
 * and is refused, with a sentence naming the store, without a client certificate or when it trusts another
 * authority.
 */
class EtcdTlsTest {
    @TempDir
    static Path certDir;
    private static TestCertificates certs;
    private static EtcdCluster etcd;

    @BeforeAll
    static void start() {
        certs = TestCertificates.create(certDir);
        etcd = EtcdCluster.start(1, certs);
    }

    @AfterAll
    static void stop() {
        if (etcd != null) {
            etcd.close();
        }
    }

    private static String uri(String root, String params) {
        return etcd.uri(root) + "?timeout=3s&" + params;
    }

    @Test
    void aClientWithACertificateFromTheClustersAuthorityReadsAndWrites() {
        String params = "tlsCa=" + certs.ca() + "&tlsCert=" + certs.clientCert() + "&tlsKey=" + certs.clientKey();
        try (Store store = Plinth.open(uri("tls-ok", params))) {
            Keyspace ks = store.defaultKeyspace();
            ks.put(bytes("k"), bytes("over TLS"));
            assertThat(ks.get(bytes("k"))).isEqualTo(bytes("over TLS"));
        }
        try (Store again = Plinth.open(uri("tls-ok", "tls=true&" + params))) {
            assertThat(again.defaultKeyspace().get(bytes("k"))).isEqualTo(bytes("over TLS"));
        }
    }

    @Test
    void withoutAClientCertificateTheClusterRefusesAndTheMessageNamesTheStore() {
        assertThatThrownBy(() -> Plinth.open(uri("tls-no-cert", "tlsCa=" + certs.ca())))
                .isInstanceOf(StorageIOException.class)
                .hasMessageContaining("etcd://127.0.0.1:");
    }

    @Test
    void trustingAnotherAuthorityTheServerIsRefused() {
        String params = "tlsCa=" + certs.otherCa() + "&tlsCert=" + certs.clientCert() + "&tlsKey=" + certs.clientKey();
        assertThatThrownBy(() -> Plinth.open(uri("tls-wrong-ca", params)))
                .isInstanceOf(StorageIOException.class)
                .hasMessageContaining("etcd://127.0.0.1:");
    }

    @Test
    void badTlsParametersAreNamedTogetherAndNothingConnects(@TempDir Path dir) throws Exception {
        Path notPem = Files.writeString(dir.resolve("not.pem"), "not a certificate");
        assertThatThrownBy(() -> Plinth.open("etcd://127.0.0.1:1/x/?tlsCert=" + certs.clientCert()
                + "&tlsCa=" + dir.resolve("missing.pem") + "&tls=false"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("parameters tlsCert and tlsKey must be given together")
                .hasMessageContaining("parameter tlsCa=" + dir.resolve("missing.pem") + " names no readable file")
                .hasMessageContaining("parameter tls=false contradicts");
        assertThatThrownBy(() -> Plinth.open("etcd://127.0.0.1:1/x/?tlsCa=" + notPem))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("could not be read as PEM certificates");
    }

    private static byte[] bytes(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}
