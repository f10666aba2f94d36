package dev.parley.messaging.internal;

import dev.parley.account.Caller;
import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Who has read a message: the current members other than its sender whose read cursor reached it. The names are
 * given for direct conversations and groups up to {@code receipts-group-size}; above, only the counts.
 */
@Component
class MessageReaders {
    /** {@code memberCount}: the current members other than the sender; {@code readers} absent for large groups. */
    record Readers(long readCount, long memberCount, List<UserSummary> readers) {}

    private final Db db;
    private final Conversations conversations;
    private final UserDirectory users;
    private final int maxGroup;

    MessageReaders(Db db, Conversations conversations, UserDirectory users, ParleyProperties props) {
        this.db = db;
        this.conversations = conversations;
        this.users = users;
        this.maxGroup = props.limits().receiptsGroupSize();
    }

    Readers readers(Caller caller, long conversationId, long messageId) {
        return db.read(tx -> {
            Membership m = conversations.requireAny(tx, conversationId, caller.userId());
            record Msg(long seq, long senderId, String kind) {}
            Msg msg = tx.queryOne("SELECT seq, sender_id, kind FROM messages WHERE id = ? AND conversation_id = ?",
                            rs -> new Msg(rs.getLong(1), rs.getLong(2), rs.getString(3)), messageId, conversationId)
                    .filter(x -> ("text".equals(x.kind()) || "media".equals(x.kind())) && m.sees(x.seq()))
                    .orElseThrow(() -> new ParleyException(ErrorCode.MESSAGE_NOT_FOUND));
            long members = tx.queryLong("SELECT COUNT(*) FROM conversation_members WHERE conversation_id = ? AND left_seq IS NULL AND user_id <> ?",
                    conversationId, msg.senderId());
            long read = tx.queryLong("""
                    SELECT COUNT(*) FROM conversation_members WHERE conversation_id = ? AND left_seq IS NULL AND user_id <> ? AND read_seq >= ?""",
                    conversationId, msg.senderId(), msg.seq());
            List<UserSummary> names = null;
            if (!m.isGroup() || m.memberCount() <= maxGroup) {
                List<Long> ids = tx.query("""
                        SELECT user_id FROM conversation_members WHERE conversation_id = ? AND left_seq IS NULL AND user_id <> ? AND read_seq >= ?
                        ORDER BY user_id""", rs -> rs.getLong(1), conversationId, msg.senderId(), msg.seq());
                names = List.copyOf(users.findAll(tx, ids).values());
            }
            return new Readers(read, members, names);
        });
    }
}
