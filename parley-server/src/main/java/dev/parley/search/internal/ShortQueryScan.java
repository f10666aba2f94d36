package dev.parley.search.internal;

import dev.parley.platform.Dialect;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Queries of 1 or 2 characters have no trigram to look up (very common in Chinese, where most words have two
 * characters), so they are answered by a LIKE scan of the caller's own conversations, never of other users'.
 * <p>
 * The scan walks all the caller's conversations down from their newest visible entry in rounds, a chunk of
 * sequence numbers per conversation per round (64, then doubling), and keeps the newest {@code limit + 1}
 * matches. Once a page is full, a conversation whose next entry is older than the page's last match is done. So a
 * common query reads about as many messages as it takes to fill the page, whatever the number of conversations,
 * and a rare one reads all the caller's visible messages (docs/benchmarks.md has figures). Within a conversation
 * ids grow with seq (both are taken under the conversation's lock), which is what makes seq ranges id ranges.
 */
final class ShortQueryScan {
    private static final int FIRST_CHUNK = 64;
    private static final int MAX_CHUNK = 8192;

    private ShortQueryScan() {}

    /** One of the caller's conversations: entries in (clearedSeq, nextSeq] are still to be scanned. */
    private static final class Window {
        final long conversationId;
        final long clearedSeq;
        long nextSeq;
        long topId; // id of the newest entry at or below nextSeq (nothing left to scan is newer); -1: not looked up

        Window(long conversationId, long clearedSeq, long nextSeq, long topId) {
            this.conversationId = conversationId;
            this.clearedSeq = clearedSeq;
            this.nextSeq = nextSeq;
            this.topId = topId;
        }
    }

    static List<MatchingMessages.Hit> find(Tx tx, long userId, SearchQuery q) throws SQLException {
        String oneConversation = q.conversationId() == null ? "" : " AND cm.conversation_id = ?";
        Object[] params = q.conversationId() == null ? new Object[] {userId} : new Object[] {userId, q.conversationId()};
        List<Window> active = new ArrayList<>(tx.query("""
                SELECT cm.conversation_id, cm.cleared_seq, COALESCE(cm.left_seq, c.last_seq),
                       (SELECT m.id FROM messages m WHERE m.conversation_id = cm.conversation_id
                        AND m.seq <= COALESCE(cm.left_seq, c.last_seq) ORDER BY m.seq DESC LIMIT 1)
                FROM conversation_members cm JOIN conversations c ON c.id = cm.conversation_id
                WHERE cm.user_id = ?""" + oneConversation,
                rs -> new Window(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4)), params));
        active.removeIf(w -> w.nextSeq <= w.clearedSeq || w.topId == 0);
        active.sort(Comparator.comparingLong((Window w) -> w.topId).reversed());

        // lower() on both sides on PostgreSQL (case folds by the database's LC_CTYPE); SQLite's LIKE folds ASCII.
        String like = tx.dialect() == Dialect.POSTGRESQL ? "lower(body) LIKE lower(?) ESCAPE '\\'" : "body LIKE ? ESCAPE '\\'";
        String scan = """
                SELECT id, seq FROM messages
                WHERE conversation_id = ? AND seq > ? AND seq <= ? AND id < ?
                AND kind IN ('text', 'media') AND recalled_at IS NULL AND\s""" + like + " ORDER BY seq DESC";
        String pattern = q.likePattern();
        int wanted = q.limit() + 1;
        List<MatchingMessages.Hit> hits = new ArrayList<>();
        for (int chunk = FIRST_CHUNK; !active.isEmpty(); chunk = Math.min(chunk * 2, MAX_CHUNK)) {
            List<Window> next = new ArrayList<>();
            for (Window w : active) {
                if (hits.size() >= wanted) {
                    if (w.topId < 0) w.topId = newestAtOrBelow(tx, w.conversationId, w.nextSeq);
                    if (w.topId < hits.get(wanted - 1).id()) continue; // nothing left here can make the page
                }
                long from = Math.max(w.clearedSeq, w.nextSeq - chunk);
                for (long[] row : tx.query(scan, rs -> new long[] {rs.getLong(1), rs.getLong(2)},
                        w.conversationId, from, w.nextSeq, q.beforeId(), pattern)) {
                    hits.add(new MatchingMessages.Hit(row[0], w.conversationId, row[1]));
                }
                hits.sort(Comparator.comparingLong(MatchingMessages.Hit::id).reversed());
                if (hits.size() > wanted) hits.subList(wanted, hits.size()).clear();
                w.nextSeq = from;
                w.topId = -1; // looked up only if a full page needs it
                if (from > w.clearedSeq) next.add(w);
            }
            active = next;
        }
        return hits;
    }

    /** The id of the newest entry at or below {@code seq}, or 0 if there is none. */
    private static long newestAtOrBelow(Tx tx, long conversationId, long seq) throws SQLException {
        return tx.queryOne("SELECT id FROM messages WHERE conversation_id = ? AND seq <= ? ORDER BY seq DESC LIMIT 1",
                rs -> rs.getLong(1), conversationId, seq).orElse(0L);
    }
}
