package dev.plinth.internal;

import dev.plinth.Capabilities;
import dev.plinth.Durability;
import dev.plinth.LimitExceededException;
import dev.plinth.LimitExceededException.Limit;
import dev.plinth.UnsupportedCapabilityException;
import dev.plinth.WriteOptions;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * Argument checks run before anything reaches an engine, against the limits the store advertises (the
 * engine's limits less the value encoding's overhead). Immutable and thread-safe.
 */
final class Checks {
    private static final Pattern KEYSPACE_NAME = Pattern.compile("[A-Za-z0-9._-]{1,64}");

    private final String context;
    private final Capabilities caps;

    Checks(String context, Capabilities caps) {
        this.context = context;
        this.caps = caps;
    }

    Capabilities capabilities() {
        return caps;
    }

    void key(byte[] key) {
        Objects.requireNonNull(key, "key");
        if (key.length == 0) {
            throw new IllegalArgumentException("key must not be empty (" + context + ")");
        }
        if (key.length > caps.maxKeySize()) {
            throw new LimitExceededException(Limit.KEY_SIZE, key.length, caps.maxKeySize(), context);
        }
    }

    void value(byte[] value) {
        Objects.requireNonNull(value, "value");
        if (value.length > caps.maxValueSize()) {
            throw new LimitExceededException(Limit.VALUE_SIZE, value.length, caps.maxValueSize(), context);
        }
    }

    void batch(long ops, long bytes) {
        if (ops > caps.maxBatchOps()) {
            throw new LimitExceededException(Limit.BATCH_OPS, ops, caps.maxBatchOps(), context);
        }
        if (bytes > caps.maxBatchBytes()) {
            throw new LimitExceededException(Limit.BATCH_BYTES, bytes, caps.maxBatchBytes(), context);
        }
    }

    Durability durability(Durability requested, Durability storeDefault) {
        Durability d = requested == null ? storeDefault : requested;
        if (!caps.supports(d)) {
            throw new UnsupportedCapabilityException("durability " + d + " is not honoured by " + context
                    + "; it honours " + caps.durabilities());
        }
        return d;
    }

    /**
     * Refuses write options with a time to live for a write that stores nothing.
     *
     * @param operation the write, for the message
     */
    void noTtl(WriteOptions options, String operation) {
        Objects.requireNonNull(options, "options");
        if (options.ttl() != null) {
            throw new IllegalArgumentException("a time to live applies to puts only; " + operation + " on " + context
                    + " was given " + options);
        }
    }

    static String keyspaceName(String name) {
        Objects.requireNonNull(name, "name");
        if (!KEYSPACE_NAME.matcher(name).matches()) {
            throw new IllegalArgumentException("invalid keyspace name '" + name
                    + "': use 1 to 64 characters from [A-Za-z0-9._-]");
        }
        return name;
    }
}
