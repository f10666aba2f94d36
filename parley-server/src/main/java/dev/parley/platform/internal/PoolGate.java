package dev.parley.platform.internal;

import com.zaxxer.hikari.HikariDataSource;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

/**
 * Lets at most as many callers into a Hikari pool as it has connections; the rest wait here, parked. HikariCP 7.0.2
 * hands a returned connection to a waiting borrower in a {@code Thread.yield()} loop, which under thousands of
 * waiting virtual threads keeps every carrier thread spinning (brettwooldridge/HikariCP#2398): in a PostgreSQL
 * reconnect storm 2,237 reads waited, 15 connections stayed checked out for 30 s and the waits timed out. Behind
 * this gate Hikari sees at most one borrower per connection, so it never has to hand over to a waiter.
 */
final class PoolGate {
    private final HikariDataSource pool;
    private final Semaphore permits;
    private final long timeoutMillis;

    PoolGate(HikariDataSource pool) {
        this.pool = pool;
        this.permits = new Semaphore(pool.getMaximumPoolSize(), true); // fair: first come, first served, as Hikari's queue
        this.timeoutMillis = pool.getConnectionTimeout();
    }

    /** Waits for a turn (as long as Hikari would wait for a connection); then borrow, return, and {@link #leave}. */
    void enter() throws SQLException {
        try {
            if (permits.tryAcquire(timeoutMillis, TimeUnit.MILLISECONDS)) return;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new SQLTransientConnectionException(pool.getPoolName() + " - interrupted while waiting for a connection", e);
        }
        throw new SQLTransientConnectionException(pool.getPoolName() + " - no connection within " + timeoutMillis + " ms");
    }

    /** After the connection went back to the pool. */
    void leave() {
        permits.release();
    }

    HikariDataSource pool() { return pool; }

    void close() {
        pool.close();
    }
}
