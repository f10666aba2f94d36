package dev.parley.platform.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.UniqueViolation;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SQLite group-commit writer on its own: many concurrent writers, one failing write in a batch, unique
 * violations, checkpoints off the writer, and shutdown with writes still queued.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SqliteDbTest {
    @TempDir
    Path dir;

    SqliteDb db;
    final ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor();

    @BeforeEach
    void open() throws SQLException {
        String url = "jdbc:sqlite:" + dir.resolve("test.db");
        try (Connection c = SqliteDb.dataSource(url, false).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE items (id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE, n INTEGER NOT NULL)");
        }
        db = new SqliteDb(url, 4);
    }

    @AfterEach
    void close() throws SQLException {
        threads.shutdownNow();
        db.close();
    }

    @Test
    void aNewDatabaseGetsSmallPagesAndAnExistingOneKeepsItsOwn() throws Exception {
        String fresh = "jdbc:sqlite:" + dir.resolve("fresh.db");
        SqliteDb.sizePagesIfNew(fresh);
        try (Connection c = SqliteDb.dataSource(fresh, false).getConnection(); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE t (x INTEGER)");
            assertThat(pragma(s, "page_size")).isEqualTo(String.valueOf(SqliteDb.PAGE_SIZE));
            assertThat(pragma(s, "journal_mode")).isEqualTo("wal");
        }
        // test.db was created by open() with SQLite's default page size: it stays as it is, data and all.
        String existing = "jdbc:sqlite:" + dir.resolve("test.db");
        db.write(tx -> tx.update("INSERT INTO items (name, n) VALUES ('kept', 1)"));
        SqliteDb.sizePagesIfNew(existing);
        try (Connection c = SqliteDb.dataSource(existing, false).getConnection(); Statement s = c.createStatement()) {
            assertThat(pragma(s, "page_size")).isEqualTo("4096");
            assertThat(pragma(s, "journal_mode")).isEqualTo("wal");
        }
        long kept = db.read(tx -> tx.queryLong("SELECT COUNT(*) FROM items WHERE name = 'kept'"));
        assertThat(kept).isEqualTo(1);
    }

    @Test
    void theServersDatabaseHasSmallPages() {
        dev.parley.platform.Db serverDb = dev.parley.testkit.ParleyServer.shared(dev.parley.testkit.Backend.SQLITE).bean(dev.parley.platform.Db.class);
        long size = serverDb.read(tx -> tx.queryLong("PRAGMA page_size"));
        assertThat(size).isEqualTo(SqliteDb.PAGE_SIZE);
    }

    @Test
    void insertsRunNoHiddenQueryForGeneratedKeys() throws Exception {
        // The driver's generated keys would run "SELECT last_insert_rowid()" after each INSERT; ids come from RETURNING.
        try (Connection c = SqliteDb.dataSource("jdbc:sqlite:" + dir.resolve("test.db"), false).getConnection();
                java.sql.PreparedStatement ps = c.prepareStatement("INSERT INTO items (name, n) VALUES ('k', 1) RETURNING id")) {
            assertThat(c.unwrap(org.sqlite.SQLiteConnection.class).getConnectionConfig().isGetGeneratedKeys()).isFalse();
            try (java.sql.ResultSet r = ps.executeQuery()) {
                assertThat(r.next()).isTrue();
                assertThat(r.getLong(1)).isPositive();
            }
            try (java.sql.ResultSet keys = ps.getGeneratedKeys()) {
                assertThat(keys == null || !keys.next()).as("no generated keys were fetched").isTrue();
            }
        }
    }

    private static String pragma(Statement s, String name) throws SQLException {
        try (java.sql.ResultSet r = s.executeQuery("PRAGMA " + name)) {
            r.next();
            return r.getString(1);
        }
    }

    @Test
    void manyConcurrentWritesFromVirtualThreadsAllCommit() throws Exception {
        int n = 2000;
        List<Future<Long>> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            ids.add(threads.submit(() -> db.write(tx -> tx.updateReturningLong(
                    "INSERT INTO items (name, n) VALUES (?, ?) RETURNING id", "item-" + k, k))));
        }
        Set<Long> distinct = new HashSet<>();
        for (Future<Long> f : ids) distinct.add(f.get(30, TimeUnit.SECONDS));
        assertThat(distinct).hasSize(n);
        assertThat(count()).isEqualTo(n);
        assertThat((long) db.read(tx -> tx.queryLong("SELECT SUM(n) FROM items"))).isEqualTo((long) n * (n - 1) / 2);
    }

    @Test
    void theCheckpointerCopiesTheWalIntoTheDatabaseFileWithoutTheWriter() throws Exception {
        Path file = dir.resolve("test.db");
        long before = Files.size(file);
        String pad = "x".repeat(200);
        for (int i = 0; i < 10; i++) {
            int k = i;
            // 10 commits of 200 rows: about 450 KB of pages, under the 1,000 pages (4 MB) at which SQLite's own
            // automatic checkpoint would run in the writer; the writer has it turned off anyway.
            db.write(tx -> {
                for (int j = 0; j < 200; j++) tx.update("INSERT INTO items (name, n) VALUES (?, ?)", "c-" + k + "-" + j + pad, j);
                return null;
            });
        }
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (Files.size(file) < before + 400_000 && System.nanoTime() < deadline) Thread.sleep(50);
        assertThat(Files.size(file)).as("database file after the checkpointer ran").isGreaterThan(before + 400_000);
        assertThat(count()).isEqualTo(2000);
    }

    @Test
    void underWritesWithoutAPauseTheWalStartsOverInsteadOfGrowing() throws Exception {
        Path wal = reopenStartingTheWalOverAt64Frames();
        int restartsBefore = walRestarts(wal);
        // 16 writers that never pause keep the writer's queue from ever running dry for 3 s: a checkpoint beside
        // the writer never finds the WAL fully copied back, so only the writer's own catch-up can start it over.
        // Without it (restart threshold Long.MAX_VALUE) the WAL here grew to 300 MB in the 3 s and never started over.
        String pad = "y".repeat(1000);
        AtomicInteger written = new AtomicInteger();
        writeWithoutAPause(16, 3, pad, written);
        long insertedBytes = (long) written.get() * pad.length();
        assertThat(insertedBytes).as("enough was written to matter").isGreaterThan(4L << 20);
        assertThat(walRestarts(wal) - restartsBefore).as("times the WAL started over").isGreaterThanOrEqualTo(2);
        assertThat(count()).isEqualTo(written.get() + 1);
    }

    @Test
    void aReadHeldOpenKeepsTheWalFromStartingOverUntilItEnds() throws Exception {
        Path wal = reopenStartingTheWalOverAt64Frames();
        String url = "jdbc:sqlite:" + dir.resolve("test.db");
        String pad = "z".repeat(1000);
        AtomicInteger written = new AtomicInteger();
        try (Connection reader = SqliteDb.dataSource(url, true).getConnection()) {
            reader.setAutoCommit(false);
            long seen;
            try (Statement s = reader.createStatement(); java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FROM items")) {
                r.next();
                seen = r.getLong(1); // the read transaction now holds its snapshot, inside the WAL
            }
            int restartsBefore = walRestarts(wal);
            writeWithoutAPause(16, 2, pad, written);
            assertThat(walRestarts(wal)).as("the WAL cannot start over under a reader that may still need it").isEqualTo(restartsBefore);
            try (Statement s = reader.createStatement(); java.sql.ResultSet r = s.executeQuery("SELECT COUNT(*) FROM items")) {
                r.next();
                assertThat(r.getLong(1)).as("the reader's snapshot").isEqualTo(seen);
            }
            reader.commit(); // the read ends
        }
        int restartsAfterRead = walRestarts(wal);
        writeWithoutAPause(16, 4, pad, written);
        assertThat(walRestarts(wal) - restartsAfterRead).as("times the WAL started over once the read ended").isGreaterThanOrEqualTo(1);
        assertThat(count()).isEqualTo(written.get() + 1);
    }

    /**
     * Reopens the db so that it starts its WAL over past 64 frames (256 KB of 4 KB pages) instead of a server's 32,768,
     * with one row written; returns the WAL's path.
     */
    private Path reopenStartingTheWalOverAt64Frames() throws SQLException {
        db.close();
        db = new SqliteDb("jdbc:sqlite:" + dir.resolve("test.db"), 4, 64);
        db.write(tx -> tx.update("INSERT INTO items (name, n) VALUES ('first', 0)"));
        return dir.resolve("test.db-wal");
    }

    private void writeWithoutAPause(int writers, int seconds, String pad, AtomicInteger written) throws Exception {
        long until = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        List<Future<?>> all = new ArrayList<>();
        for (int w = 0; w < writers; w++) {
            all.add(threads.submit(() -> {
                while (System.nanoTime() < until) {
                    int k = written.incrementAndGet();
                    db.write(tx -> tx.update("INSERT INTO items (name, n) VALUES (?, ?)", k + pad, k));
                }
                return null;
            }));
        }
        for (Future<?> f : all) f.get(30, TimeUnit.SECONDS);
    }

    /** The WAL header's checkpoint sequence number (bytes 12-15, big-endian): SQLite adds one each time the WAL starts over. */
    private static int walRestarts(Path wal) throws java.io.IOException {
        byte[] header = new byte[16];
        try (var in = Files.newInputStream(wal)) {
            assertThat(in.readNBytes(header, 0, 16)).isEqualTo(16);
        }
        return java.nio.ByteBuffer.wrap(header, 12, 4).getInt();
    }

    @Test
    void thousandsOfConcurrentReadsWaitAtTheGateNotInsideThePool() throws Exception {
        // HikariCP 7.0.2 spins carrier threads handing connections to waiting virtual threads (PoolGate): the
        // gate keeps its waiters to at most one per connection, whatever the number of readers.
        int n = 3000;
        AtomicInteger inside = new AtomicInteger();
        AtomicInteger mostInside = new AtomicInteger();
        AtomicInteger mostWaitingInPool = new AtomicInteger();
        var pool = db.readerPool();
        List<Future<Long>> reads = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            reads.add(threads.submit(() -> db.read(tx -> {
                mostInside.accumulateAndGet(inside.incrementAndGet(), Math::max);
                mostWaitingInPool.accumulateAndGet(pool.getHikariPoolMXBean().getThreadsAwaitingConnection(), Math::max);
                try {
                    return tx.queryLong("SELECT COUNT(*) FROM items");
                } finally {
                    inside.decrementAndGet();
                }
            })));
        }
        for (Future<Long> f : reads) assertThat(f.get(30, TimeUnit.SECONDS)).isZero();
        assertThat(mostInside.get()).isLessThanOrEqualTo(pool.getMaximumPoolSize());
        assertThat(mostWaitingInPool.get()).as("borrowers waiting inside Hikari").isLessThanOrEqualTo(pool.getMaximumPoolSize());
    }

    @Test
    void aWriteReturnsOnlyOnceItIsCommittedAndVisibleToReaders() throws Exception {
        int n = 300;
        List<Future<Boolean>> seen = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            int k = i;
            seen.add(threads.submit(() -> {
                long id = db.write(tx -> tx.updateReturningLong("INSERT INTO items (name, n) VALUES (?, ?) RETURNING id", "v-" + k, k));
                return db.read(tx -> tx.exists("SELECT 1 FROM items WHERE id = ?", id));
            }));
        }
        for (Future<Boolean> f : seen) assertThat(f.get(30, TimeUnit.SECONDS)).as("read after write").isTrue();
    }

    @Test
    void oneFailingWriteRollsBackAloneWhileTheOthersInTheSameBatchCommit() throws Exception {
        // Hold the writer in a first write, so that the next writes queue up and are committed as one batch.
        CountDownLatch running = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        Future<Long> blocker = threads.submit(() -> db.write(tx -> {
            running.countDown();
            awaitUninterruptibly(release);
            return tx.updateReturningLong("INSERT INTO items (name, n) VALUES ('blocker', 0) RETURNING id");
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();

        ParleyException refusal = new ParleyException(ErrorCode.INVALID_FIELD, "refused after writing");
        record Seen(boolean ownTransactionSeesA, boolean readerSeesA, boolean seesB, boolean seesSqlFailure) {}
        Future<Long> a = queued(() -> db.write(tx -> tx.updateReturningLong("INSERT INTO items (name, n) VALUES ('a', 1) RETURNING id")));
        Future<Object> b = queued(() -> db.write(tx -> {
            tx.update("INSERT INTO items (name, n) VALUES ('b', 2)");
            throw refusal;
        }));
        Future<Object> sqlFailure = queued(() -> db.write(tx -> {
            tx.update("INSERT INTO items (name, n) VALUES ('s', 3)");
            return tx.update("INSERT INTO items (name, n) VALUES ('s2', NULL)"); // NOT NULL: a plain SQLException
        }));
        Future<Seen> c = queued(() -> db.write(tx -> {
            tx.update("INSERT INTO items (name, n) VALUES ('c', 4)");
            return new Seen(
                    tx.exists("SELECT 1 FROM items WHERE name = 'a'"),
                    db.read(r -> r.exists("SELECT 1 FROM items WHERE name = 'a'")),
                    tx.exists("SELECT 1 FROM items WHERE name = 'b'"),
                    tx.exists("SELECT 1 FROM items WHERE name = 's'"));
        }));
        release.countDown();

        assertThat(blocker.get(10, TimeUnit.SECONDS)).isPositive();
        assertThat(a.get(10, TimeUnit.SECONDS)).isPositive();
        Seen seen = c.get(10, TimeUnit.SECONDS);
        assertThat(seen.ownTransactionSeesA()).as("c runs in the same transaction as a").isTrue();
        assertThat(seen.readerSeesA()).as("... which was not yet committed: one batch").isFalse();
        assertThat(seen.seesB()).as("b's write was rolled back before c ran").isFalse();
        assertThat(seen.seesSqlFailure()).as("the failed write's first statement was rolled back too").isFalse();

        assertThatThrownBy(() -> b.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class).cause().isSameAs(refusal);
        assertThatThrownBy(() -> sqlFailure.get(10, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class)
                .cause().isInstanceOf(IllegalStateException.class).cause().isInstanceOf(SQLException.class);
        assertThat(names()).containsExactlyInAnyOrder("blocker", "a", "c");
    }

    @Test
    void aUniqueViolationSurfacesAsUniqueViolation() {
        db.write(tx -> tx.update("INSERT INTO items (id, name, n) VALUES (1, 'x', 1)"));
        assertThatThrownBy(() -> db.write(tx -> tx.update("INSERT INTO items (name, n) VALUES ('x', 2)")))
                .isInstanceOf(UniqueViolation.class);
        assertThatThrownBy(() -> db.write(tx -> tx.updateReturningLong("INSERT INTO items (name, n) VALUES ('x', 2) RETURNING id")))
                .isInstanceOf(UniqueViolation.class);
        assertThatThrownBy(() -> db.write(tx -> tx.update("INSERT INTO items (id, name, n) VALUES (1, 'y', 2)")))
                .as("primary key").isInstanceOf(UniqueViolation.class);
        // A write that catches it carries on in the same transaction.
        long after = db.write(tx -> {
            try {
                tx.update("INSERT INTO items (name, n) VALUES ('x', 3)");
            } catch (UniqueViolation expected) {
                return tx.updateReturningLong("INSERT INTO items (name, n) VALUES ('x-2', 3) RETURNING id");
            }
            return -1L;
        });
        assertThat(after).isPositive();
        assertThat(names()).containsExactlyInAnyOrder("x", "x-2");
    }

    @Test
    void racingInsertsOfTheSameKeyCommitOnceAndTheRestSeeUniqueViolationAfterTheWinnerCommitted() throws Exception {
        int n = 50;
        AtomicInteger violations = new AtomicInteger();
        List<Future<Long>> all = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            all.add(threads.submit(() -> {
                try {
                    return db.write(tx -> tx.updateReturningLong("INSERT INTO items (name, n) VALUES ('same', 1) RETURNING id"));
                } catch (UniqueViolation e) {
                    // Told only once the row it collided with is committed (perhaps in the same batch): a reader sees it.
                    if (db.read(r -> r.exists("SELECT 1 FROM items WHERE name = 'same'"))) violations.incrementAndGet();
                    return -1L;
                }
            }));
        }
        int ok = 0;
        for (Future<Long> f : all) if (f.get(30, TimeUnit.SECONDS) > 0) ok++;
        assertThat(ok).isEqualTo(1);
        assertThat(violations.get()).isEqualTo(n - 1);
        assertThat(count()).isEqualTo(1);
    }

    @Test
    void aNestedWriteIsRefusedWithoutHarmingTheBatch() {
        assertThatThrownBy(() -> db.write(tx -> db.write(inner -> 1))).isInstanceOf(IllegalStateException.class);
        assertThat((int) db.write(tx -> tx.update("INSERT INTO items (name, n) VALUES ('after', 1)"))).isEqualTo(1);
        assertThat(names()).containsExactly("after");
    }

    @Test
    void closingFailsQueuedWritesInsteadOfLeavingThemWaitingForever() throws Exception {
        CountDownLatch running = new CountDownLatch(1);
        Future<Integer> inFlight = threads.submit(() -> db.write(tx -> {
            running.countDown();
            try {
                Thread.sleep(60_000); // until close interrupts the writer
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            return tx.update("INSERT INTO items (name, n) VALUES ('in-flight', 1)");
        }));
        assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
        List<Future<Integer>> waiting = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            int k = i;
            waiting.add(queued(() -> db.write(tx -> tx.update("INSERT INTO items (name, n) VALUES (?, 1)", "queued-" + k))));
        }
        Future<?> closing = threads.submit(() -> {
            db.close();
            return null;
        });
        closing.get(20, TimeUnit.SECONDS);
        for (Future<Integer> f : waiting) {
            assertThatThrownBy(() -> f.get(10, TimeUnit.SECONDS)).as("a queued write fails, it does not hang")
                    .isInstanceOf(ExecutionException.class).cause().isInstanceOf(IllegalStateException.class);
        }
        try {
            inFlight.get(10, TimeUnit.SECONDS); // committed or failed; either way it returns
        } catch (ExecutionException acceptable) {
            assertThat(acceptable.getCause()).isInstanceOf(RuntimeException.class);
        }
        assertThatThrownBy(() -> db.write(tx -> 1)).isInstanceOf(IllegalStateException.class);
    }

    // ---------------------------------------------------------------- helpers

    private long count() {
        return db.read(tx -> tx.queryLong("SELECT COUNT(*) FROM items"));
    }

    private List<String> names() {
        return db.read(tx -> tx.query("SELECT name FROM items ORDER BY id", rs -> rs.getString(1)));
    }

    /**
     * Starts a write on its own virtual thread and returns once that thread waits for its result, i.e. once the
     * write is in the writer's queue: writes started one after another this way queue in that order.
     */
    private <T> Future<T> queued(Supplier<T> write) throws InterruptedException {
        Thread[] thread = new Thread[1];
        CountDownLatch started = new CountDownLatch(1);
        Future<T> f = threads.submit(() -> {
            thread[0] = Thread.currentThread();
            started.countDown();
            return write.get();
        });
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (thread[0].getState() != Thread.State.WAITING && !f.isDone()) {
            assertThat(System.nanoTime()).as("the write was queued").isLessThan(deadline);
            Thread.sleep(1);
        }
        return f;
    }

    private static void awaitUninterruptibly(CountDownLatch latch) {
        while (true) {
            try {
                latch.await();
                return;
            } catch (InterruptedException e) {
                // keep waiting: the test decides when this write may finish
            }
        }
    }
}
