package dev.plinth.etcd;

import dev.plinth.spi.EngineKeyspace;
import io.etcd.jetcd.ByteSequence;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * One keyspace: a key prefix under the store's root, named by an identifier drawn when the keyspace was
 * created, so that a keyspace dropped and created again never sees the old one's keys. Immutable and
 * thread-safe.
 *
 * <p>Layout under the root {@code R}: the registry key {@code R ks/<name>} holds the identifier; entries live
 * at {@code R d/<id>/<key>}; the stamp key {@code R s/<id>} is rewritten by every batch that writes the
 * keyspace, so a range precondition is one compare on the stamp's mod revision.
 */
final class EtcdKeyspace implements EngineKeyspace {
    private final String name;
    private final String id;
    private final byte[] dataPrefix;
    private final byte[] dataEnd;
    private final ByteSequence stamp;

    EtcdKeyspace(String name, String id, byte[] root) {
        this.name = name;
        this.id = id;
        this.dataPrefix = concat(root, ("d/" + id + "/").getBytes(StandardCharsets.UTF_8));
        this.dataEnd = dataPrefix.clone();
        dataEnd[dataEnd.length - 1]++; // '/' + 1 = '0': the first key after every key of the prefix
        this.stamp = ByteSequence.from(concat(root, ("s/" + id).getBytes(StandardCharsets.UTF_8)));
    }

    @Override
    public String name() {
        return name;
    }

    String id() {
        return id;
    }

    ByteSequence stamp() {
        return stamp;
    }

    /** The etcd key of a user key. */
    ByteSequence key(byte[] key) {
        return ByteSequence.from(concat(dataPrefix, key));
    }

    /** The etcd key of an inclusive lower bound, {@code null} meaning the keyspace's first key. */
    ByteSequence lower(byte[] start) {
        return start == null ? ByteSequence.from(dataPrefix) : key(start);
    }

    /** The etcd key of an exclusive upper bound, {@code null} meaning past the keyspace's last key. */
    ByteSequence upper(byte[] end) {
        return end == null ? ByteSequence.from(dataEnd) : key(end);
    }

    /** The prefix every entry's etcd key starts with. */
    ByteSequence prefix() {
        return ByteSequence.from(dataPrefix);
    }

    /** The end of the prefix's range. */
    ByteSequence prefixEnd() {
        return ByteSequence.from(dataEnd);
    }

    /** The user key of an etcd key of this keyspace. */
    byte[] userKey(ByteSequence etcdKey) {
        byte[] b = etcdKey.getBytes();
        return Arrays.copyOfRange(b, dataPrefix.length, b.length);
    }

    static byte[] concat(byte[] a, byte[] b) {
        byte[] c = Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, c, a.length, b.length);
        return c;
    }

    @Override
    public String toString() {
        return "keyspace '" + name + "'";
    }
}
