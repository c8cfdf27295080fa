package dev.plinth.etcd;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A throw-away certificate authority with a server certificate for 127.0.0.1 and a client certificate, as
 * PEM files for etcd and for the engine's {@code tlsCa}, {@code tlsCert} and {@code tlsKey} parameters.
 * Made with the JDK's own {@code keytool}, so the tests need nothing else installed; the private keys are
 * written as PKCS#8 PEM from the PKCS#12 key stores keytool makes.
 *
 * @param ca the authority's certificate
 * @param serverCert the server's certificate (subject alternative name IP 127.0.0.1)
 * @param serverKey the server's private key
 * @param clientCert the client's certificate
 * @param clientKey the client's private key
 * @param otherCa another authority's certificate, which signed none of these
 */
record TestCertificates(Path ca, Path serverCert, Path serverKey, Path clientCert, Path clientKey, Path otherCa) {
    private static final String PASSWORD = "plinth-test";

    /** Makes every file in {@code dir}. */
    static TestCertificates create(Path dir) {
        try {
            authority(dir, "ca");
            authority(dir, "other-ca");
            Path ca = exportCertificate(dir, "ca");
            Path otherCa = exportCertificate(dir, "other-ca");
            Path serverCert = signed(dir, "server", "ca", List.of("-ext", "san=ip:127.0.0.1,dns:localhost",
                    "-ext", "eku=serverAuth,clientAuth"));
            Path clientCert = signed(dir, "client", "ca", List.of("-ext", "eku=clientAuth"));
            return new TestCertificates(ca, serverCert, privateKey(dir, "server"), clientCert, privateKey(dir, "client"),
                    otherCa);
        } catch (IOException e) {
            throw new UncheckedIOException("could not make test certificates in " + dir, e);
        }
    }

    private static void authority(Path dir, String alias) throws IOException {
        keytool(dir, null, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=plinth test " + alias, "-ext", "bc:c", "-validity", "2",
                "-keystore", store(dir, alias), "-storetype", "PKCS12", "-storepass", PASSWORD);
    }

    private static Path signed(Path dir, String alias, String by, List<String> extensions) throws IOException {
        keytool(dir, null, "-genkeypair", "-alias", alias, "-keyalg", "EC", "-groupname", "secp256r1",
                "-dname", "CN=plinth test " + alias, "-validity", "2",
                "-keystore", store(dir, alias), "-storetype", "PKCS12", "-storepass", PASSWORD);
        Path request = dir.resolve(alias + ".csr");
        keytool(dir, request, "-certreq", "-alias", alias, "-keystore", store(dir, alias), "-storepass", PASSWORD);
        Path cert = dir.resolve(alias + ".pem");
        List<String> args = new ArrayList<>(List.of("-gencert", "-alias", by, "-keystore", store(dir, by),
                "-storepass", PASSWORD, "-infile", request.toString(), "-rfc", "-validity", "2"));
        args.addAll(extensions);
        keytool(dir, cert, args.toArray(String[]::new));
        return cert;
    }

    private static Path exportCertificate(Path dir, String alias) throws IOException {
        Path cert = dir.resolve(alias + ".pem");
        keytool(dir, cert, "-exportcert", "-rfc", "-alias", alias, "-keystore", store(dir, alias),
                "-storepass", PASSWORD);
        return cert;
    }

    private static Path privateKey(Path dir, String alias) throws IOException {
        try (InputStream in = Files.newInputStream(Path.of(store(dir, alias)))) {
            KeyStore ks = KeyStore.getInstance("PKCS12");
            ks.load(in, PASSWORD.toCharArray());
            PrivateKey key = (PrivateKey) ks.getKey(alias, PASSWORD.toCharArray());
            String pem = "-----BEGIN PRIVATE KEY-----\n"
                    + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII)).encodeToString(key.getEncoded())
                    + "\n-----END PRIVATE KEY-----\n";
            Path file = dir.resolve(alias + "-key.pem");
            Files.writeString(file, pem, StandardCharsets.US_ASCII);
            return file;
        } catch (GeneralSecurityException e) {
            throw new IOException("could not read the key of " + alias, e);
        }
    }

    private static String store(Path dir, String alias) {
        return dir.resolve(alias + ".p12").toString();
    }

    /** Runs the JDK's keytool, its standard output to {@code out} when not null. */
    private static void keytool(Path dir, Path out, String... args) throws IOException {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        cmd.add("-noprompt");
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(dir.toFile()).redirectErrorStream(out == null);
        if (out != null) {
            pb.redirectOutput(out.toFile());
        }
        Process p = pb.start();
        try {
            String err = new String((out == null ? p.getInputStream() : p.getErrorStream()).readAllBytes(),
                    StandardCharsets.UTF_8);
            if (p.waitFor() != 0) {
                throw new IOException("keytool " + String.join(" ", args) + " failed: " + err);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted running keytool", e);
        }
    }
}
