package dev.parley.platform.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.Db;
import dev.parley.platform.Dialect;
import dev.parley.platform.Tx;
import dev.parley.platform.TxWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;

/** PostgreSQL through a Hikari pool: one pooled connection per transaction; row locks order concurrent writers. */
public final class PostgresDb implements Db, AutoCloseable {
    private final HikariDataSource pool;

    public PostgresDb(HikariDataSource pool) {
        this.pool = pool;
    }

    @Override
    public Dialect dialect() { return Dialect.POSTGRESQL; }

    @Override
    public <T> T read(TxWork<T> work) {
        // REPEATABLE READ: a multi-query read (sync, history) sees one snapshot.
        return run(work, true);
    }

    @Override
    public <T> T write(TxWork<T> work) {
        return run(work, false);
    }

    private <T> T run(TxWork<T> work, boolean readOnly) {
        try (Connection c = pool.getConnection()) { // autocommit off (DatabaseSetup)
            try {
                if (readOnly) {
                    // For this transaction only, in the round trip that begins it. The JDBC setters would change the
                    // session instead: two round trips more, and two again when the pool resets them.
                    try (Statement s = c.createStatement()) {
                        s.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY");
                    }
                }
                T out = work.run(new Tx(c, Dialect.POSTGRESQL));
                c.commit();
                return out;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database transaction failed", e);
        }
    }

    @Override
    public void close() {
        pool.close();
    }
}
