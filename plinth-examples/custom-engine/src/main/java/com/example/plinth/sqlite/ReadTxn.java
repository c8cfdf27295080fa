package com.example.plinth.sqlite;

import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * A connection that reads one consistent view: a pooled connection in an SQLite read transaction (the
 * view of a snapshot or of an engine cursor, fixed by the first read after {@code BEGIN}; in WAL mode it
 * holds no lock that stops the writer), or the writer's own connection inside a batch's write transaction
 * (the view its preconditions are checked against). Every use of the connection holds {@link #mutex}.
 */
final class ReadTxn {
    /** Held around every use of the connection; guards {@link #closed}. */
    final Object mutex = new Object();
    private final SqliteEngine engine;
    private final Conn conn;
    /** Whether this transaction began the SQLite transaction and so ends it and gives the connection back. */
    private final boolean owned;
    private boolean closed;

    private ReadTxn(SqliteEngine engine, Conn conn, boolean owned) {
        this.engine = engine;
        this.conn = conn;
        this.owned = owned;
    }

    /**
     * Begins a read transaction on a connection no one else uses, and fixes its view.
     *
     * @param engine the engine the connection is given back to
     * @param conn a connection in autocommit mode
     * @return the transaction, which the caller closes
     * @throws SQLException if SQLite fails; the caller still owns the connection then
     */
    static ReadTxn begin(SqliteEngine engine, Conn conn) throws SQLException {
        conn.exec("BEGIN");
        try (ResultSet rs = conn.prepare(Schema.START_READ).executeQuery()) {
            rs.next();
        } catch (SQLException e) {
            conn.exec("ROLLBACK");
            throw e;
        }
        return new ReadTxn(engine, conn, true);
    }

    /**
     * The view of a write transaction the caller holds open on the writer's connection.
     *
     * @param engine the engine
     * @param writer the writer's connection, inside {@code BEGIN IMMEDIATE}
     * @return a view the caller does not close
     */
    static ReadTxn insideWrite(SqliteEngine engine, Conn writer) {
        return new ReadTxn(engine, writer, false);
    }

    /**
     * The connection, for a caller holding {@link #mutex}.
     *
     * @param op the operation, for the message
     * @return the connection
     * @throws IllegalStateException if the transaction was closed
     */
    Conn connLocked(String op) {
        if (closed) {
            throw new IllegalStateException(op + " on " + engine.uri() + ": the view was closed");
        }
        return conn;
    }

    /** Ends the read transaction and gives the connection back. Idempotent; does nothing for a write's view. */
    void close() {
        synchronized (mutex) {
            if (closed || !owned) {
                closed = true;
                return;
            }
            closed = true;
            engine.endRead(this, conn);
        }
    }
}
