package dev.parley.messaging;

import dev.parley.conversation.Membership;
import dev.parley.platform.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Reads entries as {@link EntryView}s: one query for the rows, one for the messages their replies quote, one for
 * their reactions, however long the page. Other modules (search) use it to show entries the same way.
 */
@Component
public class EntryViews {
    public static final int QUOTE_CHARS = 200;
    static final String COLUMNS = "id, conversation_id, seq, sender_id, client_msg_id, body, created_at, kind, reply_to, target_id, data, "
            + "edited_at, recalled_at, recalled_by";

    /** An entry row as stored. {@code data}: the JSON column as a tree (an empty object when there is none). */
    record Stored(long id, long conversationId, long seq, long senderId, String clientMsgId, String body, long createdAt,
                  String kind, Long replyTo, Long targetId, ObjectNode data, Long editedAt, Long recalledAt, Long recalledBy) {
        boolean isMessage() { return EntryView.TEXT.equals(kind) || EntryView.MEDIA.equals(kind); }

        boolean recalled() { return recalledAt != null; }
    }

    private final JsonMapper json;

    public EntryViews(JsonMapper json) {
        this.json = json;
    }

    /** Entries matching {@code condition} (SQL on the messages columns), ordered as the SQL says, in their current state. */
    public List<EntryView> query(Tx tx, String conditionAndOrder, Object... params) throws SQLException {
        return query(tx, null, conditionAndOrder, params);
    }

    /**
     * As {@link #query(Tx, String, Object...)}, as {@code viewer} may see them: a former member sees messages as they
     * were when they left (text before later edits, reactions made until then); recalls are the exception, since a
     * recalled text is gone for everyone.
     */
    public List<EntryView> query(Tx tx, Membership viewer, String conditionAndOrder, Object... params) throws SQLException {
        List<Stored> rows = tx.query("SELECT " + COLUMNS + " FROM messages WHERE " + conditionAndOrder, this::stored, params);
        AsOf asOf = null;
        if (viewer != null && !viewer.active()) {
            long time = tx.queryOne("SELECT created_at FROM messages WHERE conversation_id = ? AND seq = ?", rs -> rs.getLong(1),
                    viewer.conversationId(), viewer.leftSeq()).orElse(Long.MAX_VALUE);
            asOf = new AsOf(viewer.leftSeq(), time);
        }
        return views(tx, rows, asOf);
    }

    /** What a former member may see: entries up to {@code seq}, changes made up to {@code time}. */
    record AsOf(long seq, long time) {}

    /** Entries by id, in the order of {@code ids}; unknown ids are skipped. */
    public List<EntryView> byIds(Tx tx, List<Long> ids) throws SQLException {
        if (ids.isEmpty()) return List.of();
        Map<Long, EntryView> found = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            for (EntryView v : query(tx, "id IN (" + Tx.marks(chunk.size()) + ")", chunk.toArray())) found.put(v.id(), v);
        }
        List<EntryView> out = new ArrayList<>();
        for (Long id : ids) if (found.containsKey(id)) out.add(found.get(id));
        return out;
    }

    Optional<Stored> find(Tx tx, long id) throws SQLException {
        return tx.queryOne("SELECT " + COLUMNS + " FROM messages WHERE id = ?", this::stored, id);
    }

    List<EntryView> views(Tx tx, List<Stored> rows, AsOf asOf) throws SQLException {
        if (asOf != null) rows = beforeLaterEdits(tx, rows, asOf);
        List<EntryView> plain = new ArrayList<>(rows.size());
        List<Long> quoted = new ArrayList<>();
        List<Long> reacted = new ArrayList<>();
        for (Stored s : rows) {
            plain.add(view(s));
            if (s.isMessage() && !s.recalled()) {
                reacted.add(s.id());
                if (s.replyTo() != null) quoted.add(s.replyTo());
            }
        }
        if (quoted.isEmpty() && reacted.isEmpty()) return plain;
        Map<Long, EntryView.Quote> quotes = quotes(tx, quoted);
        Map<Long, List<EntryView.Reaction>> reactions = reactions(tx, reacted, asOf == null ? Long.MAX_VALUE : asOf.time());
        List<EntryView> out = new ArrayList<>(plain.size());
        for (int i = 0; i < rows.size(); i++) {
            Stored s = rows.get(i);
            EntryView v = plain.get(i);
            EntryView.Quote q = s.replyTo() != null && !s.recalled() ? quotes.get(s.replyTo()) : null;
            List<EntryView.Reaction> rs = reactions.get(v.id());
            out.add(q == null && rs == null ? v : v.withReplyAndReactions(q, rs));
        }
        return out;
    }

    /** The view of a row, without its quote and reactions (those need queries of their own). */
    EntryView view(Stored s) {
        ObjectNode d = s.data();
        boolean recalled = s.recalled();
        String text = null;
        switch (s.kind()) {
            case EntryView.TEXT, EntryView.MEDIA, EntryView.EDIT -> text = recalled || s.body().isEmpty() ? null : s.body();
            default -> { }
        }
        boolean message = s.isMessage();
        List<Long> mentions = null;
        if (message && !recalled && d.has("mentions")) {
            mentions = new ArrayList<>();
            for (JsonNode n : d.get("mentions")) mentions.add(n.asLong());
        }
        return new EntryView(s.id(), s.conversationId(), s.seq(), s.senderId(), message ? s.clientMsgId() : null, s.kind(), text,
                s.createdAt(), null,
                message && d.path("forwarded").asBoolean(false) ? true : null,
                mentions,
                message && !recalled && d.path("mentionsAll").asBoolean(false) ? true : null,
                message && !recalled && d.has("attachments") ? d.get("attachments") : null,
                message && !recalled ? s.editedAt() : null,
                recalled ? true : null,
                recalled ? s.recalledBy() : null,
                null,
                s.targetId(),
                d.has("targetSeq") ? d.get("targetSeq").asLong() : null,
                d.has("emoji") ? d.get("emoji").asString() : null,
                d.path("removed").asBoolean(false) ? true : null,
                d.has("system") ? d.get("system") : null);
    }

    private Map<Long, EntryView.Quote> quotes(Tx tx, List<Long> ids) throws SQLException {
        Map<Long, EntryView.Quote> out = new HashMap<>();
        List<Long> distinct = ids.stream().distinct().toList();
        for (int from = 0; from < distinct.size(); from += 500) {
            List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + 500));
            tx.query("SELECT id, seq, sender_id, kind, body, recalled_at FROM messages WHERE id IN (" + Tx.marks(chunk.size()) + ")", rs -> {
                boolean recalled = Tx.nullableLong(rs, 6) != null;
                String body = rs.getString(5);
                String text = recalled || body.isEmpty() ? null : clip(body, QUOTE_CHARS);
                out.put(rs.getLong(1), new EntryView.Quote(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getString(4), text, recalled ? true : null));
                return null;
            }, chunk.toArray());
        }
        return out;
    }

    /**
     * Messages edited after {@code asOf.seq} take back the text they had then: that of their last edit up to there, or
     * the original (kept in {@code data.original} by the first edit).
     */
    private List<Stored> beforeLaterEdits(Tx tx, List<Stored> rows, AsOf asOf) throws SQLException {
        List<Long> edited = rows.stream().filter(s -> s.isMessage() && !s.recalled() && s.editedAt() != null).map(Stored::id).toList();
        if (edited.isEmpty()) return rows;
        record Edit(long target, long seq, String body, long at) {}
        Map<Long, List<Edit>> edits = new HashMap<>();
        for (int from = 0; from < edited.size(); from += 500) {
            List<Long> chunk = edited.subList(from, Math.min(edited.size(), from + 500));
            for (Edit e : tx.query("SELECT target_id, seq, body, created_at FROM messages WHERE kind = 'edit' AND target_id IN ("
                    + Tx.marks(chunk.size()) + ") ORDER BY seq", rs -> new Edit(rs.getLong(1), rs.getLong(2), rs.getString(3), rs.getLong(4)),
                    chunk.toArray())) {
                edits.computeIfAbsent(e.target(), k -> new ArrayList<>()).add(e);
            }
        }
        List<Stored> out = new ArrayList<>(rows.size());
        for (Stored s : rows) {
            List<Edit> es = edits.get(s.id());
            if (es == null || es.get(es.size() - 1).seq() <= asOf.seq()) {
                out.add(s);
                continue;
            }
            Edit then = null;
            for (Edit e : es) if (e.seq() <= asOf.seq()) then = e;
            String body = then != null ? then.body() : s.data().path("original").asString(s.body());
            out.add(new Stored(s.id(), s.conversationId(), s.seq(), s.senderId(), s.clientMsgId(), body, s.createdAt(), s.kind(), s.replyTo(),
                    s.targetId(), s.data(), then != null ? then.at() : null, s.recalledAt(), s.recalledBy()));
        }
        return out;
    }

    private static Map<Long, List<EntryView.Reaction>> reactions(Tx tx, List<Long> ids, long madeUntil) throws SQLException {
        Map<Long, LinkedHashMap<String, List<Long>>> grouped = new HashMap<>();
        for (int from = 0; from < ids.size(); from += 500) {
            List<Long> chunk = ids.subList(from, Math.min(ids.size(), from + 500));
            Object[] params = new Object[chunk.size() + 1];
            for (int i = 0; i < chunk.size(); i++) params[i] = chunk.get(i);
            params[chunk.size()] = madeUntil;
            tx.query("SELECT message_id, emoji, user_id FROM reactions WHERE message_id IN (" + Tx.marks(chunk.size()) + ") AND created_at <= ?"
                    + " ORDER BY message_id, created_at, entry_seq, emoji, user_id", rs -> {
                grouped.computeIfAbsent(rs.getLong(1), k -> new LinkedHashMap<>())
                        .computeIfAbsent(rs.getString(2), k -> new ArrayList<>()).add(rs.getLong(3));
                return null;
            }, params);
        }
        Map<Long, List<EntryView.Reaction>> out = new HashMap<>();
        grouped.forEach((id, byEmoji) -> {
            List<EntryView.Reaction> list = new ArrayList<>();
            byEmoji.forEach((emoji, users) -> list.add(new EntryView.Reaction(emoji, List.copyOf(users))));
            out.put(id, list);
        });
        return out;
    }

    static String clip(String s, int codePoints) {
        if (s.length() <= codePoints || s.codePointCount(0, s.length()) <= codePoints) return s;
        return s.substring(0, s.offsetByCodePoints(0, codePoints));
    }

    private Stored stored(ResultSet rs) throws SQLException {
        String data = rs.getString(11);
        ObjectNode d = data == null || data.isEmpty() ? json.createObjectNode() : (ObjectNode) json.readTree(data);
        return new Stored(rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), rs.getString(5), rs.getString(6), rs.getLong(7),
                rs.getString(8), Tx.nullableLong(rs, 9), Tx.nullableLong(rs, 10), d, Tx.nullableLong(rs, 12), Tx.nullableLong(rs, 13),
                Tx.nullableLong(rs, 14));
    }
}
