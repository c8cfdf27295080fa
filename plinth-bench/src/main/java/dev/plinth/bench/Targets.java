package dev.plinth.bench;

import dev.plinth.bench.peers.CopyingSkipListTarget;
import dev.plinth.bench.peers.LevelDbTarget;
import dev.plinth.bench.peers.LmdbTarget;
import dev.plinth.bench.peers.MapDbTarget;
import dev.plinth.bench.peers.MvStoreTarget;
import dev.plinth.bench.peers.RocksDbTarget;
import dev.plinth.bench.peers.SkipListTarget;
import dev.plinth.bench.peers.XodusTarget;
import dev.plinth.rocksdb.RocksDbOptions;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;

/**
 * Opens a {@link KvTarget} by name. The names are the values of the benchmarks' {@code engine}
 * parameter; {@code plinth-*} go through Plinth, the others through the peer's own API.
 */
public final class Targets {
    /** Plinth on the in-memory engine ({@code mem:}). */
    public static final String PLINTH_MEM = "plinth-mem";
    /** Plinth on the in-memory engine with value checksums ({@code mem:?checksums=true}): their CPU cost alone. */
    public static final String PLINTH_MEM_CHECKED = "plinth-mem-checked";
    /** Plinth on RocksDB ({@code rocksdb:DIR}). */
    public static final String PLINTH_ROCKSDB = "plinth-rocksdb";
    /** Plinth on LMDB ({@code lmdb:DIR}; {@code noSync=true} for fast writes). */
    public static final String PLINTH_LMDB = "plinth-lmdb";
    /** Plinth on LMDB without value checksums ({@code checksums=false}): what the checksums cost. */
    public static final String PLINTH_LMDB_UNCHECKED = "plinth-lmdb-unchecked";
    /** Plinth on its own pure-Java engine ({@code lsm:DIR}, default parameters). */
    public static final String PLINTH_LSM = "plinth-lsm";
    /**
     * Plinth on {@code lsm:} with a 256 MiB block cache ({@code blockCacheSize=256m}): every table of a
     * 1,000,000-key load fits, as every table of the LevelDB port stays mapped in memory. Not in {@link #ALL}.
     */
    public static final String PLINTH_LSM_CACHE256 = "plinth-lsm-cache256m";
    /**
     * Plinth on {@code lsm:} with a 256 KiB memtable ({@code memtableSize=256k}): the memtable is sealed, and
     * the log moves to a new segment, every couple of thousand small writes, so what a seal costs a writer
     * shows in the latency of fsync'd puts. Not in {@link #ALL}.
     */
    public static final String PLINTH_LSM_MEM256K = "plinth-lsm-mem256k";
    /**
     * Plinth on {@code lsm:} with memory-mapped tables named explicitly ({@code tableReads=mmap}), which is the
     * default now: the same store as {@link #PLINTH_LSM}. Not in {@link #ALL}.
     */
    public static final String PLINTH_LSM_MMAP = "plinth-lsm-mmap";
    /**
     * Plinth on {@code lsm:} with positional table reads ({@code tableReads=pread}): a block the cache misses is
     * read into the heap with a positional read and kept in the cache, as before mapped tables became the
     * default. Not in {@link #ALL}.
     */
    public static final String PLINTH_LSM_PREAD = "plinth-lsm-pread";
    /**
     * Plinth on RocksDB with URI parameters: {@code plinth-rocksdb?indexAndFilters=cache} opens
     * {@code rocksdb:DIR?indexAndFilters=cache}. Not in {@link #ALL}.
     */
    public static final String PLINTH_ROCKSDB_WITH = PLINTH_ROCKSDB + "?";
    /** Raw rocksdbjni, set up as Plinth sets it up by default. */
    public static final String ROCKSDB = "rocksdb";
    /** Raw rocksdbjni with RocksDB's own defaults. */
    public static final String ROCKSDB_DEFAULTS = "rocksdb-defaults";
    /**
     * Raw rocksdbjni in one of {@link RocksDbTarget.Setup}'s candidates, named in lower case with dashes
     * ({@code rocksdb-cache}, {@code rocksdb-cache-no-pool}, {@code rocksdb-memory-hits}, ...). Not in {@link #ALL}.
     */
    public static final String ROCKSDB_SETUP = ROCKSDB + "-";
    /** Raw lmdbjava. */
    public static final String LMDB = "lmdb";
    /** H2 MVStore. */
    public static final String MVSTORE = "mvstore";
    /** MapDB. */
    public static final String MAPDB = "mapdb";
    /** Xodus. */
    public static final String XODUS = "xodus";
    /** The pure-Java LevelDB port, {@code org.iq80.leveldb:leveldb}. */
    public static final String LEVELDB = "leveldb";
    /** A raw {@code ConcurrentSkipListMap}. */
    public static final String SKIPLIST = "skiplist";
    /** A raw {@code ConcurrentSkipListMap} that copies keys and values in and out as Plinth's API does. */
    public static final String SKIPLIST_COPYING = "skiplist-copying";

    /** Every target, in the order the benchmarks list them. */
    public static final List<String> ALL = List.of(PLINTH_MEM, PLINTH_MEM_CHECKED, SKIPLIST, SKIPLIST_COPYING, PLINTH_ROCKSDB, ROCKSDB, ROCKSDB_DEFAULTS,
            PLINTH_LMDB, PLINTH_LMDB_UNCHECKED, LMDB, PLINTH_LSM, LEVELDB, MVSTORE, MAPDB, XODUS);
    /** The targets that can fsync a write. */
    public static final List<String> DURABLE = List.of(PLINTH_ROCKSDB, ROCKSDB, PLINTH_LMDB, PLINTH_LMDB_UNCHECKED, LMDB, PLINTH_LSM,
            LEVELDB, MVSTORE, MAPDB, XODUS);

    private Targets() {
    }

    /**
     * Opens target {@code name}, keeping any files under {@code dir} (an existing, empty directory).
     *
     * @throws IllegalArgumentException for an unknown name, or {@code SYNC} on an in-memory target
     */
    public static KvTarget open(String name, Path dir, KvTarget.Durable durable) {
        boolean sync = durable == KvTarget.Durable.SYNC;
        if (sync && (name.equals(PLINTH_MEM) || name.equals(PLINTH_MEM_CHECKED) || name.equals(SKIPLIST)
                || name.equals(SKIPLIST_COPYING))) {
            throw new IllegalArgumentException(name + " is in memory and cannot fsync a write");
        }
        if (name.startsWith(PLINTH_ROCKSDB_WITH)) {
            return new PlinthTarget("rocksdb:" + dir.toAbsolutePath() + name.substring(PLINTH_ROCKSDB.length()), durable);
        }
        if (name.startsWith(ROCKSDB_SETUP)) {
            String setup = name.substring(ROCKSDB_SETUP.length()).toUpperCase(Locale.ROOT).replace('-', '_');
            try {
                return new RocksDbTarget(dir, durable, RocksDbTarget.Setup.valueOf(setup));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException("unknown target " + name + "; raw RocksDB setups: "
                        + Arrays.toString(RocksDbTarget.Setup.values()), e);
            }
        }
        return switch (name) {
            case PLINTH_MEM -> new PlinthTarget("mem:", durable);
            case PLINTH_MEM_CHECKED -> new PlinthTarget("mem:?checksums=true", durable);
            case PLINTH_ROCKSDB -> new PlinthTarget("rocksdb:" + dir.toAbsolutePath(), durable);
            case PLINTH_LMDB -> new PlinthTarget("lmdb:" + dir.toAbsolutePath() + "?mapSize=1g"
                    + (sync ? "" : "&noSync=true"), durable);
            case PLINTH_LMDB_UNCHECKED -> new PlinthTarget("lmdb:" + dir.toAbsolutePath() + "?mapSize=1g&checksums=false"
                    + (sync ? "" : "&noSync=true"), durable);
            case PLINTH_LSM -> new PlinthTarget("lsm:" + dir.toAbsolutePath(), durable);
            case PLINTH_LSM_CACHE256 -> new PlinthTarget("lsm:" + dir.toAbsolutePath() + "?blockCacheSize=256m", durable);
            case PLINTH_LSM_MEM256K -> new PlinthTarget("lsm:" + dir.toAbsolutePath() + "?memtableSize=256k", durable);
            case PLINTH_LSM_MMAP -> new PlinthTarget("lsm:" + dir.toAbsolutePath() + "?tableReads=mmap", durable);
            case PLINTH_LSM_PREAD -> new PlinthTarget("lsm:" + dir.toAbsolutePath() + "?tableReads=pread", durable);
            case ROCKSDB -> new RocksDbTarget(dir, durable,
                    RocksDbOptions.DEFAULT_INDEX_AND_FILTERS == RocksDbOptions.IndexAndFilters.CACHE
                            ? RocksDbTarget.Setup.CACHE : RocksDbTarget.Setup.MEMORY);
            case LMDB -> new LmdbTarget(dir, durable);
            case MVSTORE -> new MvStoreTarget(dir, durable);
            case MAPDB -> new MapDbTarget(dir, durable);
            case XODUS -> new XodusTarget(dir, durable);
            case LEVELDB -> new LevelDbTarget(dir, durable);
            case SKIPLIST -> new SkipListTarget();
            case SKIPLIST_COPYING -> new CopyingSkipListTarget();
            default -> throw new IllegalArgumentException("unknown target " + name + "; known: " + ALL);
        };
    }

    /** Deletes {@code dir} and everything under it, if it exists. */
    public static void deleteTree(Path dir) {
        if (dir == null || !Files.exists(dir)) {
            return;
        }
        try (Stream<Path> paths = Files.walk(dir)) {
            for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
