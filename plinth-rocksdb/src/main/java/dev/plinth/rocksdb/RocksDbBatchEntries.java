package dev.plinth.rocksdb;

import org.rocksdb.RocksDBException;
import org.rocksdb.WriteBatch;

/**
 * Where the engine puts a batch's entries, in the batch's order: {@link RocksDbBatchEncoder}, which builds RocksDB's
 * write-batch representation in Java for one JNI call, or {@link #perCall RocksDB's per-entry calls} on a
 * {@link WriteBatch}, the path of batches too large to encode. Both give RocksDB the same bytes.
 */
interface RocksDbBatchEntries {
    /** Adds a put of {@code value} under {@code key}. */
    void put(RocksDbKeyspace ks, byte[] key, byte[] value) throws RocksDBException;

    /** Adds a delete of {@code key}. */
    void delete(RocksDbKeyspace ks, byte[] key) throws RocksDBException;

    /** Adds a delete of every key in {@code [begin, end)}; the caller has checked that {@code begin < end}. */
    void deleteRange(RocksDbKeyspace ks, byte[] begin, byte[] end) throws RocksDBException;

    /** Entries added to {@code wb} one JNI call each, through the keyspace's column family handle. */
    static RocksDbBatchEntries perCall(WriteBatch wb) {
        return new RocksDbBatchEntries() {
            @Override
            public void put(RocksDbKeyspace ks, byte[] key, byte[] value) throws RocksDBException {
                wb.put(ks.handle, key, value);
            }

            @Override
            public void delete(RocksDbKeyspace ks, byte[] key) throws RocksDBException {
                wb.delete(ks.handle, key);
            }

            @Override
            public void deleteRange(RocksDbKeyspace ks, byte[] begin, byte[] end) throws RocksDBException {
                wb.deleteRange(ks.handle, begin, end);
            }
        };
    }
}
