package dev.parley.conversation;

import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Conversations, their members and their sequence counters, used inside the callers' transactions.
 * A conversation's entries are numbered 1, 2, 3... with no gap: {@link #nextEntry} increments the counter under
 * the conversation row's lock, so numbers commit in order.
 */
@Component
public class Conversations {
    public static final String DIRECT = "direct";
    public static final String GROUP = "group";
    /** Unread and mention counts stop here (clients show "999+"). */
    public static final int MAX_COUNT = 999;

    private final UserDirectory users;
    private final JsonMapper json;
    private final Clock clock;

    public Conversations(UserDirectory users, JsonMapper json, Clock clock) {
        this.users = users;
        this.json = json;
        this.clock = clock;
    }

    /**
     * Keeps the group as it is now (after this transaction's changes so far) for the members whose membership
     * ends with this transaction: their view stays this one.
     */
    public void keepGroupViewFor(Tx tx, long conversationId, String userCondition, Object... params) throws SQLException {
        String snapshot = tx.queryOne("SELECT name, announcement, owner_id, member_count, all_muted FROM conversations WHERE id = ?", rs -> {
            var node = json.createObjectNode().put("name", rs.getString(1));
            if (rs.getString(2) != null) node.put("announcement", rs.getString(2));
            return json.writeValueAsString(node.put("ownerId", rs.getLong(3)).put("memberCount", rs.getLong(4)).put("allMuted", rs.getBoolean(5)));
        }, conversationId).orElseThrow();
        Object[] all = new Object[params.length + 2];
        all[0] = snapshot;
        all[1] = conversationId;
        System.arraycopy(params, 0, all, 2, params.length);
        tx.update("UPDATE conversation_members SET left_group = ? WHERE conversation_id = ? AND " + userCondition, all);
    }

    /** The direct conversation between two users, created on first use. */
    public long openDirect(Tx tx, long a, long b, long now) throws SQLException {
        String key = Math.min(a, b) + ":" + Math.max(a, b);
        Optional<Long> existing = tx.queryOne("SELECT id FROM conversations WHERE direct_key = ?", rs -> rs.getLong(1), key);
        if (existing.isPresent()) return existing.get();
        // Two first messages may cross (PostgreSQL): the loser's insert waits for the winner, does nothing,
        // and reads the winner's row.
        Optional<Long> created = tx.updateReturningLongIfAny("""
                INSERT INTO conversations (kind, direct_key, created_at, last_seq, last_activity_at, updated_at, member_count)
                VALUES ('direct', ?, ?, 0, ?, ?, 2) ON CONFLICT (direct_key) DO NOTHING RETURNING id""", key, now, now, now);
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

    /** The user's membership, current or former; empty when they never were a member. */
    public Optional<Membership> membership(Tx tx, long conversationId, long userId) throws SQLException {
        // Only the membership's columns (not the summary's 25, nor its three sub-queries): every send reads this in
        // the write transaction, on SQLite inside the single writer. The peer's column has a short name because the
        // SQLite driver reads every column's name on each execution, and an unnamed one is named by its whole text.
        return tx.queryOne(MEMBERSHIP, rs -> new Membership(rs.getLong(1), rs.getString(2), rs.getLong(3), Tx.nullableLong(rs, 4),
                rs.getLong(5), rs.getLong(6), rs.getLong(7), rs.getLong(8), Tx.nullableLong(rs, 9), rs.getString(10),
                Tx.nullableLong(rs, 11), rs.getBoolean(12), rs.getLong(13), rs.getLong(14)), conversationId, userId);
    }

    private static final String MEMBERSHIP = """
            SELECT c.id, c.kind, m.user_id,
                   CASE WHEN c.kind = 'direct' THEN (SELECT p.user_id FROM conversation_members p
                        WHERE p.conversation_id = c.id AND p.user_id <> m.user_id) END AS peer,
                   m.read_seq, c.last_seq, m.delivered_seq, m.cleared_seq, m.left_seq, m.role, m.muted_until, c.all_muted,
                   c.member_count, c.member_seq
            FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id
            WHERE m.conversation_id = ? AND m.user_id = ?""";

    /** A current membership: {@code conversation_not_found} for a stranger, {@code not_member} for a former member. */
    public Membership requireActive(Tx tx, long conversationId, long userId) throws SQLException {
        Membership m = requireAny(tx, conversationId, userId);
        if (!m.active()) throw new ParleyException(ErrorCode.NOT_MEMBER);
        return m;
    }

    /** A current or former membership: {@code conversation_not_found} for a stranger. */
    public Membership requireAny(Tx tx, long conversationId, long userId) throws SQLException {
        return membership(tx, conversationId, userId).orElseThrow(() -> new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND));
    }

    /** Current members' ids. */
    public List<Long> memberIds(Tx tx, long conversationId) throws SQLException {
        return tx.query("SELECT user_id FROM conversation_members WHERE conversation_id = ? AND left_seq IS NULL",
                rs -> rs.getLong(1), conversationId);
    }

    /**
     * Takes the conversation row's lock until commit without changing anything (PostgreSQL; SQLite has one writer):
     * a change that reads state and then maybe numbers an entry (a reaction, a membership change) reads it under
     * the same lock as every other writer of the conversation.
     */
    public void lock(Tx tx, long conversationId) throws SQLException {
        tx.update("UPDATE conversations SET last_seq = last_seq WHERE id = ?", conversationId);
    }

    /** Takes the conversation's next sequence number and marks it changed; holds the row lock until commit. */
    public long nextSeq(Tx tx, long conversationId, long now) throws SQLException {
        return nextEntry(tx, conversationId, true, false, now).seq();
    }

    /**
     * The {@code SET} clause of {@link #nextEntry}, for a statement that numbers an entry in the same round trip as
     * it stores it (messaging's PostgreSQL append). Parameters: membershipChange, activity, now, now.
     */
    public static final String NUMBERING = """
            last_seq = last_seq + 1, member_seq = CASE WHEN ? THEN last_seq + 1 ELSE member_seq END,
            last_activity_at = CASE WHEN ? THEN ? ELSE last_activity_at END, updated_at = ?""";

    /** A numbered slot: the entry's seq, the membership version it was numbered under, and the group's size. */
    public record Slot(long seq, long memberSeq, long memberCount) {}

    /**
     * Takes the next sequence number. {@code activity}: the entry is a message or system entry (it moves the
     * conversation up the list); {@code membershipChange}: it changes who the members are (it becomes the
     * membership version, see {@link Recipients}).
     */
    public Slot nextEntry(Tx tx, long conversationId, boolean activity, boolean membershipChange, long now) throws SQLException {
        return tx.updateReturning("UPDATE conversations SET " + NUMBERING + " WHERE id = ? RETURNING last_seq, member_seq, member_count",
                rs -> new Slot(rs.getLong(1), rs.getLong(2), rs.getLong(3)),
                membershipChange, activity, now, now, conversationId).orElseThrow(() -> new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND));
    }

    /** Moves a member's read (and delivered) cursor forward (never back, never past the last entry). Returns the read cursor after. */
    public long advanceRead(Tx tx, long conversationId, long userId, long seq, long now) throws SQLException {
        moveReadCursor(tx, conversationId, userId, seq, now);
        return tx.queryLong("SELECT read_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?", conversationId, userId);
    }

    /** {@link #advanceRead} without reading the cursor back (one statement: the send path needs no answer). */
    public void moveReadCursor(Tx tx, long conversationId, long userId, long seq, long now) throws SQLException {
        tx.update("""
                UPDATE conversation_members SET read_seq = ?, delivered_seq = CASE WHEN delivered_seq < ? THEN ? ELSE delivered_seq END, updated_at = ?
                WHERE conversation_id = ? AND user_id = ? AND read_seq < ?""",
                seq, seq, seq, now, conversationId, userId, seq);
    }

    /** Moves a member's delivered cursor forward; true when it moved. */
    public boolean moveDeliveredCursor(Tx tx, long conversationId, long userId, long seq, long now) throws SQLException {
        return tx.update("""
                UPDATE conversation_members SET delivered_seq = ?, updated_at = ?
                WHERE conversation_id = ? AND user_id = ? AND delivered_seq < ?""",
                seq, now, conversationId, userId, seq) > 0;
    }

    /**
     * Text and media entries of others after {@code afterSeq} up to {@code upToSeq}, not recalled, at most
     * {@link #MAX_COUNT}: what a user has not read.
     */
    public long unread(Tx tx, long conversationId, long userId, long afterSeq, long upToSeq) throws SQLException {
        if (upToSeq <= afterSeq) return 0;
        return tx.queryLong("""
                SELECT COUNT(*) FROM (SELECT 1 FROM messages WHERE conversation_id = ? AND seq > ? AND seq <= ?
                  AND kind IN ('text', 'media') AND sender_id <> ? AND recalled_at IS NULL LIMIT ?) t""",
                conversationId, afterSeq, upToSeq, userId, MAX_COUNT);
    }

    /** Unread entries that mention the user or everyone, at most {@link #MAX_COUNT}. */
    public long mentionCount(Tx tx, long conversationId, long userId, long afterSeq, long upToSeq) throws SQLException {
        if (upToSeq <= afterSeq) return 0;
        return tx.queryLong("""
                SELECT COUNT(*) FROM (SELECT DISTINCT message_id FROM mentions WHERE conversation_id = ? AND user_id IN (?, 0)
                  AND seq > ? AND seq <= ? LIMIT ?) t""",
                conversationId, userId, afterSeq, upToSeq, MAX_COUNT);
    }

    /**
     * The user's conversations, latest activity first; with {@code changedSince}, only those whose entries (while a
     * member) or whose own state (cursors, settings, membership) changed at or after that time. A conversation
     * cleared with "delete for me" stays out until a new entry arrives.
     */
    public List<ConversationSummary> forUser(Tx tx, long userId, Long changedSince) throws SQLException {
        String filter = changedSince == null ? "" : " AND " + CHANGED;
        Object[] params = changedSince == null ? new Object[] {userId} : new Object[] {userId, changedSince, changedSince};
        List<Row> rows = tx.query(SELECT + " WHERE m.user_id = ?" + filter, this::row, params);
        rows = rows.stream().filter(r -> r.membership().clearedSeq() == 0 || r.membership().visibleLast() > r.membership().clearedSeq()).toList();
        List<ConversationSummary> out = summaries(tx, rows);
        return out.stream().sorted(Comparator.comparingLong(ConversationSummary::lastActivityAt).reversed()
                .thenComparing(Comparator.comparingLong(ConversationSummary::id).reversed())).toList();
    }

    /** {@link #forUser}'s filter with {@code changedSince}; parameters: changedSince, changedSince. */
    private static final String CHANGED = "((m.left_seq IS NULL AND c.updated_at >= ?) OR m.updated_at >= ?)";

    /**
     * A boolean expression: true when {@link #forUser} with {@code changedSince} may find something (it may still find
     * nothing: a cleared conversation stays out). Parameters: userId, changedSince, changedSince. For a statement that
     * asks it in the same round trip as something else: sync asks it first, and most reconnecting clients need no
     * more (docs/benchmarks.md, reconnect storm).
     */
    public static final String ANY_CHANGED = "EXISTS (SELECT 1 FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id"
            + " WHERE m.user_id = ? AND " + CHANGED + ")";

    /** One conversation as the user sees it, cleared or not; empty when they never were a member. */
    public Optional<ConversationSummary> summary(Tx tx, long conversationId, long userId) throws SQLException {
        List<Row> rows = tx.query(SELECT + " WHERE m.conversation_id = ? AND m.user_id = ?", this::row, conversationId, userId);
        return summaries(tx, rows).stream().findFirst();
    }

    /** The group as the user sees it; {@code group_not_found} when it is not a group they are or were in. */
    public GroupView groupView(Tx tx, long conversationId, long userId) throws SQLException {
        return tx.queryOne(SELECT + " WHERE m.conversation_id = ? AND m.user_id = ?", this::row, conversationId, userId)
                .filter(r -> GROUP.equals(r.membership().kind()))
                .map(Row::group)
                .orElseThrow(() -> new ParleyException(ErrorCode.GROUP_NOT_FOUND));
    }

    private List<ConversationSummary> summaries(Tx tx, List<Row> rows) throws SQLException {
        List<Long> peers = new ArrayList<>();
        for (Row r : rows) if (r.membership().peerId() != null) peers.add(r.membership().peerId());
        Map<Long, UserSummary> who = users.findAll(tx, peers);
        List<ConversationSummary> out = new ArrayList<>(rows.size());
        for (Row r : rows) {
            Membership m = r.membership();
            long last = m.visibleLast();
            long from = Math.max(m.readSeq(), m.clearedSeq());
            long unread = unread(tx, m.conversationId(), m.userId(), from, last);
            long mentions = unread == 0 ? 0 : mentionCount(tx, m.conversationId(), m.userId(), from, last);
            long activity = r.lastActivityAt();
            if (!m.active()) {
                activity = tx.queryOne("SELECT created_at FROM messages WHERE conversation_id = ? AND seq = ?", rs -> rs.getLong(1),
                        m.conversationId(), m.leftSeq()).orElse(activity);
            }
            boolean direct = DIRECT.equals(m.kind());
            out.add(new ConversationSummary(m.conversationId(), m.kind(), m.peerId() == null ? null : who.get(m.peerId()),
                    m.isGroup() ? r.group() : null, last, m.readSeq(), unread, activity,
                    r.pinned() ? true : null, r.muted() ? true : null, r.archived() ? true : null,
                    m.clearedSeq() > 0 ? m.clearedSeq() : null, mentions > 0 ? mentions : null, m.active() ? null : true,
                    direct ? r.peerReadSeq() : null, direct ? r.peerDeliveredSeq() : null));
        }
        return out;
    }

    /**
     * One member row with its conversation (and, for a direct conversation, the peer's cursors). The peer subqueries
     * run only for direct conversations (CASE is evaluated lazily in both dialects): a group's thousands of member
     * rows are never scanned for a summary.
     */
    private record Row(Membership membership, GroupView group, long lastActivityAt, boolean pinned, boolean muted, boolean archived,
                       Long peerReadSeq, Long peerDeliveredSeq) {}

    private static final String SELECT = """
            SELECT c.id, c.kind, c.last_seq, c.last_activity_at, c.created_at, c.name, c.announcement, c.owner_id, c.all_muted,
                   c.member_count, c.member_seq,
                   m.user_id, m.read_seq, m.delivered_seq, m.cleared_seq, m.left_seq, m.role, m.muted_until, m.pinned, m.muted, m.archived,
                   CASE WHEN c.kind = 'direct' THEN (SELECT p.user_id FROM conversation_members p
                        WHERE p.conversation_id = c.id AND p.user_id <> m.user_id) END,
                   CASE WHEN c.kind = 'direct' THEN (SELECT p.read_seq FROM conversation_members p
                        WHERE p.conversation_id = c.id AND p.user_id <> m.user_id) END,
                   CASE WHEN c.kind = 'direct' THEN (SELECT p.delivered_seq FROM conversation_members p
                        WHERE p.conversation_id = c.id AND p.user_id <> m.user_id) END,
                   m.left_group
            FROM conversation_members m JOIN conversations c ON c.id = m.conversation_id""";

    private Row row(ResultSet rs) throws SQLException {
        long id = rs.getLong(1);
        String kind = rs.getString(2);
        boolean allMuted = rs.getBoolean(9);
        long memberCount = rs.getLong(10);
        String role = rs.getString(17);
        Long mutedUntil = Tx.nullableLong(rs, 18);
        Membership m = new Membership(id, kind, rs.getLong(12), Tx.nullableLong(rs, 22), rs.getLong(13), rs.getLong(3),
                rs.getLong(14), rs.getLong(15), Tx.nullableLong(rs, 16), role, mutedUntil, allMuted, memberCount, rs.getLong(11));
        GroupView group = null;
        String leftGroup = rs.getString(25);
        if (GROUP.equals(kind) && m.leftSeq() != null && leftGroup != null) {
            // A former member sees the group as it was when they left (docs/protocol.md §12).
            JsonNode g = json.readTree(leftGroup);
            group = new GroupView(id, g.path("name").asString(), g.has("announcement") ? g.get("announcement").asString() : null,
                    g.path("ownerId").asLong(), g.path("memberCount").asLong(), g.path("allMuted").asBoolean(), role, null, rs.getLong(5));
        } else if (GROUP.equals(kind)) {
            long now = clock.millis();
            group = new GroupView(id, rs.getString(6), rs.getString(7), rs.getLong(8), memberCount, allMuted, role,
                    mutedUntil != null && mutedUntil > now ? mutedUntil : null, rs.getLong(5));
        }
        return new Row(m, group, rs.getLong(4), rs.getBoolean(19), rs.getBoolean(20), rs.getBoolean(21),
                Tx.nullableLong(rs, 23), Tx.nullableLong(rs, 24));
    }
}
