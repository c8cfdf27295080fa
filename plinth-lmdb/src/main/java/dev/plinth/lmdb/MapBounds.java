package dev.plinth.lmdb;

import dev.plinth.CorruptionException;
import java.io.BufferedReader;
import java.io.IOException;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.lmdbjava.Env;
import org.lmdbjava.EnvInfo;

/**
 * Where LMDB's pages are in memory: from the map's address to the end of its last used page. Every key and
 * value LMDB hands back must lie inside, and is checked before a byte of it is copied. LMDB trusts its
 * pages; a damaged page header or node makes it return a buffer that points past the file's pages, and
 * reading that would fault (the JVM then throws an {@link InternalError} at some later, unrelated point of
 * the thread) or allocate an absurd array. Checked, it is a {@link CorruptionException} at the read that
 * met it.
 *
 * <p>The map's address comes from the process's memory map listing ({@code /proc/self/maps}); where there is
 * none (not Linux), nothing is checked here, and the core's checksums and key checks remain.
 *
 * <p>Thread-safe: the bounds only grow while the map stays where it is, so a stale copy can only refuse
 * what is in fact inside; {@link #check} then reads them afresh before it refuses anything.
 */
final class MapBounds {
    /** {@code java.nio.Buffer.address}, open to us as lmdbjava needs {@code java.nio} opened anyway. */
    private static final VarHandle ADDRESS;

    static {
        try {
            ADDRESS = MethodHandles.privateLookupIn(Buffer.class, MethodHandles.lookup())
                    .findVarHandle(Buffer.class, "address", long.class);
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private final Env<ByteBuffer> env;
    private final long pageSize;
    private final String uri;
    private final Path dataFile;
    private volatile long start;
    private volatile long end;

    MapBounds(Env<ByteBuffer> env, int pageSize, String uri, Path dataFile) {
        this.env = env;
        this.pageSize = pageSize;
        this.uri = uri;
        this.dataFile = dataFile;
        refresh();
    }

    /**
     * Reads the bounds afresh: where the map starts, from the process's memory map listing (LMDB reports
     * its map's address only for fixed maps), and where the last used page ends. Where the listing is not
     * available (not Linux), buffers are not checked.
     */
    private void refresh() {
        EnvInfo info = env.info();
        long s = mapStart();
        if (s < 0) {
            start = 0;
            end = Long.MAX_VALUE;
            return;
        }
        end = s + (info.lastPageNumber + 1) * pageSize;
        start = s;
    }

    /** The lowest address at which {@link #dataFile} is mapped, or {@code -1} if that cannot be found. */
    private long mapStart() {
        Path maps = Path.of("/proc/self/maps");
        if (!Files.isReadable(maps)) {
            return -1;
        }
        String file;
        try {
            file = dataFile.toRealPath().toString();
        } catch (IOException e) {
            return -1;
        }
        long lowest = -1;
        try (BufferedReader r = Files.newBufferedReader(maps, StandardCharsets.UTF_8)) {
            for (String line = r.readLine(); line != null; line = r.readLine()) {
                if (line.endsWith(" " + file)) {
                    long from = Long.parseUnsignedLong(line.substring(0, line.indexOf('-')), 16);
                    if (lowest < 0 || Long.compareUnsigned(from, lowest) < 0) {
                        lowest = from;
                    }
                }
            }
        } catch (IOException | RuntimeException e) {
            return -1;
        }
        return lowest;
    }

    /**
     * Checks that a buffer LMDB returned lies inside its pages.
     *
     * @param b the buffer, from a get or a cursor of an open transaction
     * @param what what it is, for the message: {@code "a key"}, {@code "the value of a key"}
     * @param op the operation, for the message
     * @return {@code b}
     * @throws CorruptionException if it points outside
     */
    ByteBuffer check(ByteBuffer b, String what, String op) {
        long from = (long) ADDRESS.get((Buffer) b) + b.position();
        long to = from + b.remaining();
        if (from >= start && to <= end) {
            return b;
        }
        refresh();
        if (from >= start && to <= end) {
            return b;
        }
        throw new CorruptionException("LMDB store " + uri + " is damaged: " + op + " was given " + what + " of "
                + b.remaining() + " bytes that lies outside the pages of " + dataFile
                + ", as a damaged page header or node makes LMDB do; nothing was read from it");
    }
}
