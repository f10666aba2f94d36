package dev.parley.testkit;

import dev.parley.platform.Db;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Direct access to a test server's database, for what the protocol cannot show or would make too slow: that a
 * recalled text is gone from storage, a message made older than the recall window, thousands of users at once
 * (registration hashes each password on purpose slowly). Test code only.
 */
public final class TestDb {
    private static final AtomicInteger BULK = new AtomicInteger();

    private TestDb() {}

    private static Db db(ParleyServer server) {
        return server.bean(Db.class);
    }

    /** Rows of a query, each as a list of column values. */
    public static List<List<Object>> query(ParleyServer server, String sql, Object... params) {
        return db(server).read(tx -> tx.query(sql, rs -> {
            List<Object> row = new ArrayList<>();
            for (int i = 1; i <= rs.getMetaData().getColumnCount(); i++) row.add(rs.getObject(i));
            return row;
        }, params));
    }

    public static int update(ParleyServer server, String sql, Object... params) {
        return db(server).write(tx -> tx.update(sql, params));
    }

    /**
     * {@code n} new users, each a friend of {@code friendOf}, who can log in with {@link Users#PASSWORD} (they share
     * the password hash of {@code friendOf}). Returns their ids.
     */
    public static List<Users.User> friendsOf(ParleyServer server, Users.User friendOf, int n) {
        String prefix = Users.freshName("bulk" + BULK.incrementAndGet());
        return db(server).write(tx -> {
            String hash = tx.queryOne("SELECT password_hash FROM users WHERE id = ?", rs -> rs.getString(1), friendOf.id()).orElseThrow();
            long now = System.currentTimeMillis();
            List<Object[]> users = new ArrayList<>();
            for (int i = 0; i < n; i++) users.add(new Object[] {prefix + "_" + i, "Bulk " + i, hash, now});
            tx.batch("INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?)", users);
            List<Users.User> made = tx.query("SELECT id, username FROM users WHERE username LIKE ? ESCAPE '\\' ORDER BY id",
                    rs -> new Users.User(rs.getLong(1), rs.getString(2)), prefix + "\\_%");
            List<Object[]> pairs = new ArrayList<>();
            for (Users.User u : made) {
                pairs.add(new Object[] {friendOf.id(), u.id(), now});
                pairs.add(new Object[] {u.id(), friendOf.id(), now});
            }
            tx.batch("INSERT INTO friendships (user_id, friend_id, created_at) VALUES (?, ?, ?)", pairs);
            return made;
        });
    }
}
