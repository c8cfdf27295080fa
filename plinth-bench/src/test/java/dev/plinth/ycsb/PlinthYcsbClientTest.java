package dev.plinth.ycsb;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;
import java.util.Vector;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import site.ycsb.ByteIterator;
import site.ycsb.DB;
import site.ycsb.DBException;
import site.ycsb.Status;
import site.ycsb.StringByteIterator;
import site.ycsb.measurements.Measurements;
import site.ycsb.workloads.CoreWorkload;

/** The YCSB binding: CRUD and scan semantics, YCSB's core workload in-process, and the real client. */
class PlinthYcsbClientTest {
    private static final String TABLE = "usertable";

    private static PlinthYcsbClient open(String uri) throws DBException {
        Properties p = new Properties();
        p.setProperty(PlinthYcsbClient.URI_PROPERTY, uri);
        PlinthYcsbClient db = new PlinthYcsbClient();
        db.setProperties(p);
        db.init();
        return db;
    }

    private static Map<String, String> read(DB db, String key, Set<String> fields) {
        Map<String, ByteIterator> out = new HashMap<>();
        Status s = db.read(TABLE, key, fields, out);
        if (s == Status.NOT_FOUND) {
            return null;
        }
        assertThat(s).isEqualTo(Status.OK);
        Map<String, String> strings = new TreeMap<>();
        out.forEach((k, v) -> strings.put(k, v.toString()));
        return strings;
    }

    @Test
    void insertReadUpdateScanDelete() throws DBException {
        PlinthYcsbClient db = open("mem:");
        try {
            for (int i = 0; i < 5; i++) {
                Map<String, String> rec = Map.of("field0", "a" + i, "field1", "b" + i);
                assertThat(db.insert(TABLE, "user" + i, StringByteIterator.getByteIteratorMap(rec))).isEqualTo(Status.OK);
            }
            assertThat(read(db, "user3", null)).isEqualTo(Map.of("field0", "a3", "field1", "b3"));
            assertThat(read(db, "user3", Set.of("field1"))).isEqualTo(Map.of("field1", "b3"));
            assertThat(read(db, "nobody", null)).isNull();

            // An update merges: the untouched field stays, the new one is added.
            assertThat(db.update(TABLE, "user2", StringByteIterator.getByteIteratorMap(Map.of("field1", "x", "field2", "y"))))
                    .isEqualTo(Status.OK);
            assertThat(read(db, "user2", null)).isEqualTo(Map.of("field0", "a2", "field1", "x", "field2", "y"));
            assertThat(db.update(TABLE, "nobody", StringByteIterator.getByteIteratorMap(Map.of("f", "v"))))
                    .isEqualTo(Status.NOT_FOUND);

            Vector<HashMap<String, ByteIterator>> rows = new Vector<>();
            assertThat(db.scan(TABLE, "user1", 3, Set.of("field0"), rows)).isEqualTo(Status.OK);
            List<String> firsts = new ArrayList<>();
            for (HashMap<String, ByteIterator> row : rows) {
                assertThat(row).containsOnlyKeys("field0");
                firsts.add(row.get("field0").toString());
            }
            assertThat(firsts).containsExactly("a1", "a2", "a3");

            assertThat(db.delete(TABLE, "user1")).isEqualTo(Status.OK);
            assertThat(read(db, "user1", null)).isNull();
            // Another table is another keyspace.
            Map<String, ByteIterator> none = new HashMap<>();
            assertThat(db.read("othertable", "user0", null, none)).isEqualTo(Status.NOT_FOUND);
        } finally {
            db.cleanup();
            db.cleanup();
        }
    }

    @Test
    void initWithoutUriSaysWhichPropertyToSet() {
        PlinthYcsbClient db = new PlinthYcsbClient();
        db.setProperties(new Properties());
        assertThatThrownBy(db::init).isInstanceOf(DBException.class).hasMessageContaining("plinth.uri");
        Properties p = new Properties();
        p.setProperty(PlinthYcsbClient.URI_PROPERTY, "mem:");
        p.setProperty(PlinthYcsbClient.DURABILITY_PROPERTY, "sometimes");
        db.setProperties(p);
        assertThatThrownBy(db::init).isInstanceOf(DBException.class).hasMessageContaining("plinth.durability");
    }

    @Test
    void coreWorkloadLoadsAndRunsOnMem() throws Exception {
        Properties p = new Properties();
        p.setProperty(PlinthYcsbClient.URI_PROPERTY, "mem:");
        p.setProperty("recordcount", "300");
        p.setProperty("operationcount", "1000");
        p.setProperty("fieldcount", "4");
        p.setProperty("fieldlength", "20");
        p.setProperty("readproportion", "0.4");
        p.setProperty("updateproportion", "0.3");
        p.setProperty("scanproportion", "0.2");
        p.setProperty("insertproportion", "0.1");
        p.setProperty("insertorder", "ordered");
        p.setProperty("dataintegrity", "true");
        Measurements.setProperties(p);
        CoreWorkload workload = new CoreWorkload();
        workload.init(p);
        CountingDb db = new CountingDb(open("mem:"));
        try {
            Object state = workload.initThread(p, 0, 1);
            for (int i = 0; i < 300; i++) {
                assertThat(workload.doInsert(db, state)).isTrue();
            }
            assertThat(db.statuses).containsExactly(Map.entry("insert OK", 300));
            for (int i = 0; i < 300; i++) {
                Map<String, String> rec = read(db.inner, "user" + i, null);
                assertThat(rec).as("user" + i).hasSize(4);
                rec.values().forEach(v -> assertThat(v).hasSize(20));
            }
            db.statuses.clear();
            for (int i = 0; i < 1000; i++) {
                workload.doTransaction(db, state);
            }
            // Every operation succeeded: reads, updates and scans found their records.
            assertThat(db.statuses.keySet()).allMatch(k -> k.endsWith(" OK"));
            assertThat(db.statuses.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(1000);
            assertThat(db.statuses).containsKeys("read OK", "update OK", "scan OK", "insert OK");
            // The records inserted by the run are there too, after the loaded ones.
            int inserted = db.statuses.get("insert OK");
            assertThat(read(db.inner, "user" + (300 + inserted - 1), null)).hasSize(4);
        } finally {
            workload.cleanup();
            db.cleanup();
        }
    }

    @Test
    void ycsbClientCommandLineLoadsThenRunsOnRocksDb(@TempDir Path dir) throws Exception {
        String uri = "rocksdb:" + dir.resolve("store").toAbsolutePath();
        String load = client(uri, "-load");
        assertThat(load).contains("[INSERT], Operations, 200").contains("[INSERT], Return=OK, 200")
                .doesNotContain("FAILED");
        String run = client(uri, "-t");
        assertThat(run).contains("[READ], Return=OK,").contains("[UPDATE], Return=OK,")
                .doesNotContain("NOT_FOUND").doesNotContain("FAILED");
    }

    /** Runs YCSB's own client in a child JVM, as docs/performance.md shows; returns its standard output. */
    private static String client(String uri, String phase) throws IOException, InterruptedException {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        List<String> cmd = List.of(java.toString(),
                "--add-opens", "java.base/java.nio=ALL-UNNAMED", "--add-opens", "java.base/sun.nio.ch=ALL-UNNAMED",
                "-cp", System.getProperty("java.class.path"),
                "site.ycsb.Client", phase, "-db", PlinthYcsbClient.class.getName(),
                "-P", "ycsb/workloads/workloada", "-p", "plinth.uri=" + uri,
                "-p", "recordcount=200", "-p", "operationcount=500");
        Process proc = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        byte[] out = proc.getInputStream().readAllBytes();
        assertThat(proc.waitFor(120, TimeUnit.SECONDS)).isTrue();
        String text = new String(out, StandardCharsets.UTF_8);
        assertThat(proc.exitValue()).as(text).isZero();
        return text;
    }

    /** Passes every call to the binding and counts the statuses by operation. */
    private static final class CountingDb extends DB {
        final PlinthYcsbClient inner;
        final Map<String, Integer> statuses = new TreeMap<>();

        CountingDb(PlinthYcsbClient inner) {
            this.inner = inner;
        }

        private Status count(String op, Status s) {
            statuses.merge(op + " " + s.getName(), 1, Integer::sum);
            return s;
        }

        @Override
        public void cleanup() throws DBException {
            inner.cleanup();
        }

        @Override
        public Status read(String table, String key, Set<String> fields, Map<String, ByteIterator> result) {
            return count("read", inner.read(table, key, fields, result));
        }

        @Override
        public Status scan(String table, String startkey, int recordcount, Set<String> fields,
                           Vector<HashMap<String, ByteIterator>> result) {
            return count("scan", inner.scan(table, startkey, recordcount, fields, result));
        }

        @Override
        public Status update(String table, String key, Map<String, ByteIterator> values) {
            return count("update", inner.update(table, key, values));
        }

        @Override
        public Status insert(String table, String key, Map<String, ByteIterator> values) {
            return count("insert", inner.insert(table, key, values));
        }

        @Override
        public Status delete(String table, String key) {
            return count("delete", inner.delete(table, key));
        }
    }
}
