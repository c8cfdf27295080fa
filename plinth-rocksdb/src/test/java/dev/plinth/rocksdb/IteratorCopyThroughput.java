package dev.plinth.rocksdb;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Locale;
import java.util.stream.Stream;
import org.rocksdb.Options;
import org.rocksdb.RocksDB;
import org.rocksdb.RocksDBException;
import org.rocksdb.RocksIterator;

/**
 * A rough, single-threaded measurement of three ways to copy a raw RocksDB iterator's key and value into new
 * Java arrays, per entry of a full walk over 200,000 entries (16-byte keys, 101-byte values, all in the block
 * cache): RocksJava's {@code key()}/{@code value()}, which make the arrays from native code; copying into a
 * reused array and then {@link Arrays#copyOf}, what {@link RocksDbCursor} does; and copying into a reused
 * direct buffer and then out of it. Not a test and not a benchmark of record; its numbers go in
 * docs/performance.md with the command that produced them.
 */
public final class IteratorCopyThroughput {
    private static final String[] WAYS = {"key()/value()", "reused array + Arrays.copyOf", "direct buffer + get"};

    /** Keeps the copies alive so that no read can be dropped as unused. */
    private static long sink;

    private IteratorCopyThroughput() {
    }

    /**
     * Runs the measurement: six rounds of the three ways, each five walks over the data.
     *
     * @param args ignored
     * @throws Exception if RocksDB or the file system fails
     */
    public static void main(String[] args) throws Exception {
        RocksDB.loadLibrary();
        Path dir = Files.createTempDirectory("iterator-copy");
        try (Options options = new Options().setCreateIfMissing(true);
             RocksDB db = RocksDB.open(options, dir.toString())) {
            byte[] value = new byte[101];
            for (int i = 0; i < 200_000; i++) {
                db.put(String.format(Locale.ROOT, "k%015d", i).getBytes(StandardCharsets.US_ASCII), value);
            }
            db.compactRange();
            for (int round = 0; round < 6; round++) {
                for (int way = 0; way < WAYS.length; way++) {
                    long start = System.nanoTime();
                    long entries = 0;
                    for (int walk = 0; walk < 5; walk++) {
                        entries += walk(db, way);
                    }
                    System.out.printf(Locale.ROOT, "round %d, %s: %.1f ns per entry%n", round, WAYS[way],
                            (System.nanoTime() - start) / (double) entries);
                }
            }
        } finally {
            try (Stream<Path> files = Files.walk(dir)) {
                files.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
            }
        }
    }

    private static long walk(RocksDB db, int way) throws RocksDBException {
        byte[] keyBuffer = new byte[64];
        byte[] valueBuffer = new byte[256];
        ByteBuffer keyDirect = ByteBuffer.allocateDirect(64);
        ByteBuffer valueDirect = ByteBuffer.allocateDirect(256);
        long entries = 0;
        try (RocksIterator it = db.newIterator()) {
            for (it.seekToFirst(); it.isValid(); it.next()) {
                byte[] k;
                byte[] v;
                if (way == 0) {
                    k = it.key();
                    v = it.value();
                } else if (way == 1) {
                    k = Arrays.copyOf(keyBuffer, it.key(keyBuffer));
                    v = Arrays.copyOf(valueBuffer, it.value(valueBuffer));
                } else {
                    keyDirect.clear();
                    k = new byte[it.key(keyDirect)];
                    keyDirect.get(k);
                    valueDirect.clear();
                    v = new byte[it.value(valueDirect)];
                    valueDirect.get(v);
                }
                sink += k[k.length - 1] + v.length;
                entries++;
            }
            it.status();
        }
        return entries;
    }
}
