package dev.plinth.spi;

import java.nio.ByteBuffer;

/**
 * Takes the entries an {@link EngineCursor} lends ({@link EngineCursor#lend(EntrySink)}): each key and value
 * is the bytes from a buffer's position to its limit, valid only during the call that hands them over (an
 * engine may lend memory it owns, such as LMDB's memory map, and reuse the buffer objects for the next
 * entry). A sink reads them and copies what it keeps; it never writes to them nor moves their position or
 * limit for good (it may move them inside its call if it puts them back), and never keeps a buffer past its
 * call. {@link LentBytes#compare} compares a lent key with an array in place.
 */
@FunctionalInterface
public interface EntrySink {
    /**
     * Takes one entry.
     *
     * @param key the key, from position to limit, valid during this call only
     * @param value the value, or a prefix of it as {@link EngineCursor#value()} would return, under the
     *     same rule
     * @return {@code true} to be lent the next entry, {@code false} to stop after this one
     */
    boolean entry(ByteBuffer key, ByteBuffer value);
}
