package dev.parley.platform;

import java.sql.ResultSet;
import java.sql.SQLException;

@FunctionalInterface
public interface RowMapper<T> {
    T map(ResultSet rs) throws SQLException;

    /**
     * A nullable integer column as {@code null} or its value. Not {@code getObject(i, Long.class)}: the SQLite
     * driver throws "Bad value for type Long" on NULL there, where PostgreSQL's returns null.
     */
    static Long nullableLong(ResultSet rs, int column) throws SQLException {
        long v = rs.getLong(column);
        return rs.wasNull() ? null : v;
    }
}
