package com.example.plinth.sqlite;

import dev.plinth.spi.EngineCursor;
import dev.plinth.spi.ScanSpec;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * A cursor over one keyspace in one read transaction. It reads pages of rows with one short query each
 * ({@code ... WHERE k > last ORDER BY k LIMIT n}), each resuming after the last key of the one before, so
 * it never keeps a statement open between calls: cursors of one snapshot share its connection, and a seek
 * is a new first page. Pages start at {@link #FIRST_PAGE} rows (cursors with a small limit read little) and
 * grow to {@link #MAX_PAGE}. Not thread-safe, as the SPI allows.
 */
final class SqliteCursor implements EngineCursor {
    static final int FIRST_PAGE = 16;
    static final int MAX_PAGE = 1024;

    private final SqliteEngine engine;
    private final SqliteKeyspace ks;
    private final ReadTxn txn;
    /** Whether the cursor began {@link #txn} (a cursor on the engine) and so closes it. */
    private final boolean ownsTxn;
    private final ScanSpec scan;

    /** The rows of the current page. */
    private final List<byte[]> keys = new ArrayList<>();
    private final List<byte[]> values = new ArrayList<>();
    private int pos = -1;
    /** Whether no row lies beyond the current page. */
    private boolean lastPage;
    /** Where the next page starts, in the cursor's direction; {@code null} for the range's own bound. */
    private byte[] resume;
    private boolean resumeInclusive;
    private int pageSize = FIRST_PAGE;
    private byte[] key;
    private byte[] value;
    private boolean closed;

    SqliteCursor(SqliteEngine engine, SqliteKeyspace ks, ReadTxn txn, boolean ownsTxn, ScanSpec scan) {
        this.engine = engine;
        this.ks = ks;
        this.txn = txn;
        this.ownsTxn = ownsTxn;
        this.scan = scan;
    }

    @Override
    public boolean next() {
        requireOpen("next");
        pos++;
        if (pos >= keys.size()) {
            if (lastPage) {
                return off();
            }
            readPage();
            pos = 0;
            if (keys.isEmpty()) {
                return off();
            }
        }
        key = keys.get(pos);
        value = values.get(pos);
        return true;
    }

    private boolean off() {
        pos = keys.size();
        key = null;
        value = null;
        return false;
    }

    @Override
    public byte[] key() {
        if (key == null) {
            throw new IllegalStateException("the cursor over " + ks + " of " + engine.uri() + " is not on an entry");
        }
        return key;
    }

    @Override
    public byte[] value() {
        if (key == null) {
            throw new IllegalStateException("the cursor over " + ks + " of " + engine.uri() + " is not on an entry");
        }
        return value;
    }

    @Override
    public void seek(byte[] target) {
        requireOpen("seek");
        keys.clear();
        values.clear();
        pos = -1;
        lastPage = false;
        key = null;
        value = null;
        pageSize = FIRST_PAGE;
        byte[] bound = scan.reverse() ? scan.end() : scan.start();
        // Forward, a target before the start is the start; in reverse, one at or past the end is the end.
        boolean outside = bound != null && (scan.reverse()
                ? Arrays.compareUnsigned(target, bound) >= 0
                : Arrays.compareUnsigned(target, bound) < 0);
        resume = outside ? null : target;
        resumeInclusive = true;
    }

    /** Reads the page after {@link #resume} into {@link #keys} and {@link #values}. */
    private void readPage() {
        keys.clear();
        values.clear();
        boolean reverse = scan.reverse();
        byte[] lower = reverse ? scan.start() : (resume != null ? resume : scan.start());
        byte[] upper = reverse ? (resume != null ? resume : scan.end()) : scan.end();
        String lowerOp = lower == null ? null : (!reverse && resume != null && !resumeInclusive ? ">" : ">=");
        String upperOp = upper == null ? null : (reverse && resume != null && resumeInclusive ? "<=" : "<");
        String sql = Schema.page(lowerOp, upperOp, reverse, scan.valueBytes());
        synchronized (txn.mutex) {
            Conn conn = txn.connLocked("cursor next");
            try {
                PreparedStatement ps = conn.prepare(sql);
                int i = 1;
                if (!scan.fullValues()) {
                    ps.setInt(i++, scan.valueBytes());
                }
                ps.setLong(i++, ks.id());
                if (lower != null) {
                    ps.setBytes(i++, lower);
                }
                if (upper != null) {
                    ps.setBytes(i++, upper);
                }
                ps.setInt(i, pageSize);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        keys.add(rs.getBytes(1));
                        values.add(SqliteEngine.valueOf(rs, 2));
                    }
                }
            } catch (SQLException e) {
                throw engine.translate(e, "cursor next", null);
            }
        }
        lastPage = keys.size() < pageSize;
        if (!keys.isEmpty()) {
            resume = keys.get(keys.size() - 1);
            resumeInclusive = false;
        }
        pageSize = Math.min(pageSize * 4, MAX_PAGE);
    }

    private void requireOpen(String op) {
        if (closed) {
            throw new IllegalStateException(op + " on a closed cursor over " + ks + " of " + engine.uri());
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        keys.clear();
        values.clear();
        if (ownsTxn) {
            txn.close();
        }
    }
}
