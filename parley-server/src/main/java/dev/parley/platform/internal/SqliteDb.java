package dev.parley.platform.internal;

import com.zaxxer.hikari.HikariConfig;
import com.zaxxer.hikari.HikariDataSource;
import dev.parley.platform.Db;
import dev.parley.platform.Dialect;
import dev.parley.platform.StatementCache;
import dev.parley.platform.Tx;
import dev.parley.platform.TxWork;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.sqlite.Function;
import org.sqlite.SQLiteConfig;
import org.sqlite.SQLiteConnection;
import org.sqlite.SQLiteDataSource;

/**
 * SQLite allows one writer at a time. Rather than let writers fight over the file lock, every write goes
 * through one writer thread that drains the queue and commits up to {@link #MAX_BATCH} pending writes in one
 * transaction (group commit), each inside its own SAVEPOINT so that one failing write rolls back alone.
 * Readers use a small pool; WAL mode lets them read while the writer writes.
 *
 * <p>Checkpoints (copying the WAL back into the database file, then an fsync of it) run on a thread and connection
 * of their own, not in the writer's commits: SQLite's automatic checkpoint would make the writer's commit that
 * crosses 1,000 WAL pages do it, stalling every queued write behind it (in a profile of the direct-message
 * benchmark, commits were 40 % of the writer's time). A passive checkpoint waits for no one and blocks no one
 * (https://sqlite.org/wal.html#ckpt, https://sqlite.org/c3ref/wal_checkpoint_v2.html).
 *
 * <p>But under writes without a pause, a checkpoint running beside the writer never finds the WAL fully copied back,
 * and only then does the next write transaction start the WAL over from its beginning: the WAL grew without bound
 * (1.8 GB after 40 s at about 8,000 messages/s), and the writer spent a seventh of its time having the kernel allocate and
 * zero the new file pages. So once the checkpointer finds the WAL past {@link #RESTART_WAL_FRAMES}, the writer copies
 * back the little the checkpointer could not, between two batches; its next batch then starts the WAL over
 * (https://sqlite.org/wal.html#avoiding_excessively_large_wal_files).
 */
public final class SqliteDb implements Db, AutoCloseable {
    private static final Logger log = LoggerFactory.getLogger(SqliteDb.class);
    static final int MAX_BATCH = 256;
    private static final long CLOSE_WAIT_MILLIS = 10_000;
    /** How often the checkpointer copies the WAL back: about 7,000 messages' worth of pages at the writer's peak. */
    static final long CHECKPOINT_EVERY_MILLIS = 500;
    /**
     * WAL frames past which the writer finishes the checkpointer's copy so that the WAL starts over: 64 MB of 2 KB
     * pages, a few seconds of writes at the writer's peak. Each catch-up stalls the writer for a few ms (a median of
     * 5 ms at 5,000 messages/s, most of it the fsync of the database file), so not much more often than that.
     */
    static final long RESTART_WAL_FRAMES = 32_768;
    /** New frames few enough for the writer to copy back between two batches in about a millisecond. */
    static final long CATCH_UP_FRAMES = 256;
    /** A WAL that a long read kept from starting over is cut back to this size when it does (journal_size_limit). */
    static final long WAL_SIZE_LIMIT_BYTES = 128L << 20;

    private final PoolGate readers;
    private final Connection writer;
    /** The writer's prepared statements, kept across transactions (only the writer thread uses them). */
    private final StatementCache writerStatements;
    private final BlockingQueue<Task<?>> queue = new LinkedBlockingQueue<>();
    private final Thread writerThread;
    private final Connection checkpointer;
    private final Thread checkpointThread;
    private final long restartWalFrames;
    /** Set by the checkpointer when the WAL is past {@link #restartWalFrames}; the writer clears it. */
    private volatile boolean walCatchUp;
    private volatile boolean closed;

    private record Task<T>(TxWork<T> work, CompletableFuture<T> result) {}

    public SqliteDb(String url, int readerPoolSize) throws SQLException {
        this(url, readerPoolSize, RESTART_WAL_FRAMES);
    }

    /** For tests: a smaller WAL at which the writer finishes the checkpoint. */
    SqliteDb(String url, int readerPoolSize, long restartWalFrames) throws SQLException {
        this.restartWalFrames = restartWalFrames;
        this.writer = dataSource(url, false).getConnection();
        try (Statement s = writer.createStatement()) {
            s.execute("PRAGMA wal_autocheckpoint = 0"); // this connection only: the checkpointer does it
            s.execute("PRAGMA journal_size_limit = " + WAL_SIZE_LIMIT_BYTES);
        }
        this.writer.setAutoCommit(false);
        this.writerStatements = new StatementCache(writer);
        HikariConfig rc = new HikariConfig();
        rc.setDataSource(dataSource(url, true));
        rc.setMaximumPoolSize(readerPoolSize);
        rc.setPoolName("sqlite-readers");
        rc.setAutoCommit(false);
        rc.setReadOnly(true);
        this.readers = new PoolGate(new HikariDataSource(rc));
        this.writerThread = Thread.ofPlatform().name("parley-sqlite-writer").daemon(true).start(this::writeLoop);
        this.checkpointer = dataSource(url, false).getConnection();
        this.checkpointThread = Thread.ofPlatform().name("parley-sqlite-checkpointer").daemon(true).start(this::checkpointLoop);
    }

    private void checkpointLoop() {
        while (!closed) {
            try {
                Thread.sleep(CHECKPOINT_EVERY_MILLIS);
            } catch (InterruptedException e) {
                return;
            }
            try {
                long walFrames = checkpoint(checkpointer);
                if (walFrames >= restartWalFrames) {
                    closeInOnTheWriter(walFrames);
                    walCatchUp = true;
                }
            } catch (SQLException e) {
                if (!closed) log.warn("SQLite checkpoint failed; the next one retries", e);
            }
        }
    }

    /**
     * Checkpoints again while each pass finds more than {@link #CATCH_UP_FRAMES} new frames: each copies only what the
     * writer added during the pass before, so the writer's own catch-up is left little to copy. Left to copy what half
     * a second of writes had added, the writer's catch-up took 10 ms (median; 25 ms at most) at 5,000 messages/s,
     * every one of them a stall for every send queued behind it.
     */
    private void closeInOnTheWriter(long walFrames) throws SQLException {
        long last = walFrames;
        for (int pass = 0; pass < 8 && !closed; pass++) {
            long now = checkpoint(checkpointer);
            if (now < last) return; // another checkpoint was running, or the WAL started over meanwhile
            boolean closeEnough = now - last <= CATCH_UP_FRAMES;
            last = now;
            if (closeEnough) return;
        }
    }

    /**
     * A passive checkpoint on the given connection: copies back what no reader still needs, waiting for no one.
     * Returns the WAL's length in frames as it was, or -1 if another checkpoint was running.
     */
    private static long checkpoint(Connection c) throws SQLException {
        try (Statement s = c.createStatement(); java.sql.ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(PASSIVE)")) {
            if (!r.next() || r.getInt(1) != 0) return -1; // busy: another checkpoint holds the lock
            return r.getLong(2);
        }
    }

    /**
     * Between batches, in the writer: copies back what the WAL gained since the checkpointer's last pass (after it
     * closed in, a batch or two's worth). With nothing left to copy and no reader inside the WAL, the next write
     * transaction starts the WAL over; otherwise the checkpointer asks again on its next pass.
     */
    private void catchUpWal() {
        walCatchUp = false;
        try {
            long start = System.nanoTime();
            long walFrames = checkpoint(writer);
            log.debug("writer's WAL catch-up: {} frames, {} us", walFrames, (System.nanoTime() - start) / 1000);
        } catch (SQLException e) {
            log.warn("SQLite checkpoint in the writer failed; the checkpointer asks again", e);
        }
    }

    /**
     * The connection settings every SQLite connection gets: WAL, and synchronous=FULL so that a commit is on disk
     * before the ack leaves (NORMAL could lose acknowledged messages on power loss and reuse their seq). Group
     * commit pays one fsync per batch, not per message.
     */
    public static SQLiteDataSource dataSource(String url, boolean readOnly) {
        SQLiteConfig c = new SQLiteConfig();
        c.setJournalMode(SQLiteConfig.JournalMode.WAL);
        c.setSynchronous(SQLiteConfig.SynchronousMode.FULL);
        c.enforceForeignKeys(true);
        c.setBusyTimeout(10_000);
        c.setReadOnly(readOnly);
        // Deleted and overwritten content (a recalled or edited text, an index entry) is zeroed in its page rather than
        // left in the free space of the page or in a free page, where it would stay readable in the file
        // (https://sqlite.org/pragma.html#pragma_secure_delete). Per connection, so every connection gets it.
        c.setPragma(SQLiteConfig.Pragma.SECURE_DELETE, "true");
        // No JDBC generated keys (Parley reads ids with RETURNING): with them on, the driver matches every update
        // against a regex and, after each INSERT, compiles and runs "SELECT last_insert_rowid()" on the writer.
        c.setGetGeneratedKeys(false);
        SQLiteDataSource ds = new SQLiteDataSource(c) {
            @Override
            public SQLiteConnection getConnection(String username, String password) throws SQLException {
                SQLiteConnection conn = super.getConnection(username, password);
                // One instance per connection: the driver synchronizes calls on the function object.
                Function.create(conn, "lower", new UnicodeLower(), 1, Function.FLAG_DETERMINISTIC);
                return conn;
            }
        };
        ds.setUrl(url);
        return ds;
    }

    /**
     * The page size of a new database. Every message dirties about two index leaf pages (its conversation's and its
     * sender's), and each is written whole to the WAL, fsynced, then written again by the checkpoint: with 4 KB pages
     * that was 13-18 KB of disk writes per message. 1 KB pages wrote 2.4 times less and stored about 17 % more
     * messages a second at saturation, but raised the p99 at 5,000/s by about 10 ms; 2 KB pages saturated highest
     * with the p99 of 4 KB pages (ADR 0017, docs/benchmarks.md fifth pass).
     */
    static final int PAGE_SIZE = 2048;

    /**
     * Gives a database that has no pages yet {@link #PAGE_SIZE}-byte pages. It must happen before WAL mode is set:
     * a database in WAL mode keeps its page size (https://sqlite.org/pragma.html#pragma_page_size). An existing
     * database keeps the size it was created with.
     */
    public static void sizePagesIfNew(String url) throws SQLException {
        try (Connection c = java.sql.DriverManager.getConnection(url); Statement s = c.createStatement()) {
            long pages;
            try (java.sql.ResultSet r = s.executeQuery("PRAGMA page_count")) {
                pages = r.next() ? r.getLong(1) : -1;
            }
            if (pages != 0) return;
            s.execute("PRAGMA page_size = " + PAGE_SIZE);
            s.execute("PRAGMA journal_mode = WAL"); // writes the header: the size is fixed from here on
        }
    }

    /**
     * Replaces SQLite's built-in lower(), which folds only ASCII, so that case-insensitive matching (user search
     * lower-cases its query in Java) treats "É" like "é" here as PostgreSQL does.
     */
    private static final class UnicodeLower extends Function {
        @Override
        protected void xFunc() throws SQLException {
            String v = value_text(0);
            if (v == null) result();
            else result(v.toLowerCase(Locale.ROOT));
        }
    }

    @Override
    public Dialect dialect() { return Dialect.SQLITE; }

    /** For tests: the readers' pool behind its gate. */
    HikariDataSource readerPool() { return readers.pool(); }

    @Override
    public <T> T read(TxWork<T> work) {
        try {
            readers.enter();
        } catch (SQLException e) {
            throw new IllegalStateException("database read failed", e);
        }
        try (Connection c = readers.pool().getConnection()) {
            try {
                T out = work.run(new Tx(c, Dialect.SQLITE));
                c.commit();
                return out;
            } catch (RuntimeException | SQLException e) {
                c.rollback();
                throw e;
            }
        } catch (SQLException e) {
            throw new IllegalStateException("database read failed", e);
        } finally {
            readers.leave(); // the connection is back in the pool by now
        }
    }

    @Override
    public <T> T write(TxWork<T> work) {
        if (Thread.currentThread() == writerThread) {
            throw new IllegalStateException("nested write transaction");
        }
        if (closed) throw new IllegalStateException("database closed");
        CompletableFuture<T> result = new CompletableFuture<>();
        Task<T> task = new Task<>(work, result);
        queue.add(task);
        // Closed while queuing: close() may already have failed what it found queued, so take this one back.
        if (closed && queue.remove(task)) throw new IllegalStateException("database closed");
        try {
            return result.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException re) throw re;
            throw new IllegalStateException("database write failed", e.getCause());
        }
    }

    private void writeLoop() {
        List<Task<?>> batch = new ArrayList<>(MAX_BATCH);
        List<Runnable> completions = new ArrayList<>(MAX_BATCH);
        while (!closed) {
            try {
                Task<?> next;
                if (walScrubAt == NO_SCRUB) {
                    next = queue.take();
                } else {
                    next = queue.poll(Math.max(0, walScrubAt - System.nanoTime()), TimeUnit.NANOSECONDS);
                    if (next == null) { // idle, and the WAL holds frames older than the delay
                        scrubWal();
                        continue;
                    }
                }
                batch.add(next);
            } catch (InterruptedException e) {
                return;
            }
            queue.drainTo(batch, MAX_BATCH - 1);
            runBatch(batch, completions);
            batch.clear();
            completions.clear();
            if (walCatchUp) catchUpWal();
        }
    }

    private static final long NO_SCRUB = Long.MAX_VALUE;
    /**
     * How long after a write that erased content ({@link Tx#erasesContent}) the writer, once idle, empties the WAL
     * file (its first idle moment after that).
     */
    static final long WAL_SCRUB_DELAY_NANOS = TimeUnit.SECONDS.toNanos(1);
    /** When the writer is to empty the WAL at its next idle moment; {@link #NO_SCRUB} when nothing was erased since. */
    private long walScrubAt = NO_SCRUB;

    /**
     * Copies the whole WAL back and truncates it to zero bytes (wal_checkpoint(TRUNCATE)), at an idle moment of the
     * writer. A checkpoint copies pages back into the database file, but the WAL file keeps its old frames, so the
     * earlier versions of pages (a text since recalled or edited, in full) stayed readable in it until overwritten.
     * With readers still inside the WAL (or the checkpointer at work) it does not wait: busy timeout 0, and the next
     * idle moment a second later tries again. Costs the writer nothing under load (it is never idle then: the WAL
     * starts over as {@link #catchUpWal} has it, overwriting old frames from the start).
     */
    private void scrubWal() {
        long start = System.nanoTime();
        boolean done = false;
        try {
            SQLiteConnection c = writer.unwrap(SQLiteConnection.class);
            c.setBusyTimeout(0);
            try (Statement s = writer.createStatement(); java.sql.ResultSet r = s.executeQuery("PRAGMA wal_checkpoint(TRUNCATE)")) {
                done = r.next() && r.getInt(1) == 0;
            } finally {
                c.setBusyTimeout(10_000);
            }
        } catch (SQLException e) {
            log.debug("WAL truncation deferred: {}", e.toString());
        }
        walScrubAt = done ? NO_SCRUB : System.nanoTime() + WAL_SCRUB_DELAY_NANOS;
        log.debug("WAL truncation {}: {} us", done ? "done" : "deferred", (System.nanoTime() - start) / 1000);
    }

    private void runBatch(List<Task<?>> batch, List<Runnable> completions) {
        try {
            for (Task<?> task : batch) runOne(task, completions);
            writer.commit();
            completions.forEach(Runnable::run);
        } catch (SQLException | RuntimeException e) {
            log.error("SQLite commit failed; failing {} writes", batch.size(), e);
            try { writer.rollback(); } catch (SQLException ignored) { /* the commit error is what matters */ }
            for (Task<?> t : batch) t.result().completeExceptionally(new IllegalStateException("commit failed", e));
        }
    }

    /**
     * The savepoints go through the statement cache: {@code Statement.execute(String)} compiles the SQL every time
     * and sqlite-jdbc matches it against its extended-command regexes first, a sixth of the writer's time in a
     * profile of the direct-message benchmark.
     */
    private <T> void runOne(Task<T> task, List<Runnable> completions) throws SQLException {
        writerStatements.execute("SAVEPOINT w");
        try {
            Tx tx = new Tx(writer, Dialect.SQLITE, writerStatements);
            T value = task.work().run(tx);
            writerStatements.execute("RELEASE w");
            if (tx.erases() && walScrubAt == NO_SCRUB) walScrubAt = System.nanoTime() + WAL_SCRUB_DELAY_NANOS;
            completions.add(() -> task.result().complete(value));
        } catch (Throwable e) {
            writerStatements.execute("ROLLBACK TO w");
            writerStatements.execute("RELEASE w");
            // A failure too is told after the commit: a write that collided with a unique key (a retried send) then
            // finds the row it collided with from any connection, even one written earlier in this very batch.
            completions.add(() -> task.result().completeExceptionally(e));
        }
    }

    /**
     * Lets the batch in progress finish (the interrupt only wakes an idle writer; SQLite calls ignore it), then fails
     * every write still queued: their callers would otherwise wait forever on a writer that is gone. The writer
     * connection closes only once the writer thread has stopped using it, and last: closing the last connection
     * checkpoints the whole WAL into the database file.
     */
    @Override
    public void close() throws SQLException {
        closed = true;
        writerThread.interrupt();
        checkpointThread.interrupt();
        try {
            writerThread.join(CLOSE_WAIT_MILLIS);
            checkpointThread.join(CLOSE_WAIT_MILLIS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        checkpointer.close();
        List<Task<?>> left = new ArrayList<>();
        queue.drainTo(left);
        for (Task<?> t : left) t.result().completeExceptionally(new IllegalStateException("database closed"));
        readers.close();
        if (!writerThread.isAlive()) writerStatements.close(); // else the writer may still use them; closing the connection frees them
        writer.close();
    }
}
