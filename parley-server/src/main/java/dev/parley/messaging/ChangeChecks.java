package dev.parley.messaging;

import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.friend.Relationships;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.List;

/** Checks shared by the changes to earlier messages (edit, recall, reaction). */
final class ChangeChecks {
    private ChangeChecks() {}

    /** A message (text or media) of the member's conversation that they can see; else {@code message_not_found}. */
    static EntryViews.Stored message(Tx tx, EntryViews views, Membership m, long messageId) throws SQLException {
        return views.find(tx, messageId)
                .filter(s -> s.conversationId() == m.conversationId() && s.isMessage() && m.sees(s.seq()))
                .orElseThrow(() -> new ParleyException(ErrorCode.MESSAGE_NOT_FOUND));
    }

    /** In a direct conversation, the same rule as for sending: friends who do not block each other. */
    static void mayWrite(Tx tx, Relationships relationships, Membership m) throws SQLException {
        if (Conversations.DIRECT.equals(m.kind()) && (m.peerId() == null || !relationships.mayMessage(tx, m.userId(), m.peerId()))) {
            throw new ParleyException(ErrorCode.NOT_FRIENDS);
        }
    }

    /** Recipients known without a query: the two members of a direct conversation; null for a group. */
    static List<Long> knownMembers(Membership m) {
        return m.peerId() != null ? List.of(m.userId(), m.peerId()) : null;
    }
}
