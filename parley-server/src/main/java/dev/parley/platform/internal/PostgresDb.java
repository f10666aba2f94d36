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
    private final PoolGate writers;
    private final PoolGate readers;

    public PostgresDb(HikariDataSource writers, HikariDataSource readers) {
        this.writers = new PoolGate(writers);
        this.readers = new PoolGate(readers);
    }

    @Override
    public Dialect dialect() { return Dialect.POSTGRESQL; }

    @Override
    public <T> T read(TxWork<T> work) {
        return run(readers, work, false);
    }

    /**
     * The pooled connection is idle (no transaction open), so pgjdbc switches autocommit on and off without a round
     * trip; the statement runs in its own implicit transaction, read-only by the session default.
     */
    @Override
    public <T> T readOne(TxWork<T> work) {
        return run(readers, work, true);
    }

    @Override
    public <T> T write(TxWork<T> work) {
        return run(writers, work, false);
    }

    /** {@code alone}: one statement in autocommit, no COMMIT after it ({@link #readOne}); else one transaction. */
    private static <T> T run(PoolGate gate, TxWork<T> work, boolean alone) {
        try {
            gate.enter();
        } catch (SQLException e) {
            throw new IllegalStateException("database transaction failed", e);
        }
        try (Connection c = gate.pool().getConnection()) { // autocommit off (DatabaseSetup)
            if (alone) {
                c.setAutoCommit(true);
                try {
                    return work.run(new Tx(c, Dialect.POSTGRESQL));
                } finally {
                    c.setAutoCommit(false);
                }
            }
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
        } finally {
            gate.leave(); // the connection is back in the pool by now
        }
    }

    @Override
    public void close() {
        readers.close();
        writers.close();
    }
}
