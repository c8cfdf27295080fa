package dev.plinth.documents;

import java.util.Optional;

/** Runs a sync session between two collections in one thread until neither side has anything to send. */
final class Syncs {
    private Syncs() {
    }

    /** @return the number of rounds (each side sending at most one message) until quiet */
    static int run(DocumentCollection a, DocumentCollection b) {
        try (SyncSession sa = a.syncSession(); SyncSession sb = b.syncSession()) {
            for (int round = 1; round <= 1000; round++) {
                Optional<byte[]> fromA = sa.nextMessage();
                fromA.ifPresent(sb::receive);
                Optional<byte[]> fromB = sb.nextMessage();
                fromB.ifPresent(sa::receive);
                if (fromA.isEmpty() && fromB.isEmpty()) {
                    return round;
                }
            }
            throw new AssertionError("no convergence after 1000 rounds between " + a.name() + " and " + b.name());
        }
    }
}
