package dev.plinth.cli.transfer;

import dev.plinth.CorruptionException;
import dev.plinth.Cursor;
import dev.plinth.Keyspace;
import dev.plinth.PlinthException;
import dev.plinth.Range;
import dev.plinth.ReadView;
import dev.plinth.ScanOptions;
import dev.plinth.Store;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.function.LongConsumer;
import java.util.zip.CRC32C;

/**
 * Checks that a store reads back consistently, then runs {@link Store#verify()} (checksums, key order and
 * the engine's own files). Consistently means: for every keyspace, a forward cursor returns keys in
 * strictly ascending unsigned order, {@code get} of each key returns the value the cursor returned, and a
 * reverse cursor returns the same entries in strictly descending order. Read through one view (a
 * snapshot, so that concurrent writers do not cause false alarms). A read that fails is a problem of that
 * keyspace, and the check goes on with the next one: a {@link CorruptionException} is damage, listed once
 * even though {@link Store#verify()} meets it again; any other failure (an I/O error, say) is listed apart,
 * as a failure to check, not as damage. So is a {@link Store#verify()} that throws anything but a
 * {@link CorruptionException} (a store beside a writer that kept changing its files, say).
 */
public final class StoreVerifier {
    /**
     * What one keyspace holds, read forward.
     *
     * @param name the keyspace
     * @param entries its entries
     * @param keyBytes bytes of its keys
     * @param valueBytes bytes of its values
     */
    public record KeyspaceCount(String name, long entries, long keyBytes, long valueBytes) {
    }

    /**
     * What a check found.
     *
     * @param keyspaces each keyspace's counts, by ascending name
     * @param problems damage: what the store holds that is wrong
     * @param failures reads that failed for reasons other than damage, so that part was not checked
     */
    public record Report(List<KeyspaceCount> keyspaces, Problems problems, Problems failures) {
        /**
         * All entries.
         *
         * @return the sum over keyspaces
         */
        public long entries() {
            return keyspaces.stream().mapToLong(KeyspaceCount::entries).sum();
        }
    }

    private StoreVerifier() {
    }

    /**
     * Checks every keyspace of a store.
     *
     * @param store the store, for its keyspaces
     * @param view what to read through, normally a snapshot of {@code store}
     * @param progress told of each entry read forward
     * @return what was found
     */
    public static Report verify(Store store, ReadView view, LongConsumer progress) {
        Problems problems = new Problems();
        Problems failures = new Problems();
        List<String> damageSeen = new ArrayList<>();
        List<KeyspaceCount> counts = new ArrayList<>();
        List<String> names = new ArrayList<>(store.keyspaces());
        Collections.sort(names);
        for (String name : names) {
            try {
                counts.add(verify(store.keyspace(name), view, problems, progress));
            } catch (CorruptionException e) {
                damageSeen.add(e.getMessage()); // listed below unless Store.verify() lists it too
                counts.add(new KeyspaceCount(name, -1, -1, -1));
            } catch (RuntimeException e) {
                // Any failure, not only PlinthException: an engine reading damaged pages may fail in ways
                // of its own, and the other keyspaces are still checked.
                failures.add("keyspace '" + name + "': reading failed: "
                        + (e instanceof PlinthException ? e.getMessage() : e.toString()));
                counts.add(new KeyspaceCount(name, -1, -1, -1));
            }
        }
        List<String> found;
        try {
            found = store.verify();
        } catch (CorruptionException e) {
            found = List.of(e.getMessage());
        } catch (PlinthException e) {
            // The engine could not make its check (a writer kept changing the files, say): a failure to check,
            // not damage; what the keyspaces' reads found damaged is still listed below.
            failures.add("the check of the store's own files could not be made: " + e.getMessage());
            found = List.of();
        }
        for (String damage : damageSeen) {
            if (found.stream().noneMatch(p -> p.contains(damage))) {
                problems.add(damage);
            }
        }
        for (String problem : found) {
            problems.add(problem);
        }
        return new Report(counts, problems, failures);
    }

    private static KeyspaceCount verify(Keyspace ks, ReadView view, Problems problems, LongConsumer progress) {
        String where = "keyspace '" + ks.name() + "': ";
        long entries = 0;
        long keyBytes = 0;
        long valueBytes = 0;
        long digest = 0;
        byte[] previous = null;
        try (Cursor c = view.cursor(ks, Range.all(), ScanOptions.forward())) {
            while (c.next()) {
                byte[] key = c.key();
                byte[] value = c.value();
                if (previous != null && Arrays.compareUnsigned(previous, key) >= 0) {
                    problems.add(where + "forward scan returned key " + Problems.show(key) + " after "
                            + Problems.show(previous));
                }
                byte[] got = view.get(ks, key);
                if (got == null) {
                    problems.add(where + "get of scanned key " + Problems.show(key) + " found nothing");
                } else if (!Arrays.equals(got, value)) {
                    problems.add(where + "get of key " + Problems.show(key) + " returned " + Problems.show(got)
                            + " but the scan returned " + Problems.show(value));
                }
                entries++;
                keyBytes += key.length;
                valueBytes += value.length;
                digest += mix(key, value);
                previous = key;
                progress.accept(1);
            }
        }
        long reverseEntries = 0;
        long reverseDigest = 0;
        previous = null;
        try (Cursor c = view.cursor(ks, Range.all(), ScanOptions.reverse())) {
            while (c.next()) {
                byte[] key = c.key();
                if (previous != null && Arrays.compareUnsigned(previous, key) <= 0) {
                    problems.add(where + "reverse scan returned key " + Problems.show(key) + " after "
                            + Problems.show(previous));
                }
                reverseEntries++;
                reverseDigest += mix(key, c.value());
                previous = key;
            }
        }
        if (reverseEntries != entries || reverseDigest != digest) {
            problems.add(where + "the reverse scan returned " + reverseEntries
                    + " entries that differ from the forward scan's " + entries);
        }
        return new KeyspaceCount(ks.name(), entries, keyBytes, valueBytes);
    }

    /** An order-independent fingerprint term of one entry: sums of these compare sets of entries. */
    private static long mix(byte[] key, byte[] value) {
        CRC32C crc = new CRC32C();
        crc.update(key);
        long h = crc.getValue() << 32;
        crc.reset();
        crc.update(value);
        h ^= crc.getValue() ^ ((long) key.length << 17) ^ value.length;
        h *= 0x9E3779B97F4A7C15L;
        return h ^ (h >>> 29);
    }
}
