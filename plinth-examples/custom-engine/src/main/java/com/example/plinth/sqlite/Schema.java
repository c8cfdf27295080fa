package com.example.plinth.sqlite;

import dev.plinth.spi.ScanSpec;

/**
 * The store's tables and the SQL the engine runs on them; the format is described in
 * {@code docs/format/sqlite.md}. Keys are BLOBs, which SQLite compares with {@code memcmp} and then by
 * length: exactly Plinth's unsigned lexicographic order, so {@code ORDER BY k} is the store's order.
 * Stateless.
 */
final class Schema {
    /** {@code PRAGMA application_id} of a Plinth store: "Plnt" in ASCII. Another value is someone else's file. */
    static final int APPLICATION_ID = 0x506C6E74;
    /** {@code PRAGMA user_version}: the layout of the tables below. */
    static final int FORMAT_VERSION = 1;
    /** The first keyspace number, the default keyspace's. */
    static final long DEFAULT_KEYSPACE_ID = 1;

    static final String[] CREATE = {
        "CREATE TABLE plinth_meta(name TEXT PRIMARY KEY, value INTEGER NOT NULL) WITHOUT ROWID",
        "CREATE TABLE plinth_keyspaces(name TEXT PRIMARY KEY, id INTEGER NOT NULL UNIQUE) WITHOUT ROWID",
        "CREATE TABLE plinth_entries(ks INTEGER NOT NULL, k BLOB NOT NULL, v BLOB NOT NULL, PRIMARY KEY (ks, k))"
                + " WITHOUT ROWID",
        "INSERT INTO plinth_meta(name, value) VALUES ('nextKeyspaceId', " + (DEFAULT_KEYSPACE_ID + 1) + ")",
        "INSERT INTO plinth_meta(name, value) VALUES ('flushes', 0)",
        "INSERT INTO plinth_keyspaces(name, id) VALUES ('" + dev.plinth.Store.DEFAULT_KEYSPACE + "', "
                + DEFAULT_KEYSPACE_ID + ")",
        "PRAGMA application_id = " + APPLICATION_ID,
        "PRAGMA user_version = " + FORMAT_VERSION,
    };

    static final String COUNT_TABLES = "SELECT count(*) FROM sqlite_schema";
    static final String LIST_KEYSPACES = "SELECT name, id FROM plinth_keyspaces";
    /** Any read of the database: the first one in a transaction fixes the transaction's view. */
    static final String START_READ = "SELECT value FROM plinth_meta WHERE name = 'flushes'";

    static final String GET = "SELECT v FROM plinth_entries WHERE ks = ? AND k = ?";
    static final String PUT = "INSERT OR REPLACE INTO plinth_entries(ks, k, v) VALUES (?, ?, ?)";
    static final String DELETE = "DELETE FROM plinth_entries WHERE ks = ? AND k = ?";
    static final String DELETE_KEYSPACE_ENTRIES = "DELETE FROM plinth_entries WHERE ks = ?";
    static final String NEXT_KEYSPACE_ID = "SELECT value FROM plinth_meta WHERE name = 'nextKeyspaceId'";
    static final String BUMP_KEYSPACE_ID = "UPDATE plinth_meta SET value = value + 1 WHERE name = 'nextKeyspaceId'";
    static final String INSERT_KEYSPACE = "INSERT INTO plinth_keyspaces(name, id) VALUES (?, ?)";
    static final String DELETE_KEYSPACE = "DELETE FROM plinth_keyspaces WHERE name = ?";
    static final String BUMP_FLUSHES = "UPDATE plinth_meta SET value = value + 1 WHERE name = 'flushes'";

    private Schema() {
    }

    /**
     * A range delete: parameters are the keyspace, then the start if {@code hasStart}, then the end if
     * {@code hasEnd}.
     *
     * @param hasStart whether the range has a start
     * @param hasEnd whether the range has an end
     * @return the statement
     */
    static String deleteRange(boolean hasStart, boolean hasEnd) {
        return "DELETE FROM plinth_entries WHERE ks = ?" + (hasStart ? " AND k >= ?" : "") + (hasEnd ? " AND k < ?" : "");
    }

    /**
     * One page of a cursor: the keys after (or, in reverse, before) a bound, in the cursor's direction.
     * Parameters, in order: the value prefix length if {@code valueBytes} is not
     * {@link ScanSpec#FULL_VALUES}, the keyspace, the lower bound if any, the upper bound if any, the limit.
     *
     * @param lower {@code null} for no lower bound, {@code ">="} or {@code ">"}
     * @param upper {@code null} for no upper bound, {@code "<"} or {@code "<="}
     * @param reverse whether keys descend
     * @param valueBytes how much of each value to read
     * @return the query
     */
    static String page(String lower, String upper, boolean reverse, int valueBytes) {
        return "SELECT k, " + (valueBytes == ScanSpec.FULL_VALUES ? "v" : "substr(v, 1, ?)")
                + " FROM plinth_entries WHERE ks = ?"
                + (lower == null ? "" : " AND k " + lower + " ?")
                + (upper == null ? "" : " AND k " + upper + " ?")
                + " ORDER BY k" + (reverse ? " DESC" : "") + " LIMIT ?";
    }
}
