package dev.parley.platform;

/**
 * The one way to the database. Both methods block: call them from virtual threads, never an event loop.
 * Two implementations: SQLite (one writer, group commit) and PostgreSQL (pooled connections).
 */
public interface Db {
    /** Runs {@code work} in a read-only transaction. */
    <T> T read(TxWork<T> work);

    /**
     * A read of exactly one statement. On PostgreSQL it runs on its own (autocommit; the session stays read-only),
     * which saves the COMMIT round trip a transaction ends with; one statement always sees one snapshot.
     */
    default <T> T readOne(TxWork<T> work) {
        return read(work);
    }

    /**
     * Runs {@code work} in a write transaction and commits before returning. A {@link ParleyException}
     * or {@link UniqueViolation} thrown by {@code work} rolls back everything it wrote.
     */
    <T> T write(TxWork<T> work);

    Dialect dialect();
}
