package dev.parley.conversation;

import dev.parley.account.Caller;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.platform.Db;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Read and delivered cursors. Reading tells the user's other devices ({@code read} push); a cursor that moved is
 * shown to the other members as a {@code receipt}: the peer of a direct conversation, the other members of a group
 * up to {@code receipts-group-size}.
 */
@Component
public class ReadMarks {
    /** {@code mentionCount} only when above 0. */
    public record ReadMark(long conversationId, long readSeq, long unread, Long mentionCount) {}

    public record Receipt(long conversationId, long userId, long readSeq, long deliveredSeq) {}

    private record Moved(ReadMark mark, Receipt receipt, Membership membership) {}

    private final Db db;
    private final Conversations conversations;
    private final Recipients recipients;
    private final Delivery delivery;
    private final Clock clock;
    private final int receiptsGroupSize;

    public ReadMarks(Db db, Conversations conversations, Recipients recipients, Delivery delivery, Clock clock, ParleyProperties props) {
        this.db = db;
        this.conversations = conversations;
        this.recipients = recipients;
        this.delivery = delivery;
        this.clock = clock;
        this.receiptsGroupSize = props.limits().receiptsGroupSize();
    }

    /** {@code origin}: the connection that asked (it gets the reply instead of a push), or null. */
    public ReadMark markRead(Caller caller, long conversationId, Long seq, Connection origin) {
        if (seq == null || seq < 0) throw ParleyException.invalid("Field 'seq' must be a sequence number (0 or more).");
        Moved moved = db.write(tx -> {
            Membership m = conversations.requireAny(tx, conversationId, caller.userId());
            lockDirect(tx, m);
            long target = Math.min(seq, m.visibleLast());
            long now = clock.millis();
            conversations.moveReadCursor(tx, conversationId, caller.userId(), target, now);
            Cursors c = cursors(tx, conversationId, caller.userId());
            boolean changed = c.read() > m.readSeq() || c.delivered() > m.deliveredSeq();
            if (changed) stampDirect(tx, m, now);
            long from = Math.max(c.read(), m.clearedSeq());
            long unread = conversations.unread(tx, conversationId, caller.userId(), from, m.visibleLast());
            long mentions = unread == 0 ? 0 : conversations.mentionCount(tx, conversationId, caller.userId(), from, m.visibleLast());
            ReadMark mark = new ReadMark(conversationId, c.read(), unread, mentions > 0 ? mentions : null);
            return new Moved(mark, changed ? new Receipt(conversationId, caller.userId(), c.read(), c.delivered()) : null, m);
        });
        delivery.toUsersExcept(List.of(caller.userId()), new Push("read", moved.mark()), origin);
        pushReceipt(moved);
        return moved.mark();
    }

    /** Moves the caller's delivered cursor (never back, never past what they may see). */
    public void markDelivered(Caller caller, long conversationId, Long seq) {
        if (seq == null || seq < 0) throw ParleyException.invalid("Field 'seq' must be a sequence number (0 or more).");
        Moved moved = db.write(tx -> {
            Membership m = conversations.requireAny(tx, conversationId, caller.userId());
            lockDirect(tx, m);
            long target = Math.min(seq, m.visibleLast());
            long now = clock.millis();
            if (!conversations.moveDeliveredCursor(tx, conversationId, caller.userId(), target, now)) return new Moved(null, null, m);
            stampDirect(tx, m, now);
            return new Moved(null, new Receipt(conversationId, caller.userId(), m.readSeq(), target), m);
        });
        pushReceipt(moved);
    }

    private record Cursors(long read, long delivered) {}

    private static Cursors cursors(Tx tx, long conversationId, long userId) throws SQLException {
        return tx.queryOne("SELECT read_seq, delivered_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                rs -> new Cursors(rs.getLong(1), rs.getLong(2)), conversationId, userId).orElseThrow();
    }

    /**
     * A direct conversation's row is stamped when a cursor moves (below); take its lock before the member row's, in
     * the order every sender takes them (conversation, then member), so that the two cannot deadlock (PostgreSQL).
     */
    private void lockDirect(Tx tx, Membership m) throws SQLException {
        if (Conversations.DIRECT.equals(m.kind())) conversations.lock(tx, m.conversationId());
    }

    /** A direct conversation's peer sees the cursors in its summary: mark the conversation changed for their sync. */
    private static void stampDirect(Tx tx, Membership m, long now) throws SQLException {
        if (Conversations.DIRECT.equals(m.kind())) tx.update("UPDATE conversations SET updated_at = ? WHERE id = ?", now, m.conversationId());
    }

    private void pushReceipt(Moved moved) {
        Receipt r = moved.receipt();
        Membership m = moved.membership();
        if (r == null || !m.active()) return;
        List<Long> to;
        if (m.peerId() != null) {
            to = List.of(m.peerId());
        } else if (m.isGroup() && m.memberCount() <= receiptsGroupSize) {
            to = new ArrayList<>(recipients.current(m.conversationId(), m.memberSeq()));
            to.remove(Long.valueOf(m.userId()));
        } else {
            return;
        }
        delivery.toUsers(to, new Push("receipt", r));
    }
}
