package dev.parley.conversation;

import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Conversations, their members and their sequence counters, used inside the callers' transactions.
 * A conversation's entries are numbered 1, 2, 3... with no gap: {@link #nextSeq} increments the counter under
 * the conversation row's lock, so numbers commit in order.
 */
@Component
public class Conversations {
    public static final String DIRECT = "direct";
    private final UserDirectory users;

    public Conversations(UserDirectory users) {
        this.users = users;
    }

    /** The direct conversation between two users, created on first use. */
    public long openDirect(Tx tx, long a, long b, long now) throws SQLException {
        String key = Math.min(a, b) + ":" + Math.max(a, b);
        Optional<Long> existing = tx.queryOne("SELECT id FROM conversations WHERE direct_key = ?", rs -> rs.getLong(1), key);
        if (existing.isPresent()) return existing.get();
        // Two first messages may cross (PostgreSQL): the loser's insert waits for the winner, does nothing,
        // and reads the winner's row.
        Optional<Long> created = tx.updateReturningLongIfAny("""
                INSERT INTO conversations (kind, direct_key, created_at, last_seq, last_activity_at, updated_at)
                VALUES ('direct', ?, ?, 0, ?, ?) ON CONFLICT (direct_key) DO NOTHING RETURNING id""", key, now, now, now);
        if (created.isEmpty()) {
            return tx.queryOne("SELECT id FROM conversations WHERE direct_key = ?", rs -> rs.getLong(1), key).orElseThrow();
        }
        long id = created.get();
        for (long u : new long[] {a, b}) {
            tx.update("INSERT INTO conversation_members (conversation_id, user_id, joined_at, read_seq, updated_at) VALUES (?, ?, ?, 0, ?)",
                    id, u, now, now);
        }
        return id;
    }

    public Optional<Membership> membership(Tx tx, long conversationId, long userId) throws SQLException {
        return tx.queryOne("""
                SELECT c.id, c.kind, m.user_id, m.read_seq, c.last_seq,
                       (SELECT o.user_id FROM conversation_members o WHERE o.conversation_id = c.id AND o.user_id <> m.user_id LIMIT 1)
                FROM conversations c JOIN conversation_members m ON m.conversation_id = c.id
                WHERE c.id = ? AND m.user_id = ?""",
                rs -> new Membership(rs.getLong(1), rs.getString(2), rs.getLong(3), Tx.nullableLong(rs, 6), rs.getLong(4), rs.getLong(5)),
                conversationId, userId);
    }

    public List<Long> memberIds(Tx tx, long conversationId) throws SQLException {
        return tx.query("SELECT user_id FROM conversation_members WHERE conversation_id = ?", rs -> rs.getLong(1), conversationId);
    }

    /** Takes the conversation's next sequence number and marks it changed; holds the row lock until commit. */
    public long nextSeq(Tx tx, long conversationId, long now) throws SQLException {
        return tx.updateReturningLong(
                "UPDATE conversations SET last_seq = last_seq + 1, last_activity_at = ?, updated_at = ? WHERE id = ? RETURNING last_seq",
                now, now, conversationId);
    }

    /** Moves a member's read cursor forward (never back, never past the last entry). Returns the cursor after. */
    public long advanceRead(Tx tx, long conversationId, long userId, long seq, long now) throws SQLException {
        moveReadCursor(tx, conversationId, userId, seq, now);
        return tx.queryLong("SELECT read_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?", conversationId, userId);
    }

    /** {@link #advanceRead} without reading the cursor back (one statement: the send path needs no answer). */
    public void moveReadCursor(Tx tx, long conversationId, long userId, long seq, long now) throws SQLException {
        tx.update("""
                UPDATE conversation_members SET read_seq = ?, updated_at = ?
                WHERE conversation_id = ? AND user_id = ? AND read_seq < ?""",
                seq, now, conversationId, userId, seq);
    }

    /**
     * The user's conversations, latest activity first; with {@code changedSince}, only those whose entries or
     * whose read cursor changed at or after that time.
     */
    public List<ConversationSummary> forUser(Tx tx, long userId, Long changedSince) throws SQLException {
        record Row(long id, String kind, long lastSeq, long lastActivityAt, long readSeq, Long peerId) {}
        String filter = changedSince == null ? "" : " AND (c.updated_at >= ? OR m.updated_at >= ?)";
        Object[] params = changedSince == null ? new Object[] {userId} : new Object[] {userId, changedSince, changedSince};
        List<Row> rows = tx.query("""
                SELECT c.id, c.kind, c.last_seq, c.last_activity_at, m.read_seq,
                       (SELECT o.user_id FROM conversation_members o WHERE o.conversation_id = c.id AND o.user_id <> m.user_id LIMIT 1)
                FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
                WHERE m.user_id = ?""" + filter + " ORDER BY c.last_activity_at DESC, c.id DESC",
                rs -> new Row(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4), rs.getLong(5), Tx.nullableLong(rs, 6)),
                params);
        List<Long> peers = new ArrayList<>();
        rows.forEach(r -> { if (r.peerId() != null) peers.add(r.peerId()); });
        Map<Long, UserSummary> who = users.findAll(tx, peers);
        return rows.stream().map(r -> new ConversationSummary(r.id(), r.kind(), r.peerId() == null ? null : who.get(r.peerId()),
                r.lastSeq(), r.readSeq(), Math.max(0, r.lastSeq() - r.readSeq()), r.lastActivityAt())).toList();
    }
}
