package dev.plinth.cli.transfer;

/**
 * What a dump holds, or what was copied: the counts a dump's trailer records.
 *
 * @param keyspaces keyspaces, empty ones included
 * @param entries entries in all keyspaces
 * @param keyBytes bytes of all keys
 * @param valueBytes bytes of all values
 */
public record DumpSummary(int keyspaces, long entries, long keyBytes, long valueBytes) {
    /**
     * The counts as a phrase: {@code 2 keyspaces, 5 entries (12 key bytes, 40 value bytes)}.
     *
     * @return the phrase
     */
    public String describe() {
        return count(keyspaces, "keyspace", "keyspaces") + ", " + count(entries, "entry", "entries") + " ("
                + count(keyBytes, "key byte", "key bytes") + ", " + count(valueBytes, "value byte", "value bytes") + ")";
    }

    private static String count(long n, String one, String many) {
        return String.format(java.util.Locale.ROOT, "%,d %s", n, n == 1 ? one : many);
    }
}
