package dev.plinth.lsm.internal.manifest;

import dev.plinth.CorruptionException;
import dev.plinth.io.Vfs;
import dev.plinth.io.VfsFile;
import dev.plinth.lsm.internal.wal.WalFormat;
import dev.plinth.lsm.internal.wal.WalReader;
import dev.plinth.lsm.internal.wal.WalWriter;
import java.io.ByteArrayOutputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/**
 * The manifest: a file {@code MANIFEST-NNNNNNNNNN} in the write-ahead log's framing (with its own magic
 * number) whose records are {@link VersionState}s, and {@code CURRENT}, which names it. Each open starts a
 * new manifest holding the recovered state and points {@code CURRENT} at it: write a temporary file, force
 * it, rename it over {@code CURRENT}, sync the directory. Every later edit is appended and forced before
 * anything relies on it. Formats in {@code docs/format/manifest.md}. Not thread-safe: the engine calls it
 * under its maintenance lock.
 */
public final class Manifest implements AutoCloseable {
    /** {@code "PLNTHMAN"} in ASCII. */
    public static final long MAGIC = 0x504C4E54484D414EL;
    /** The pointer file. */
    public static final String CURRENT = "CURRENT";
    /** A manifest larger than this is replaced by a new one at the next edit. */
    static final long ROLL_SIZE = 1 << 20;

    private final Vfs vfs;
    private final String store;
    private VfsFile file;
    private long number;
    private long offset;
    private VersionState state;

    private Manifest(Vfs vfs, String store) {
        this.vfs = vfs;
        this.store = store;
    }

    /**
     * The file name of a manifest.
     *
     * @param number its file number
     * @return {@code MANIFEST-} and ten digits
     */
    public static String manifestName(long number) {
        return String.format("MANIFEST-%010d", number);
    }

    /**
     * The number of a manifest file name, or -1.
     *
     * @param name a file name
     * @return the number, or -1
     */
    public static long manifestNumber(String name) {
        return name.matches("MANIFEST-\\d{10}") ? Long.parseLong(name.substring(9)) : -1;
    }

    /**
     * Creates the manifest of a new store.
     *
     * @param vfs the file system
     * @param store the store, for messages
     * @param initial the state to record
     * @return the open manifest
     */
    public static Manifest create(Vfs vfs, String store, VersionState initial) {
        Manifest m = new Manifest(vfs, store);
        m.startNewFile(initial);
        return m;
    }

    /**
     * Reads the state {@code CURRENT} names and starts a new manifest holding it.
     *
     * @param vfs the file system
     * @param store the store, for messages
     * @return the open manifest; {@link #state()} is what was recovered
     * @throws CorruptionException if {@code CURRENT} or the manifest is damaged
     */
    public static Manifest recover(Vfs vfs, String store) {
        long n = readCurrent(vfs, store);
        VersionState state = read(vfs, store, n);
        Manifest m = new Manifest(vfs, store);
        m.startNewFile(state);
        vfs.delete(manifestName(n));
        return m;
    }

    /**
     * Reads the state {@code CURRENT} names, changing nothing; for a store opened read-only.
     *
     * @param vfs the file system
     * @param store the store, for messages
     * @return the state of the last valid edit
     * @throws CorruptionException if {@code CURRENT} or the manifest is damaged
     */
    public static VersionState read(Vfs vfs, String store) {
        return read(vfs, store, readCurrent(vfs, store));
    }

    /**
     * The number of the manifest {@code CURRENT} names; for a read-only open, which reads it and then the
     * manifest ({@link #read(Vfs, String, long)}) and may have to tell a writer's moving on from damage.
     *
     * @param vfs the file system
     * @param store the store, for messages
     * @return the manifest's number
     * @throws CorruptionException if {@code CURRENT} is missing or damaged
     */
    public static long current(Vfs vfs, String store) {
        return readCurrent(vfs, store);
    }

    /**
     * Reads the state of a manifest, changing nothing.
     *
     * @param vfs the file system
     * @param store the store, for messages
     * @param n the manifest's number
     * @return the state of its last valid edit
     * @throws CorruptionException if the manifest is missing or damaged
     */
    public static VersionState read(Vfs vfs, String store, long n) {
        String name = manifestName(n);
        if (!vfs.exists(name)) {
            throw new CorruptionException("the manifest " + vfs.location(name) + " of " + store + " that "
                    + CURRENT + " names is missing");
        }
        WalReader.Scan scan = WalReader.scan(vfs, name, n, MAGIC);
        if (scan.ending() != WalReader.Ending.CLEAN && scan.validAfter()) {
            throw new CorruptionException("the manifest " + vfs.location(name) + " of " + store + " is damaged at"
                    + " offset " + scan.problemAt() + ": " + scan.problem() + "; valid edits follow it");
        }
        if (scan.records().isEmpty()) {
            throw new CorruptionException("the manifest " + vfs.location(name) + " of " + store + " holds no valid"
                    + " edit" + (scan.problem() == null ? "" : " (" + scan.problem() + ")"));
        }
        return VersionState.decode(scan.records().get(scan.records().size() - 1), vfs.location(name));
    }

    /**
     * Writes the state again as the only edit of a new manifest; at a clean close, so that damage at rest to
     * any edit is then detected (a torn last edit is otherwise indistinguishable from a crash during it).
     */
    public void rewrite() {
        startNewFile(state);
    }

    /**
     * Checks {@code CURRENT} and the manifest it names without changing anything; for verify.
     *
     * @param vfs the file system
     * @param store the store, for messages
     * @return every problem found
     */
    public static List<String> check(Vfs vfs, String store) {
        return inspect(vfs, store).problems();
    }

    /**
     * What one reading of {@code CURRENT} and the manifest it names found; for a verify beside a writer, which
     * reads twice and trusts what it read only if both readings are the same ({@link #sameAs}).
     *
     * @param number the manifest {@code CURRENT} named, or -1 if {@code CURRENT} could not be read
     * @param size the manifest's size in bytes, or -1 if it could not be read
     * @param end where its valid edits end
     * @param edits how many valid edits it holds
     * @param problems every problem found, each a sentence naming the file
     * @param state the state of its last valid edit, or {@code null} if there is none or it does not decode
     */
    public record Reading(long number, long size, long end, int edits, List<String> problems, VersionState state) {
        /**
         * Whether another reading found the same manifest with the same edits: then no writer edited it, rolled
         * it or pointed {@code CURRENT} elsewhere between the two (a manifest only grows, and a new one has a
         * new number).
         *
         * @param other the other reading
         * @return {@code true} if they agree
         */
        public boolean sameAs(Reading other) {
            return number == other.number && size == other.size && end == other.end && edits == other.edits
                    && problems.equals(other.problems);
        }
    }

    /**
     * Reads {@code CURRENT} and the manifest it names, changing nothing and throwing nothing for what it finds
     * wrong: a damaged or missing file is a problem of the reading.
     *
     * @param vfs the file system
     * @param store the store, for messages
     * @return what was read
     */
    public static Reading inspect(Vfs vfs, String store) {
        List<String> problems = new ArrayList<>();
        long n = -1;
        long size = -1;
        long end = 0;
        int edits = 0;
        VersionState state = null;
        try {
            n = readCurrent(vfs, store);
            String name = manifestName(n);
            WalReader.Scan scan = WalReader.scan(vfs, name, n, MAGIC);
            size = scan.size();
            end = scan.end();
            edits = scan.records().size();
            if (scan.ending() != WalReader.Ending.CLEAN) {
                problems.add("the manifest " + vfs.location(name) + " of " + store + " is damaged at offset "
                        + scan.problemAt() + ": " + scan.problem());
            }
            for (byte[] r : scan.records()) {
                state = VersionState.decode(r, vfs.location(name));
            }
        } catch (CorruptionException | dev.plinth.StorageIOException e) {
            problems.add(e.getMessage());
            state = null;
        }
        return new Reading(n, size, end, edits, List.copyOf(problems), state);
    }

    private static long readCurrent(Vfs vfs, String store) {
        if (!vfs.exists(CURRENT)) {
            throw new CorruptionException("the store " + store + " has no " + CURRENT + " file naming its manifest");
        }
        byte[] b;
        try (VfsFile f = vfs.openRead(CURRENT)) {
            long size = f.size();
            if (size > 256) {
                throw new CorruptionException(vfs.location(CURRENT) + " of " + store + " is " + size + " bytes, too"
                        + " long to name a manifest");
            }
            b = new byte[(int) size];
            f.read(0, ByteBuffer.wrap(b));
        }
        String s = new String(b, StandardCharsets.US_ASCII);
        // "MANIFEST-NNNNNNNNNN <crc32c of the name, 8 hex digits>\n"
        if (!s.matches("MANIFEST-\\d{10} [0-9a-f]{8}\n")) {
            throw new CorruptionException(vfs.location(CURRENT) + " of " + store + " is malformed");
        }
        String name = s.substring(0, 19);
        int crc = (int) Long.parseLong(s.substring(20, 28), 16);
        byte[] nb = name.getBytes(StandardCharsets.US_ASCII);
        if (crc != WalFormat.crc(nb, 0, nb.length)) {
            throw new CorruptionException(vfs.location(CURRENT) + " of " + store + " fails its CRC32C");
        }
        return manifestNumber(name);
    }

    /** Writes a new manifest file holding {@code s}, points CURRENT at it, and removes the old file. */
    private void startNewFile(VersionState s) {
        long n = s.nextFileNumber();
        VersionState withNumber = s.withNextFileNumber(n + 1);
        String name = manifestName(n);
        vfs.delete(name); // left by an open that crashed before CURRENT named it
        VfsFile f = vfs.create(name);
        long end;
        try {
            f.write(0, WalFormat.header(MAGIC, n));
            byte[] rec = withNumber.encode();
            ByteArrayOutputStream framed = new ByteArrayOutputStream();
            WalWriter.frame(framed, WalFormat.HEADER_SIZE, rec);
            f.write(WalFormat.HEADER_SIZE, ByteBuffer.wrap(framed.toByteArray()));
            end = WalFormat.HEADER_SIZE + framed.size();
            f.force();
            vfs.syncDirectory("");
            String line = name + " " + String.format("%08x", WalFormat.crc(name.getBytes(StandardCharsets.US_ASCII), 0,
                    name.length())) + "\n";
            String tmp = CURRENT + ".tmp";
            vfs.delete(tmp);
            try (VfsFile t = vfs.create(tmp)) {
                t.write(0, ByteBuffer.wrap(line.getBytes(StandardCharsets.US_ASCII)));
                t.force();
            }
            vfs.rename(tmp, CURRENT);
            vfs.syncDirectory("");
        } catch (RuntimeException e) {
            f.close();
            throw e;
        }
        VfsFile old = file;
        long oldNumber = number;
        file = f;
        number = n;
        offset = end;
        state = withNumber;
        if (old != null) {
            old.close();
            vfs.delete(manifestName(oldNumber));
        }
    }

    /**
     * Records a new state durably: appended and forced, or written to a new manifest if this one is large.
     *
     * @param next the new state; its file number counter must not be below the current one
     */
    public void log(VersionState next) {
        if (offset >= ROLL_SIZE) {
            startNewFile(next);
            return;
        }
        VersionState s = next.withNextFileNumber(Math.max(next.nextFileNumber(), state.nextFileNumber()));
        byte[] rec = s.encode();
        ByteArrayOutputStream framed = new ByteArrayOutputStream();
        WalWriter.frame(framed, offset, rec);
        file.write(offset, ByteBuffer.wrap(framed.toByteArray()));
        file.force();
        offset += framed.size();
        state = s;
    }

    /**
     * The last state recorded.
     *
     * @return the state
     */
    public VersionState state() {
        return state;
    }

    /**
     * The file number of the manifest being written.
     *
     * @return the number
     */
    public long number() {
        return number;
    }

    /** Closes the file. Idempotent. */
    @Override
    public void close() {
        if (file != null) {
            file.close();
            file = null;
        }
    }
}
