package dev.parley.search.internal;

import dev.parley.platform.Dialect;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Finds the messages a query matches among those the caller may see, newest (highest id) first, at most
 * {@code limit + 1} (one more tells whether another page follows). The SQL differs per database (ADR 0010):
 * <ul>
 *   <li>SQLite, 3+ characters: first the messages not indexed yet ({@link SearchIndexing} runs behind the writer),
 *       scanned down from the newest; then the FTS5 trigram index {@code message_search}, walked from the highest
 *       rowid down until enough matches the caller may see are found;</li>
 *   <li>PostgreSQL, 3+ characters: {@code lower(body) LIKE} with the pg_trgm GIN index {@code messages_search}
 *       (a bitmap of every match, then the caller's are kept and sorted);</li>
 *   <li>1 or 2 characters, both databases: no trigram to look up, so {@link ShortQueryScan}.</li>
 * </ul>
 * Visible means: the caller is or was a member; {@code seq} above their {@code cleared_seq} and, if they left, at
 * or below their {@code left_seq}; kind {@code text} or {@code media}; not recalled.
 */
@Component
public class MatchingMessages {
    /** A matching message. */
    public record Hit(long id, long conversationId, long seq) {}

    private static final String VISIBLE = """
            m.kind IN ('text', 'media') AND m.recalled_at IS NULL
            AND m.seq > cm.cleared_seq AND (cm.left_seq IS NULL OR m.seq <= cm.left_seq)""";

    /** FTS5 drives: matching rowids in descending order, each joined to its row and the caller's membership. */
    private static final String SQLITE_INDEXED = select("""
            FROM message_search s
            JOIN messages m ON m.id = s.rowid
            JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id = ?
            WHERE message_search MATCH ? AND s.rowid < ? AND s.rowid <= ?""", "s.rowid DESC");

    /**
     * The unindexed tail, at most a few intervals of messages: the primary key bounds the scan. lower() is Parley's
     * Unicode lower() (SqliteDb), so case folds as the trigram tokenizer folds it.
     */
    private static final String SQLITE_TAIL = select("""
            FROM messages m
            JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id = ?
            WHERE lower(m.body) LIKE lower(?) ESCAPE '\\' AND m.id < ? AND m.id > ?""", "m.id DESC");

    /**
     * lower() on both sides, so case folds by the database's LC_CTYPE, beyond ASCII with a UTF-8 locale. The
     * {@code kind}/{@code recalled_at} terms match the partial index's predicate, which lets the planner use it.
     */
    private static final String POSTGRES = select("""
            FROM messages m
            JOIN conversation_members cm ON cm.conversation_id = m.conversation_id AND cm.user_id = ?
            WHERE lower(m.body) LIKE lower(?) ESCAPE '\\' AND m.id < ?""", "m.id DESC");

    /** Parameters: user id, pattern, id bound, then the conversation id if {@code %s} holds its term, then the limit. */
    private static String select(String fromWhere, String order) {
        return "SELECT m.id, m.conversation_id, m.seq\n" + fromWhere + " %s\nAND " + VISIBLE
                + "\nORDER BY " + order + " LIMIT ?";
    }

    public List<Hit> find(Tx tx, long userId, SearchQuery q) throws SQLException {
        if (q.isShort()) return ShortQueryScan.find(tx, userId, q);
        if (tx.dialect() == Dialect.POSTGRESQL) return run(tx, POSTGRES, userId, q, q.likePattern(), q.limit() + 1);
        // One read transaction: the mark and both queries see the same snapshot, so no message falls between them.
        long indexedThrough = tx.queryLong("SELECT indexed_through FROM search_progress");
        List<Hit> hits = new ArrayList<>(run(tx, SQLITE_TAIL, userId, q, q.likePattern(), q.limit() + 1, indexedThrough));
        if (hits.size() <= q.limit()) {
            hits.addAll(run(tx, SQLITE_INDEXED, userId, q, q.ftsPhrase(), q.limit() + 1 - hits.size(), indexedThrough));
        }
        return hits;
    }

    /** Parameters in the order {@link #select} expects; {@code bound}: the query's own extra bound after the id bound. */
    private static List<Hit> run(Tx tx, String sql, long userId, SearchQuery q, String pattern, int limit, Object... bound)
            throws SQLException {
        List<Object> params = new ArrayList<>(List.of(userId, pattern, q.beforeId()));
        params.addAll(List.of(bound));
        String inConversation = "";
        if (q.conversationId() != null) {
            inConversation = "AND m.conversation_id = ?";
            params.add(q.conversationId());
        }
        params.add(limit);
        return tx.query(sql.formatted(inConversation), rs -> new Hit(rs.getLong(1), rs.getLong(2), rs.getLong(3)), params.toArray());
    }
}
