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
import java.util.Map;
import java.util.Objects;
import org.springframework.stereotype.Component;

/**
 * Who has read a message: the members other than its sender who were present when it was sent (their current
 * membership started at or before its seq) and whose read cursor reached it. Only current members may ask: a former
 * member gets {@code not_member}, since the answer is about today's members. The names, ordered by user id, are given
 * for direct conversations and groups up to {@code receipts-group-size}; above, only the counts.
 */
@Component
class MessageReaders {
    /** {@code memberCount}: the members other than the sender present since the message; {@code readers} absent for large groups. */
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
            Membership m = conversations.requireActive(tx, conversationId, caller.userId());
            record Msg(long seq, long senderId, String kind) {}
            Msg msg = tx.queryOne("SELECT seq, sender_id, kind FROM messages WHERE id = ? AND conversation_id = ?",
                            rs -> new Msg(rs.getLong(1), rs.getLong(2), rs.getString(3)), messageId, conversationId)
                    .filter(x -> ("text".equals(x.kind()) || "media".equals(x.kind())) && m.sees(x.seq()))
                    .orElseThrow(() -> new ParleyException(ErrorCode.MESSAGE_NOT_FOUND));
            String present = "conversation_id = ? AND left_seq IS NULL AND joined_seq <= ? AND user_id <> ?";
            long members = tx.queryLong("SELECT COUNT(*) FROM conversation_members WHERE " + present,
                    conversationId, msg.seq(), msg.senderId());
            long read = tx.queryLong("SELECT COUNT(*) FROM conversation_members WHERE " + present + " AND read_seq >= ?",
                    conversationId, msg.seq(), msg.senderId(), msg.seq());
            List<UserSummary> names = null;
            if (!m.isGroup() || m.memberCount() <= maxGroup) {
                List<Long> ids = tx.query("SELECT user_id FROM conversation_members WHERE " + present + " AND read_seq >= ? ORDER BY user_id",
                        rs -> rs.getLong(1), conversationId, msg.seq(), msg.senderId(), msg.seq());
                // The directory answers in whatever order the database finds the rows (PostgreSQL: not by id).
                Map<Long, UserSummary> found = users.findAll(tx, ids);
                names = ids.stream().map(found::get).filter(Objects::nonNull).toList();
            }
            return new Readers(read, members, names);
        });
    }
}
