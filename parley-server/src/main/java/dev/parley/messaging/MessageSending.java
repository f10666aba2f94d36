package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.delivery.SequencedPushes;
import dev.parley.friend.Relationships;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.Tx;
import dev.parley.platform.UniqueViolation;
import java.sql.SQLException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Sends a text message: checks, stores it with the conversation's next sequence number in one transaction, then
 * acknowledges and pushes it to every online device of every member (except the sending connection, which has the
 * ack). {@code (sender, clientMsgId)} is unique: a retry gets the original ack and stores nothing.
 */
@Component
public class MessageSending {
    public static final int MAX_CLIENT_MSG_ID = 64;

    /** Exactly one of {@code conversationId} and {@code to} (a user id: the direct conversation with them). */
    public record SendRequest(Long conversationId, Long to, String clientMsgId, String text) {}

    private record Stored(SendAck ack, MessageView message, List<Long> members, SequencedPushes.Ticket ticket) {}

    private final Db db;
    private final Conversations conversations;
    private final Relationships relationships;
    private final Delivery delivery;
    private final SequencedPushes order;
    private final Clock clock;
    private final int maxTextChars;

    public MessageSending(Db db, Conversations conversations, Relationships relationships, Delivery delivery,
                          SequencedPushes order, Clock clock, ParleyProperties props) {
        this.db = db;
        this.conversations = conversations;
        this.relationships = relationships;
        this.delivery = delivery;
        this.order = order;
        this.clock = clock;
        this.maxTextChars = props.limits().maxTextChars();
    }

    public SendAck send(Caller caller, SendRequest r, Connection origin) {
        String clientMsgId = Fields.bounded("clientMsgId", r.clientMsgId(), MAX_CLIENT_MSG_ID);
        if (clientMsgId.isEmpty()) throw ParleyException.invalid("Field 'clientMsgId' may not be empty.");
        String text = Fields.required("text", r.text());
        if (text.isBlank()) throw new ParleyException(ErrorCode.EMPTY_MESSAGE);
        if (text.length() > maxTextChars && text.codePointCount(0, text.length()) > maxTextChars) {
            throw new ParleyException(ErrorCode.TEXT_TOO_LONG, "The message text is longer than " + maxTextChars + " characters.");
        }
        if ((r.conversationId() == null) == (r.to() == null)) {
            throw ParleyException.invalid("Give exactly one of 'conversationId' and 'to'.");
        }
        long me = caller.userId();
        SequencedPushes.Ticket[] reserved = new SequencedPushes.Ticket[1];
        Stored stored;
        try {
            stored = db.write(tx -> {
                Optional<SendAck> earlier = findEarlier(tx, me, clientMsgId);
                if (earlier.isPresent()) return new Stored(earlier.get(), null, List.of(), null);
                long now = clock.millis();
                Target target = resolveConversation(tx, me, r, now);
                long conversationId = target.conversationId();
                long seq = conversations.nextSeq(tx, conversationId, now);
                long id = tx.updateReturningLong("""
                        INSERT INTO messages (conversation_id, seq, sender_id, client_msg_id, body, created_at)
                        VALUES (?, ?, ?, ?, ?, ?) RETURNING id""", conversationId, seq, me, clientMsgId, text, now);
                conversations.moveReadCursor(tx, conversationId, me, seq, now); // sending means having read up to here
                List<Long> members = target.members();
                reserved[0] = order.reserve(conversationId, seq); // last: nothing after this can throw
                return new Stored(new SendAck(clientMsgId, conversationId, id, seq, now, false),
                        new MessageView(id, conversationId, seq, me, clientMsgId, text, now), members, reserved[0]);
            });
        } catch (UniqueViolation race) {
            // A concurrent retry with the same clientMsgId committed first (PostgreSQL): answer with its ack.
            if (reserved[0] != null) reserved[0].cancel();
            return db.read(tx -> findEarlier(tx, me, clientMsgId)).orElseThrow(() -> race);
        } catch (RuntimeException e) {
            if (reserved[0] != null) reserved[0].cancel();
            throw e;
        }
        if (stored.ticket() == null) return stored.ack();
        Push push = new Push("message", stored.message());
        stored.ticket().publish(() -> delivery.toUsersExcept(stored.members(), push, origin));
        return stored.ack();
    }

    /** The conversation a send goes to, and its members (known without a query for a direct conversation). */
    private record Target(long conversationId, List<Long> members) {}

    private Target resolveConversation(Tx tx, long me, SendRequest r, long now) throws SQLException {
        if (r.to() != null) {
            long peer = r.to();
            if (peer == me) throw ParleyException.invalid("You cannot message yourself.");
            if (!relationships.mayMessage(tx, me, peer)) throw new ParleyException(ErrorCode.NOT_FRIENDS);
            return new Target(conversations.openDirect(tx, me, peer, now), List.of(me, peer));
        }
        Membership m = conversations.membership(tx, r.conversationId(), me)
                .orElseThrow(() -> new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND));
        if (Conversations.DIRECT.equals(m.kind())) {
            if (m.peerId() == null || !relationships.mayMessage(tx, me, m.peerId())) throw new ParleyException(ErrorCode.NOT_FRIENDS);
            return new Target(m.conversationId(), List.of(me, m.peerId()));
        }
        return new Target(m.conversationId(), conversations.memberIds(tx, m.conversationId()));
    }

    private static Optional<SendAck> findEarlier(Tx tx, long sender, String clientMsgId) throws SQLException {
        return tx.queryOne("SELECT conversation_id, id, seq, created_at FROM messages WHERE sender_id = ? AND client_msg_id = ?",
                rs -> new SendAck(clientMsgId, rs.getLong(1), rs.getLong(2), rs.getLong(3), rs.getLong(4), true),
                sender, clientMsgId);
    }
}
