package dev.plinth.documents;

import static org.assertj.core.api.Assertions.assertThat;

import dev.plinth.Plinth;
import dev.plinth.Store;
import dev.plinth.documents.example.TcpSyncExample;
import dev.plinth.testkit.crash.ChildJvm;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.automerge.ObjectId;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The TCP example between two processes: a child JVM serves its lsm: store on 127.0.0.1, this JVM connects with
 * its own, and afterwards both hold the union of their documents, with a concurrently edited one merged.
 */
class TcpSyncExampleTest {
    @TempDir
    Path dir;

    @Test
    void twoProcessesConvergeOverTcp() throws Exception {
        String serverUri = "lsm:" + dir.resolve("server");
        try (Store s = Plinth.open(serverUri); DocumentStore d = DocumentStore.open(s)) {
            DocumentCollection c = d.collection("notes");
            c.create("from-server", tx -> tx.set(ObjectId.ROOT, "by", "server"));
            c.create("both", tx -> tx.set(ObjectId.ROOT, "server", "yes"));
        }
        // The child's native library copy (automerge's) goes under the test's directory, not the shared one.
        Path childTmp = java.nio.file.Files.createDirectories(dir.resolve("child-tmp"));
        List<String> cmd = new ArrayList<>(List.of(ChildJvm.javaBinary(), "-Xmx256m",
                "-Djava.io.tmpdir=" + childTmp, "-cp",
                System.getProperty("java.class.path"), TcpSyncExample.class.getName(), "serve", serverUri, "notes",
                "0"));
        Process child = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        List<String> childOut = new ArrayList<>();
        try (Store s = Plinth.open("lsm:" + dir.resolve("client")); DocumentStore d = DocumentStore.open(s);
             BufferedReader r = new BufferedReader(new InputStreamReader(child.getInputStream(),
                     StandardCharsets.UTF_8))) {
            DocumentCollection c = d.collection("notes");
            c.create("from-client", tx -> tx.set(ObjectId.ROOT, "by", "client"));
            c.create("both", tx -> tx.set(ObjectId.ROOT, "client", "yes"));
            String line;
            int port = -1;
            while ((line = r.readLine()) != null) {
                childOut.add(line);
                if (line.startsWith("listening ")) {
                    port = Integer.parseInt(line.substring("listening ".length()));
                    break;
                }
            }
            assertThat(port).as("the server's output: %s", childOut).isPositive();
            try {
                TcpSyncExample.connect(c, port);
            } catch (RuntimeException e) {
                while ((line = r.readLine()) != null) {
                    childOut.add(line);
                }
                throw new AssertionError("the sync failed; the server printed: " + String.join("\n", childOut), e);
            }
            while ((line = r.readLine()) != null) {
                childOut.add(line);
            }
            assertThat(child.waitFor(60, TimeUnit.SECONDS)).isTrue();
            assertThat(child.exitValue()).as("the server's output: %s", childOut).isZero();

            assertThat(c.ids()).containsExactly("both", "from-client", "from-server");
            List<String> mine = new ArrayList<>();
            for (String id : c.ids()) {
                mine.add("doc " + id + " " + c.read(id, DocumentJson::toJson).orElseThrow());
            }
            assertThat(childOut).containsAll(mine);
            assertThat(mine.get(0)).contains("\"client\":\"yes\"").contains("\"server\":\"yes\"");
        } finally {
            child.destroyForcibly();
        }
    }
}
