package dev.parley.platform;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A transaction's connection with the few helpers the stores need. Parameters bind by position. */
public final class Tx {
    private final Connection connection;
    private final Dialect dialect;
    /** Statements kept across transactions (SQLite's writer), or null: prepared and closed each time. */
    private final StatementCache cache;

    public Tx(Connection connection, Dialect dialect) {
        this(connection, dialect, null);
    }

    public Tx(Connection connection, Dialect dialect, StatementCache cache) {
        this.connection = connection;
        this.dialect = dialect;
        this.cache = cache;
    }

    public Dialect dialect() { return dialect; }

    /**
     * Says that this transaction erases content that must then leave the database files too (a recalled text):
     * SQLite's writer then empties its WAL at its next idle moment, where the old versions of the pages would
     * otherwise stay readable. Writes that erase nothing cost the writer no checkpoint.
     */
    public void erasesContent() { erases = true; }

    public boolean erases() { return erases; }

    private boolean erases;

    public <T> List<T> query(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (Stmt st = prepare(sql, params); ResultSet rs = st.ps.executeQuery()) {
            List<T> out = new ArrayList<>();
            while (rs.next()) out.add(mapper.map(rs));
            return st.done(out);
        }
    }

    public <T> Optional<T> queryOne(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (Stmt st = prepare(sql, params); ResultSet rs = st.ps.executeQuery()) {
            return st.done(rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty());
        }
    }

    public long queryLong(String sql, Object... params) throws SQLException {
        return queryOne(sql, rs -> rs.getLong(1), params).orElseThrow(() -> new SQLException("no row: " + sql));
    }

    public boolean exists(String sql, Object... params) throws SQLException {
        return queryOne(sql, rs -> Boolean.TRUE, params).isPresent();
    }

    /** Runs an INSERT/UPDATE/DELETE; a unique-constraint failure becomes {@link UniqueViolation}. */
    public int update(String sql, Object... params) throws SQLException {
        try (Stmt st = prepare(sql, params)) {
            return st.done(st.ps.executeUpdate());
        } catch (SQLException e) {
            if (isUniqueViolation(e)) throw new UniqueViolation(e);
            throw e;
        }
    }

    /** Runs a statement ending in {@code RETURNING <one long column>} (both dialects accept it). */
    public long updateReturningLong(String sql, Object... params) throws SQLException {
        try (Stmt st = prepare(sql, params); ResultSet rs = st.ps.executeQuery()) {
            if (!rs.next()) throw new SQLException("no row returned: " + sql);
            return st.done(rs.getLong(1));
        } catch (SQLException e) {
            if (isUniqueViolation(e)) throw new UniqueViolation(e);
            throw e;
        }
    }

    public Optional<Long> updateReturningLongIfAny(String sql, Object... params) throws SQLException {
        try (Stmt st = prepare(sql, params); ResultSet rs = st.ps.executeQuery()) {
            return st.done(rs.next() ? Optional.of(rs.getLong(1)) : Optional.empty());
        } catch (SQLException e) {
            if (isUniqueViolation(e)) throw new UniqueViolation(e);
            throw e;
        }
    }

    /** Runs a statement ending in {@code RETURNING ...} that changes at most one row; maps the row if there is one. */
    public <T> Optional<T> updateReturning(String sql, RowMapper<T> mapper, Object... params) throws SQLException {
        try (Stmt st = prepare(sql, params); ResultSet rs = st.ps.executeQuery()) {
            return st.done(rs.next() ? Optional.ofNullable(mapper.map(rs)) : Optional.empty());
        } catch (SQLException e) {
            if (isUniqueViolation(e)) throw new UniqueViolation(e);
            throw e;
        }
    }

    /** Runs one INSERT/UPDATE/DELETE for each parameter row as a JDBC batch (one round trip per chunk on PostgreSQL). */
    public void batch(String sql, List<Object[]> rows) throws SQLException {
        if (rows.isEmpty()) return;
        try (PreparedStatement ps = connection.prepareStatement(sql)) {
            int n = 0;
            for (Object[] row : rows) {
                for (int i = 0; i < row.length; i++) ps.setObject(i + 1, row[i]);
                ps.addBatch();
                if (++n % 500 == 0) ps.executeBatch();
            }
            if (n % 500 != 0) ps.executeBatch();
        } catch (SQLException e) {
            if (isUniqueViolation(e)) throw new UniqueViolation(e);
            throw e;
        }
    }

    /** A PostgreSQL array parameter ({@code int8}, {@code text}, ...) for {@code unnest(?::bigint[])} and the like. */
    public java.sql.Array array(String elementType, Object[] values) throws SQLException {
        return connection.createArrayOf(elementType, values);
    }

    /** {@code ?,?,?} for an IN list of {@code n} values. */
    public static String marks(int n) {
        return n == 0 ? "NULL" : "?" + ",?".repeat(n - 1);
    }

    private Stmt prepare(String sql, Object... params) throws SQLException {
        Stmt st = new Stmt(sql, cache != null ? cache.take(sql) : connection.prepareStatement(sql));
        try {
            for (int i = 0; i < params.length; i++) st.ps.setObject(i + 1, params[i]);
        } catch (SQLException | RuntimeException e) {
            st.ps.close();
            throw e;
        }
        return st;
    }

    /**
     * A statement in use: closed after use, or, with a cache, put back once it ran without error (its result set
     * is closed first: resources close in reverse order).
     */
    private final class Stmt implements AutoCloseable {
        final String sql;
        final PreparedStatement ps;
        private boolean ok;

        Stmt(String sql, PreparedStatement ps) {
            this.sql = sql;
            this.ps = ps;
        }

        <R> R done(R result) {
            ok = true;
            return result;
        }

        int done(int result) {
            ok = true;
            return result;
        }

        long done(long result) {
            ok = true;
            return result;
        }

        @Override
        public void close() throws SQLException {
            if (cache != null && ok) cache.putBack(sql, ps);
            else ps.close();
        }
    }

    /** A nullable BIGINT column (sqlite-jdbc does not support {@code getObject(i, Long.class)} on NULL). */
    public static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }

    static boolean isUniqueViolation(SQLException e) {
        // PostgreSQL: SQLSTATE 23505. SQLite: extended code SQLITE_CONSTRAINT_UNIQUE (2067) or PRIMARYKEY (1555).
        if ("23505".equals(e.getSQLState())) return true;
        int code = e.getErrorCode();
        if (code == 2067 || code == 1555) return true;
        String m = e.getMessage();
        return m != null && m.contains("UNIQUE constraint failed");
    }
}
