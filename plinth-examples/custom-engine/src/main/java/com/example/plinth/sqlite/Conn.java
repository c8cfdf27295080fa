package com.example.plinth.sqlite;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HashMap;
import java.util.Map;

/**
 * One JDBC connection to the store's database and the statements prepared on it, each prepared once and
 * reused. Not thread-safe: a connection is used by one thread at a time (the write lock, the pool, or a
 * read transaction's mutex decides which).
 */
final class Conn implements AutoCloseable {
    private final Connection connection;
    private final Map<String, PreparedStatement> statements = new HashMap<>();

    Conn(Connection connection) {
        this.connection = connection;
    }

    /**
     * The statement for {@code sql}, prepared on first use. Its parameters are the caller's to set.
     *
     * @param sql the statement
     * @return the prepared statement, owned by this connection
     * @throws SQLException if SQLite cannot prepare it
     */
    PreparedStatement prepare(String sql) throws SQLException {
        PreparedStatement ps = statements.get(sql);
        if (ps == null) {
            ps = connection.prepareStatement(sql);
            statements.put(sql, ps);
        }
        return ps;
    }

    /**
     * Runs a statement that returns no rows ({@code BEGIN}, {@code COMMIT}, a pragma that sets).
     *
     * @param sql the statement
     * @throws SQLException if it fails
     */
    void exec(String sql) throws SQLException {
        try (Statement s = connection.createStatement()) {
            s.execute(sql);
        }
    }

    /**
     * Runs a query whose answer is one number ({@code PRAGMA page_count}).
     *
     * @param sql the query
     * @return the number in the first column of the first row, or 0 if there is no row
     * @throws SQLException if it fails
     */
    long queryLong(String sql) throws SQLException {
        try (Statement s = connection.createStatement(); var rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    /** Closes the statements and the connection, quietly: a connection that fails to close holds nothing more. */
    @Override
    public void close() {
        for (PreparedStatement ps : statements.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing anyway
            }
        }
        statements.clear();
        try {
            connection.close();
        } catch (SQLException ignored) {
            // nothing left to release
        }
    }
}
