package dev.plinth.testkit.model;

/** A difference between the store and the model, found by a {@link ModelRun}. Not thread-safe. */
final class Mismatch extends RuntimeException {
    private static final long serialVersionUID = 1L;
    private final String category;

    /**
     * Makes a mismatch.
     *
     * @param category what kind of check failed; part of the failure's signature
     * @param message what differed
     */
    Mismatch(String category, String message) {
        super(message, null, false, false);
        this.category = category;
    }

    String category() {
        return category;
    }
}
