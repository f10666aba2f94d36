package dev.parley.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.HashMap;
import java.util.Map;

/**
 * Prepared statements kept across transactions for one connection that one thread uses at a time: SQLite's single
 * writer. sqlite-jdbc has no statement cache of its own, and preparing is a large share of the writer's time
 * (compiling the SQL, then a native call per result column for its name): in a profile of the direct-message
 * benchmark, a third of the writer thread's samples were in {@code prepareStatement}. A statement is taken out while
 * in use (so a nested use of the same SQL prepares another) and put back, parameters cleared, when it ran without
 * error. Not thread-safe, by design.
 */
public final class StatementCache implements AutoCloseable {
    /** Distinct SQL texts kept; the stores have far fewer. */
    static final int MAX = 256;

    private final Connection connection;
    private final Map<String, PreparedStatement> idle = new HashMap<>();

    public StatementCache(Connection connection) {
        this.connection = connection;
    }

    PreparedStatement take(String sql) throws SQLException {
        PreparedStatement ps = idle.remove(sql);
        return ps != null ? ps : connection.prepareStatement(sql);
    }

    void putBack(String sql, PreparedStatement ps) throws SQLException {
        ps.clearParameters();
        if (idle.size() < MAX && idle.putIfAbsent(sql, ps) == null) return;
        ps.close();
    }

    /** Runs a statement without parameters or results (SAVEPOINT, RELEASE), prepared once. */
    public void execute(String sql) throws SQLException {
        PreparedStatement ps = take(sql);
        try {
            ps.execute();
        } catch (SQLException | RuntimeException e) {
            ps.close();
            throw e;
        }
        putBack(sql, ps);
    }

    @Override
    public void close() {
        for (PreparedStatement ps : idle.values()) {
            try {
                ps.close();
            } catch (SQLException ignored) {
                // closing the connection next
            }
        }
        idle.clear();
    }
}
