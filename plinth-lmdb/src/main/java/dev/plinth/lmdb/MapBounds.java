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
import java.util.function.LongSupplier;
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
 * <p>Thread-safe: the bounds are one immutable {@code Range}, tagged with the map's remap count. While the
 * map stays where it is they only grow, so a stale copy can only refuse what is in fact inside, and
 * {@link #check} reads the end afresh before it refuses anything; after a remap (LMDB may move the map when
 * it grows) the old range is not trusted at all and the start is found again.
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

    /**
     * The map's pages as last read: {@code [start, end)}, valid while the map has been remapped
     * {@code resizes} times. One immutable value, so that no reader pairs one refresh's start with
     * another's end.
     */
    private record Range(long start, long end, long resizes) {
        boolean contains(long from, long to) {
            return from >= start && to <= end;
        }
    }

    /** Where nothing is checked: the map's address is unknown. */
    private static final long UNKNOWN = -1;

    private final Env<ByteBuffer> env;
    private final long pageSize;
    private final LongSupplier resizes;
    private final String uri;
    private final Path dataFile;
    private volatile Range range;

    /**
     * Makes the bounds of an open environment.
     *
     * @param env the environment
     * @param pageSize its page size
     * @param resizes how many times the map has been remapped ({@link LmdbMap#resizes()}): LMDB may move the
     *     map when it grows, so a change means the start must be found again
     * @param uri the store's URI, for messages
     * @param dataFile the data file, whose mapping is looked up
     */
    MapBounds(Env<ByteBuffer> env, int pageSize, LongSupplier resizes, String uri, Path dataFile) {
        this.env = env;
        this.pageSize = pageSize;
        this.resizes = resizes;
        this.uri = uri;
        this.dataFile = dataFile;
        this.range = locate();
    }

    /**
     * Reads the bounds afresh: where the map starts, from the process's memory map listing (LMDB reports
     * its map's address only for fixed maps, and reading the listing is slow, so it is done only at open
     * and after a remap), and where the last used page ends. Where the listing is not available (not
     * Linux), buffers are not checked.
     */
    private Range locate() {
        long seen = resizes.getAsLong();
        long s = mapStart();
        return s < 0 ? new Range(UNKNOWN, Long.MAX_VALUE, seen) : withEnd(s, seen);
    }

    /** The range from a known start to the end of the last used page, as LMDB reports it now. */
    private Range withEnd(long start, long seen) {
        EnvInfo info = env.info();
        return new Range(start, start + (info.lastPageNumber + 1) * pageSize, seen);
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
        Range r = range;
        long seen = resizes.getAsLong();
        if (r.resizes() == seen && (r.start() == UNKNOWN || r.contains(from, to))) {
            return b;
        }
        // After a remap the map may have moved: find it again. Otherwise only the end can have grown, as
        // writes added pages; the start is still right, and the slow listing is not read again.
        r = r.resizes() != seen || r.start() == UNKNOWN ? locate() : withEnd(r.start(), seen);
        range = r;
        if (r.start() == UNKNOWN || r.contains(from, to)) {
            return b;
        }
        throw new CorruptionException("LMDB store " + uri + " is damaged: " + op + " was given " + what + " of "
                + b.remaining() + " bytes that lies outside the pages of " + dataFile
                + ", as a damaged page header or node makes LMDB do; nothing was read from it");
    }
}
