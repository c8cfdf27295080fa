package dev.plinth.internal;

import dev.plinth.ConflictException;
import dev.plinth.CorruptionException;
import dev.plinth.NoSuchKeyspaceException;
import dev.plinth.StorageIOException;
import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.EngineKeyspace;
import dev.plinth.spi.EngineSnapshot;
import dev.plinth.spi.ScanSpec;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * {@link dev.plinth.Store#verify()}: every entry of every keyspace read forward and in reverse through
 * {@link CheckedEngine}, whose checks turn damage into {@link CorruptionException}. A damaged value is
 * written down and the walk goes on past it, up to {@link #MAX_PROBLEMS_PER_KEYSPACE} per keyspace; damaged
 * keys or an engine error end the walk in that direction, so the reverse walk reaches what lies beyond
 * damage that stopped the forward one. A problem both walks meet is listed once. Then the engine checks its
 * own files; if that check itself fails, the failure is listed too and the problems already found are kept.
 * Not thread-safe; one per call.
 */
final class IntegrityScan {
    /** After this many problems in one keyspace, the rest of it is not walked. */
    static final int MAX_PROBLEMS_PER_KEYSPACE = 100;

    private final CoreStore store;
    private final Set<String> problems = new LinkedHashSet<>();
    /** Messages of the damage that ended a walk, so that the same damage ending the other walk is listed once. */
    private final Set<String> structuralDamage = new HashSet<>();

    IntegrityScan(CoreStore store) {
        this.store = store;
    }

    List<String> run(List<String> keyspaceNames) {
        EngineSnapshot snapshot = store.engineSnapshot();
        try {
            for (String name : keyspaceNames) {
                EngineKeyspace ks;
                try {
                    ks = ((CoreKeyspace) store.keyspace(name)).engineKeyspace;
                } catch (NoSuchKeyspaceException e) {
                    continue; // dropped meanwhile
                }
                walk(snapshot, ks, false);
                walk(snapshot, ks, true);
            }
        } finally {
            store.releaseEngineSnapshot(snapshot);
        }
        store.guard().enter();
        try {
            problems.addAll(store.engine().verify());
        } catch (CorruptionException | StorageIOException e) {
            problems.add("The engine's own check of the files of store " + store.uri() + " failed: " + e.getMessage());
        } catch (ConflictException e) {
            // The engine could not check its files because a writer kept changing them: no damage. Thrown when the
            // walk found nothing either; otherwise said beside what was found, which is not lost.
            if (problems.isEmpty()) {
                throw e;
            }
            problems.add("The engine's own check of the files of store " + store.uri() + " could not be made: "
                    + e.getMessage());
        } finally {
            store.guard().exit();
        }
        return new ArrayList<>(problems);
    }

    /** Walks one keyspace in one direction; {@code false} if it found problems. */
    private boolean walk(EngineSnapshot snapshot, EngineKeyspace ks, boolean reverse) {
        int found = 0;
        store.guard().enter();
        try (EngineCursor c = snapshot.cursor(ks, ScanSpec.all().reverse(reverse))) {
            while (true) {
                try {
                    if (!c.next()) {
                        break;
                    }
                } catch (CheckedEngine.DamagedValueException e) {
                    problems.add(e.getMessage());
                    if (++found == MAX_PROBLEMS_PER_KEYSPACE) {
                        problems.add("Keyspace '" + ks.name() + "' of store " + store.uri() + " has at least "
                                + found + " damaged entries; the rest of it was not checked.");
                        break;
                    }
                }
            }
        } catch (NoSuchKeyspaceException e) {
            return true; // dropped meanwhile
        } catch (CorruptionException e) {
            // Damage to keys or to the engine's own structure: walking on could make a native engine read
            // garbage, so the rest of this keyspace is left unread, and the others are still checked.
            if (structuralDamage.add(e.getMessage())) { // the reverse walk meeting the same damage adds nothing
                problems.add(e.getMessage() + " (the rest of keyspace '" + ks.name() + "' was not walked "
                        + (reverse ? "in reverse" : "forward") + ")");
            }
            found++;
        } catch (RuntimeException e) {
            // The engine failed in a way the checks do not know: that too is a problem of this keyspace.
            problems.add("Reading keyspace '" + ks.name() + "' of store " + store.uri() + " failed after "
                    + found + " damaged entries: " + e);
            found++;
        } finally {
            store.guard().exit();
        }
        return found == 0;
    }
}
