package dev.parley.events;

import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;

/**
 * Each user's account event stream (friend requests, friendships, blocks): numbered densely per user under the
 * user row's lock, so a later number is never committed before an earlier one. Events are appended inside the
 * caller's transaction and published with {@link #publish} after it commits.
 */
@Component
public class AccountEvents {
    /** An appended event waiting for its transaction to commit. */
    public record Pending(long userId, AccountEvent event) {}

    private final JsonMapper json;
    private final Delivery delivery;
    private final Clock clock;

    public AccountEvents(JsonMapper json, Delivery delivery, Clock clock) {
        this.json = json;
        this.delivery = delivery;
        this.clock = clock;
    }

    public Pending append(Tx tx, long userId, String kind, Object data) throws SQLException {
        long now = clock.millis();
        long seq = tx.updateReturningLong("UPDATE users SET event_seq = event_seq + 1 WHERE id = ? RETURNING event_seq", userId);
        tx.update("INSERT INTO account_events (user_id, seq, kind, data, created_at) VALUES (?, ?, ?, ?, ?)",
                userId, seq, kind, json.writeValueAsString(data), now);
        return new Pending(userId, new AccountEvent(seq, kind, data, now));
    }

    /**
     * Takes the row locks of the users a transaction will append events for, lowest id first, so that two
     * transactions touching the same pair of users cannot deadlock (PostgreSQL; SQLite has one writer anyway).
     */
    public void lockUsers(Tx tx, long a, long b) throws SQLException {
        tx.update("UPDATE users SET event_seq = event_seq WHERE id = ?", Math.min(a, b));
        if (a != b) tx.update("UPDATE users SET event_seq = event_seq WHERE id = ?", Math.max(a, b));
    }

    public void publish(List<Pending> committed) {
        for (Pending p : committed) delivery.toUser(p.userId(), new Push("event", p.event()));
    }

    /**
     * A scalar sub-query for the user's latest event seq (one parameter: the user id; NULL for an unknown user), for a
     * statement that reads it in the same round trip as something else (sync).
     */
    public static final String CURRENT_SEQ = "(SELECT event_seq FROM users WHERE id = ?)";

    public long currentSeq(Tx tx, long userId) throws SQLException {
        return tx.queryOne("SELECT event_seq FROM users WHERE id = ?", rs -> rs.getLong(1), userId).orElse(0L);
    }

    /** Events after {@code afterSeq}, oldest first; {@code data} comes back as a JSON tree. */
    public List<AccountEvent> since(Tx tx, long userId, long afterSeq, int limit) throws SQLException {
        return tx.query("SELECT seq, kind, data, created_at FROM account_events WHERE user_id = ? AND seq > ? ORDER BY seq LIMIT ?",
                rs -> new AccountEvent(rs.getLong(1), rs.getString(2), json.readTree(rs.getString(3)), rs.getLong(4)),
                userId, afterSeq, limit);
    }
}
