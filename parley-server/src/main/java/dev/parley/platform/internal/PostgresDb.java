package dev.parley.platform.internal;

import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.Db;
import dev.parley.platform.Dialect;
import dev.parley.platform.Tx;
import dev.parley.platform.TxWork;
import java.sql.Connection;
import java.sql.SQLException;

/**
 * PostgreSQL through two Hikari pools: one pooled connection per transaction; row locks order concurrent writers.
 * Reads use connections whose session default is a read-only REPEATABLE READ transaction (DatabaseSetup), so a
 * multi-query read (sync, history) sees one snapshot without a SET TRANSACTION round trip of its own: pgjdbc sends
 * its BEGIN in the same round trip as the first query.
 */
public final class PostgresDb implements Db, AutoCloseable {
    private final HikariDataSource writers;
    private final HikariDataSource readers;

    public PostgresDb(HikariDataSource writers, HikariDataSource readers) {
        this.writers = writers;
        this.readers = readers;
    }

    @Override
    public Dialect dialect() { return Dialect.POSTGRESQL; }

    @Override
    public <T> T read(TxWork<T> work) {
        return run(readers, work);
    }

    @Override
    public <T> T write(TxWork<T> work) {
        return run(writers, work);
    }

    private static <T> T run(HikariDataSource pool, TxWork<T> work) {
        try (Connection c = pool.getConnection()) { // autocommit off (DatabaseSetup)
            try {
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
        readers.close();
        writers.close();
    }
}
