package dev.parley.messaging;

import dev.parley.conversation.Conversations;
import dev.parley.conversation.Recipients;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.SequencedPushes;
import dev.parley.platform.Db;
import dev.parley.platform.Dialect;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Appends entries to conversations: each takes the conversation's next seq in the caller's transaction, is stored
 * once (whatever the number of members), and is pushed after commit through an {@link Outbox}. Messages come from
 * {@link MessageSending}; other modules append system entries (groups) with {@link #appendSystem}.
 */
@Component
public class EntryWriter {
    /** What to store. {@code clientMsgId} null for entries that are not messages. */
    record NewEntry(long conversationId, long senderId, String clientMsgId, String kind, String body, Long replyTo, Long targetId,
                    ObjectNode data, List<Long> mentioned, boolean membershipChange) {}

    @FunctionalInterface
    public interface OutboxWork<T> {
        T run(Tx tx, Outbox out) throws SQLException;
    }

    private final Db db;
    private final Conversations conversations;
    private final Recipients recipients;
    private final Delivery delivery;
    private final SequencedPushes order;
    private final EntryViews views;
    private final JsonMapper json;

    public EntryWriter(Db db, Conversations conversations, Recipients recipients, Delivery delivery, SequencedPushes order,
                       EntryViews views, JsonMapper json) {
        this.db = db;
        this.conversations = conversations;
        this.recipients = recipients;
        this.delivery = delivery;
        this.order = order;
        this.views = views;
        this.json = json;
    }

    /**
     * Runs {@code work} in one write transaction; the entries it appended to {@code out} are pushed after the commit
     * (to every member's connections but {@code origin}), or cancelled if it fails.
     */
    public <T> T write(Connection origin, OutboxWork<T> work) {
        Outbox out = new Outbox(delivery, recipients, origin);
        T result;
        try {
            result = db.write(tx -> {
                out.cancelAll(); // a write that runs again starts clean
                return work.run(tx, out);
            });
        } catch (RuntimeException e) {
            out.cancelAll();
            throw e;
        }
        out.publish();
        return result;
    }

    /**
     * A group system entry: {@code system} is {@code {"event": ..., ...}}; {@code membershipChange} when it changes
     * who the members are. Returns its seq.
     */
    public long appendSystem(Tx tx, Outbox out, long conversationId, long actorId, Map<String, ?> system, boolean membershipChange,
                             long now) throws SQLException {
        ObjectNode payload = json.createObjectNode();
        payload.set("event", json.valueToTree(system.get("event"))); // "event" first, for people reading the JSON
        system.forEach((k, v) -> { if (!"event".equals(k)) payload.set(k, json.valueToTree(v)); });
        ObjectNode data = json.createObjectNode();
        data.set("system", payload);
        return append(tx, out, new NewEntry(conversationId, actorId, null, EntryView.SYSTEM, "", null, null, data, List.of(),
                membershipChange), null, null, now).seq();
    }

    /**
     * Stores one entry and queues its push. {@code members}: its recipients when known (direct conversations), else
     * null. {@code quote}: the quoted message for the pushed view of a reply.
     */
    EntryView append(Tx tx, Outbox out, NewEntry e, List<Long> members, EntryView.Quote quote, long now) throws SQLException {
        return append(tx, out, e, members, quote, now, false);
    }

    /** As above; {@code senderRead}: the sender has read up to the new entry (a message they send). */
    EntryView append(Tx tx, Outbox out, NewEntry e, List<Long> members, EntryView.Quote quote, long now, boolean senderRead)
            throws SQLException {
        boolean activity = EntryView.TEXT.equals(e.kind()) || EntryView.MEDIA.equals(e.kind()) || EntryView.SYSTEM.equals(e.kind());
        String data = e.data() == null || e.data().isEmpty() ? null : json.writeValueAsString(e.data());
        Appended stored = tx.dialect() == Dialect.POSTGRESQL
                ? insertInOneRoundTrip(tx, e, activity, data, senderRead, now)
                : insertStepByStep(tx, e, activity, data, senderRead, now);
        Conversations.Slot slot = stored.slot();
        long id = stored.id();
        String clientMsgId = stored.clientMsgId();
        if (!e.mentioned().isEmpty()) {
            List<Object[]> rows = new ArrayList<>();
            for (Long u : e.mentioned()) rows.add(new Object[] {id, e.conversationId(), slot.seq(), u});
            tx.batch("INSERT INTO mentions (message_id, conversation_id, seq, user_id) VALUES (?, ?, ?, ?)", rows);
        }
        EntryView view = views.view(new EntryViews.Stored(id, e.conversationId(), slot.seq(), e.senderId(), clientMsgId, e.body(), now,
                e.kind(), e.replyTo(), e.targetId(), e.data() == null ? json.createObjectNode() : e.data(), null, null, null));
        if (quote != null) view = view.withReplyAndReactions(quote, null);
        out.add(order.reserve(e.conversationId(), slot.seq()), view, slot.memberSeq(), slot.memberCount(), members);
        return view;
    }

    private record Appended(Conversations.Slot slot, long id, String clientMsgId) {}

    /** Entries that are not messages get an id no client can send (clients may not use control characters). */
    private static String systemClientMsgId(long conversationId, long seq) {
        return "\u0001" + conversationId + ":" + seq;
    }

    /** SQLite: in-process calls, no round trips to save. */
    private Appended insertStepByStep(Tx tx, NewEntry e, boolean activity, String data, boolean senderRead, long now) throws SQLException {
        Conversations.Slot slot = conversations.nextEntry(tx, e.conversationId(), activity, e.membershipChange(), now);
        String clientMsgId = e.clientMsgId() != null ? e.clientMsgId() : systemClientMsgId(e.conversationId(), slot.seq());
        long id = tx.updateReturningLong("""
                INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, kind, reply_to, target_id, data)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?) RETURNING id""",
                e.conversationId(), slot.seq(), e.senderId(), clientMsgId, e.body(), now, e.kind(), e.replyTo(), e.targetId(), data);
        if (senderRead) conversations.moveReadCursor(tx, e.conversationId(), e.senderId(), slot.seq(), now);
        return new Appended(slot, id, clientMsgId);
    }

    /**
     * PostgreSQL: the same three statements ({@link Conversations#nextEntry}, the insert, and
     * {@link Conversations#moveReadCursor}) as data-modifying CTEs of one statement, so one round trip instead of
     * three (on this box a round trip costs the server and PostgreSQL more CPU than the statements themselves:
     * docs/benchmarks.md, ADR 0014). The conversation row's lock is taken by the first CTE as before. The CTEs see
     * one snapshot, so the cursor update takes the new seq from the insert's RETURNING.
     */
    private Appended insertInOneRoundTrip(Tx tx, NewEntry e, boolean activity, String data, boolean senderRead, long now)
            throws SQLException {
        return tx.updateReturning("WITH slot AS (UPDATE conversations SET " + Conversations.NUMBERING
                + " WHERE id = ? RETURNING id, last_seq, member_seq, member_count)," + """
                entry AS (
                    INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at, kind, reply_to, target_id, data)
                    SELECT slot.id, slot.last_seq, ?::bigint, COALESCE(?::text, chr(1) || slot.id || ':' || slot.last_seq),
                           ?::text, ?::bigint, ?::text, ?::bigint, ?::bigint, ?::text
                    FROM slot RETURNING id, seq, client_msg_id),
                cursor AS (
                    UPDATE conversation_members m SET read_seq = entry.seq,
                           delivered_seq = GREATEST(m.delivered_seq, entry.seq), updated_at = ?::bigint
                    FROM entry WHERE ? AND m.conversation_id = ? AND m.user_id = ? AND m.read_seq < entry.seq)
                SELECT slot.last_seq, slot.member_seq, slot.member_count, entry.id, entry.client_msg_id FROM slot, entry""",
                rs -> new Appended(new Conversations.Slot(rs.getLong(1), rs.getLong(2), rs.getLong(3)), rs.getLong(4), rs.getString(5)),
                e.membershipChange(), activity, now, now, e.conversationId(),
                e.senderId(), e.clientMsgId(), e.body(), now, e.kind(), e.replyTo(), e.targetId(), data,
                now, senderRead, e.conversationId(), e.senderId())
                .orElseThrow(() -> new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND));
    }
}
