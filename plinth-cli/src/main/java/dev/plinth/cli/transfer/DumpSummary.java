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
        return keyspaces + (keyspaces == 1 ? " keyspace, " : " keyspaces, ") + entries
                + (entries == 1 ? " entry" : " entries") + " (" + keyBytes + (keyBytes == 1 ? " key byte, " : " key bytes, ")
                + valueBytes + (valueBytes == 1 ? " value byte)" : " value bytes)");
    }
}
