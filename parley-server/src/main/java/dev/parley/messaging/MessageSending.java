package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.delivery.Connection;
import dev.parley.friend.Relationships;
import dev.parley.media.MediaAttachments;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.RateLimits;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.Tx;
import dev.parley.platform.UniqueViolation;
import dev.parley.platform.VisibleText;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Sends a message: checks, stores it with the conversation's next sequence number in one transaction, then
 * acknowledges and pushes it to every online device of every member (except the sending connection, which has the
 * ack). {@code (sender, clientMsgId)} is unique: a retry gets the original ack and stores nothing.
 */
@Component
public class MessageSending {
    public static final int MAX_CLIENT_MSG_ID = 64;
    public static final int MAX_MENTIONS = 200;
    public static final int MAX_ATTACHMENTS = 10;

    /**
     * Exactly one of {@code conversationId} and {@code to} (a user id: the direct conversation with them).
     * {@code text} may be absent when {@code attachments} or {@code forwardOf} is given.
     */
    public record SendRequest(Long conversationId, Long to, String clientMsgId, String text, Long replyTo, List<Long> mentions,
                              Boolean mentionsAll, Long forwardOf, List<String> attachments) {
        public SendRequest(Long conversationId, Long to, String clientMsgId, String text) {
            this(conversationId, to, clientMsgId, text, null, null, null, null, null);
        }
    }

    private final Db db;
    private final RateLimits rateLimits;
    private final EntryWriter writer;
    private final DirectSendBatches batches;
    private final EntryViews views;
    private final Conversations conversations;
    private final Relationships relationships;
    private final MediaAttachments media;
    private final JsonMapper json;
    private final Clock clock;
    private final int maxTextChars;

    public MessageSending(Db db, EntryWriter writer, DirectSendBatches batches, EntryViews views, Conversations conversations, Relationships relationships,
                          MediaAttachments media, JsonMapper json, Clock clock, ParleyProperties props, RateLimits rateLimits) {
        this.rateLimits = rateLimits;
        this.db = db;
        this.writer = writer;
        this.batches = batches;
        this.views = views;
        this.conversations = conversations;
        this.relationships = relationships;
        this.media = media;
        this.json = json;
        this.clock = clock;
        this.maxTextChars = props.limits().maxTextChars();
    }

    public SendAck send(Caller caller, SendRequest r, Connection origin) {
        rateLimits.check(RateLimits.Action.SENDS, caller.userId());
        String clientMsgId = clientMsgId(r.clientMsgId());
        List<String> attachments = r.attachments() == null ? List.of() : r.attachments();
        if (attachments.size() > MAX_ATTACHMENTS) throw ParleyException.invalid("At most " + MAX_ATTACHMENTS + " attachments.");
        if (r.forwardOf() != null && (r.text() != null || !attachments.isEmpty())) {
            throw ParleyException.invalid("A forward copies the original: give neither 'text' nor 'attachments' with 'forwardOf'.");
        }
        String text = r.forwardOf() != null ? null
                : attachments.isEmpty() ? messageText(r.text()) : caption(r.text());
        if ((r.conversationId() == null) == (r.to() == null)) {
            throw ParleyException.invalid("Give exactly one of 'conversationId' and 'to'.");
        }
        List<Long> mentions = r.mentions() == null ? List.of() : List.copyOf(new LinkedHashSet<>(r.mentions()));
        if (mentions.size() > MAX_MENTIONS) throw ParleyException.invalid("At most " + MAX_MENTIONS + " mentions.");
        boolean mentionsAll = Boolean.TRUE.equals(r.mentionsAll());
        long me = caller.userId();
        if (r.conversationId() != null && batches.accepts(r.conversationId()) && r.replyTo() == null && mentions.isEmpty() && !mentionsAll
                && r.forwardOf() == null && attachments.isEmpty()) {
            // PostgreSQL's group commit for the plain direct send; null when it did not store it (see DirectSendBatches).
            SendAck ack = batches.send(me, r.conversationId(), clientMsgId, text, origin);
            if (ack != null) return ack;
        }
        // The unique key (sender_id, client_msg_id) finds a retried send, and only then is it looked up: one round
        // trip less per send on PostgreSQL, and on SQLite one query less in the single writer, 8 % of its time
        // (ADR 0014). A write that fails is told after its batch commits, so the lookup sees the row it collided with.
        try {
            return writer.write(origin, (tx, out) -> {
                long now = clock.millis();
                Target target = resolveConversation(tx, me, r, now);
                long conversationId = target.conversationId();
                if (mentionsAll && (target.membership() == null || !target.membership().isGroup() || !target.membership().isAdmin())) {
                    throw new ParleyException(ErrorCode.FORBIDDEN, "Only a group's admins and owner may mention everyone.");
                }
                checkMentions(tx, target, mentions);
                EntryView.Quote quote = r.replyTo() == null ? null : quote(tx, target, r.replyTo());
                ObjectNode data = json.createObjectNode();
                String kind = EntryView.TEXT;
                String body = text;
                List<String> mediaIds = List.of();
                if (r.forwardOf() != null) {
                    EntryViews.Stored original = forwardable(tx, me, r.forwardOf());
                    kind = original.kind();
                    body = original.body();
                    data.put("forwarded", true);
                    if (original.data().has("attachments")) {
                        data.set("attachments", original.data().get("attachments"));
                        mediaIds = new ArrayList<>();
                        for (JsonNode a : original.data().get("attachments")) mediaIds.add(a.get("id").asString());
                    }
                } else if (!attachments.isEmpty()) {
                    kind = EntryView.MEDIA;
                    data.set("attachments", json.valueToTree(media.views(tx, me, attachments)));
                    mediaIds = attachments;
                }
                if (!mentions.isEmpty()) data.set("mentions", json.valueToTree(mentions));
                if (mentionsAll) data.put("mentionsAll", true);
                List<Long> mentioned = new ArrayList<>(mentions);
                // A member who blocks the sender is not counted as mentioned (no mention badge, no count): the
                // message itself stays the same for everyone, so the sender cannot tell (ADR 0004).
                if (!mentions.isEmpty()) mentioned.removeAll(relationships.blockersAmong(tx, me, mentions));
                if (mentionsAll) mentioned.add(0L);
                // Sending means having read up to here: the sender's read cursor moves with the append.
                EntryView view = writer.append(tx, out, new EntryWriter.NewEntry(conversationId, me, clientMsgId, kind,
                        body == null ? "" : body, r.replyTo(), null, data, mentioned, false), target.members(), quote, now, true);
                // The members of this conversation may now fetch the media (a forward carries the original's to them too).
                if (!mediaIds.isEmpty()) media.record(tx, conversationId, view.id(), view.seq(), mediaIds);
                return new SendAck(clientMsgId, conversationId, view.id(), view.seq(), now, false);
            });
        } catch (UniqueViolation retry) {
            // A retry of a stored message, or a concurrent retry that committed first: answer with its ack.
            return db.read(tx -> findEarlier(tx, me, clientMsgId)).orElseThrow(() -> retry);
        } catch (ParleyException refused) {
            // A retry of a message stored before gets its ack even if a send would be refused now (removed from
            // the group since, say).
            return db.read(tx -> findEarlier(tx, me, clientMsgId)).orElseThrow(() -> refused);
        }
    }

    /** 1 to 64 code points; no control characters (entries that are not messages use one to mark their ids). */
    private static String clientMsgId(String raw) {
        String id = Fields.bounded("clientMsgId", raw, MAX_CLIENT_MSG_ID);
        if (id.isEmpty()) throw ParleyException.invalid("Field 'clientMsgId' may not be empty.");
        for (int i = 0; i < id.length(); i++) {
            if (id.charAt(i) < 0x20) throw ParleyException.invalid("Field 'clientMsgId' may not contain control characters.");
        }
        return id;
    }

    /** Message text: required, showing something (not only blank or invisible characters), at most max-text-chars code points. */
    String messageText(String raw) {
        String text = Fields.required("text", raw);
        if (!VisibleText.showsSomething(text)) throw new ParleyException(ErrorCode.EMPTY_MESSAGE);
        return limit(text);
    }

    private String caption(String raw) {
        if (raw == null) return null;
        String text = Fields.checkText("text", raw);
        return VisibleText.showsSomething(text) ? limit(text) : null;
    }

    private String limit(String text) {
        if (text.length() > maxTextChars && text.codePointCount(0, text.length()) > maxTextChars) {
            throw new ParleyException(ErrorCode.TEXT_TOO_LONG, "The message text is longer than " + maxTextChars + " characters.");
        }
        return text;
    }

    /** The conversation a send goes to, the sender's membership (null for a direct send by {@code to}), and its recipients when known. */
    private record Target(long conversationId, Membership membership, List<Long> members) {}

    private Target resolveConversation(Tx tx, long me, SendRequest r, long now) throws SQLException {
        if (r.to() != null) {
            long peer = r.to();
            if (peer == me) throw ParleyException.invalid("You cannot message yourself.");
            if (!relationships.mayMessage(tx, me, peer)) throw new ParleyException(ErrorCode.NOT_FRIENDS);
            long id = conversations.openDirect(tx, me, peer, now);
            // The membership is read only when a reply or mentions need it: a plain direct send stays lean.
            Membership m = r.replyTo() != null || r.mentions() != null || Boolean.TRUE.equals(r.mentionsAll())
                    ? conversations.requireActive(tx, id, me) : null;
            return new Target(id, m, List.of(me, peer));
        }
        Membership m = conversations.requireActive(tx, r.conversationId(), me);
        if (m.isGroup()) {
            batches.group(m.conversationId());
            // Read again under the group's lock: a removal or mute committed meanwhile must hold for this message.
            conversations.lock(tx, m.conversationId());
            m = conversations.requireActive(tx, r.conversationId(), me);
        }
        if (Conversations.DIRECT.equals(m.kind())) {
            if (m.peerId() == null || !relationships.mayMessage(tx, me, m.peerId())) throw new ParleyException(ErrorCode.NOT_FRIENDS);
            return new Target(m.conversationId(), m, List.of(me, m.peerId()));
        }
        checkNotMuted(m, now);
        return new Target(m.conversationId(), m, null);
    }

    /** A muted member may not send; while the whole group is muted, only admins and the owner may. */
    static void checkNotMuted(Membership m, long now) {
        if (!m.isGroup()) return;
        if (m.mutedAt(now)) throw new ParleyException(ErrorCode.MEMBER_MUTED);
        if (m.allMuted() && !m.isAdmin()) throw new ParleyException(ErrorCode.GROUP_MUTED);
    }

    private void checkMentions(Tx tx, Target target, List<Long> mentions) throws SQLException {
        if (mentions.isEmpty()) return;
        long found;
        if (target.members() != null) {
            found = mentions.stream().filter(target.members()::contains).count();
        } else {
            found = 0;
            for (int from = 0; from < mentions.size(); from += 500) {
                List<Long> chunk = mentions.subList(from, Math.min(mentions.size(), from + 500));
                Object[] params = new Object[chunk.size() + 1];
                params[0] = target.conversationId();
                for (int i = 0; i < chunk.size(); i++) params[i + 1] = chunk.get(i);
                found += tx.queryLong("SELECT COUNT(*) FROM conversation_members WHERE conversation_id = ? AND left_seq IS NULL AND user_id IN ("
                        + Tx.marks(chunk.size()) + ")", params);
            }
        }
        if (found != mentions.size()) throw new ParleyException(ErrorCode.INVALID_MENTION);
    }

    /** The quote of the message a reply answers: a message of the same conversation that the sender can see. */
    private EntryView.Quote quote(Tx tx, Target target, long replyTo) throws SQLException {
        EntryViews.Stored s = views.find(tx, replyTo)
                .filter(x -> x.conversationId() == target.conversationId() && x.isMessage() && target.membership().sees(x.seq()))
                .orElseThrow(() -> new ParleyException(ErrorCode.MESSAGE_NOT_FOUND));
        if (s.recalled()) throw new ParleyException(ErrorCode.MESSAGE_RECALLED);
        return new EntryView.Quote(s.id(), s.seq(), s.senderId(), s.kind(),
                s.body().isEmpty() ? null : EntryViews.clip(s.body(), EntryViews.QUOTE_CHARS), null);
    }

    /** A message the sender can see, in any of their conversations. */
    private EntryViews.Stored forwardable(Tx tx, long me, long messageId) throws SQLException {
        EntryViews.Stored s = views.find(tx, messageId).filter(EntryViews.Stored::isMessage)
                .orElseThrow(() -> new ParleyException(ErrorCode.MESSAGE_NOT_FOUND));
        conversations.membership(tx, s.conversationId(), me).filter(x -> x.sees(s.seq()))
                .orElseThrow(() -> new ParleyException(ErrorCode.MESSAGE_NOT_FOUND));
        if (s.recalled()) throw new ParleyException(ErrorCode.MESSAGE_RECALLED);
        return s;
    }

    private static Optional<SendAck> findEarlier(Tx tx, long sender, String clientMsgId) throws SQLException {
        return tx.queryOne("SELECT conversation_id, id, seq, created_at FROM messages WHERE sender_id = ? AND client_msg_id = ?",
                rs -> new SendAck(clientMsgId, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), true),
                sender, clientMsgId);
    }
}
