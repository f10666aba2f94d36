package dev.parley.conversation;

import dev.parley.account.Caller;
import dev.parley.events.AccountEvents;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Per-user settings of a conversation (pin, mute notifications, archive) and "delete for me". Each change is an
 * account event {@code conversation_settings}, so the user's other devices learn it live and through sync.
 */
@Component
public class ConversationSettings {
    public record Settings(long conversationId, boolean pinned, boolean muted, boolean archived, long clearedSeq) {}

    public static final String EVENT = "conversation_settings";

    private final Db db;
    private final Conversations conversations;
    private final AccountEvents events;
    private final Clock clock;

    public ConversationSettings(Db db, Conversations conversations, AccountEvents events, Clock clock) {
        this.db = db;
        this.conversations = conversations;
        this.events = events;
        this.clock = clock;
    }

    /** Changes the given settings (null: unchanged). Allowed to current and former members. */
    public Settings change(Caller caller, long conversationId, Boolean pinned, Boolean muted, Boolean archived) {
        List<AccountEvents.Pending> out = new ArrayList<>();
        Settings s = db.write(tx -> {
            conversations.requireAny(tx, conversationId, caller.userId());
            tx.update("""
                    UPDATE conversation_members SET pinned = COALESCE(?, pinned), muted = COALESCE(?, muted),
                           archived = COALESCE(?, archived), updated_at = ?
                    WHERE conversation_id = ? AND user_id = ?""",
                    pinned, muted, archived, clock.millis(), conversationId, caller.userId());
            Settings now = read(tx, conversationId, caller.userId());
            out.add(events.append(tx, caller.userId(), EVENT, now));
            return now;
        });
        events.publish(out);
        return s;
    }

    /**
     * Delete for me: hides everything up to the last entry the caller may see, and reads it. The conversation leaves
     * their list until a new entry arrives.
     */
    public Settings clear(Caller caller, long conversationId) {
        List<AccountEvents.Pending> out = new ArrayList<>();
        Settings s = db.write(tx -> {
            Membership m = conversations.requireAny(tx, conversationId, caller.userId());
            long last = m.visibleLast();
            long now = clock.millis();
            tx.update("UPDATE conversation_members SET cleared_seq = ?, updated_at = ? WHERE conversation_id = ? AND user_id = ? AND cleared_seq < ?",
                    last, now, conversationId, caller.userId(), last);
            conversations.moveReadCursor(tx, conversationId, caller.userId(), last, now);
            Settings after = read(tx, conversationId, caller.userId());
            out.add(events.append(tx, caller.userId(), EVENT, after));
            return after;
        });
        events.publish(out);
        return s;
    }

    private static Settings read(Tx tx, long conversationId, long userId) throws SQLException {
        return tx.queryOne("SELECT pinned, muted, archived, cleared_seq FROM conversation_members WHERE conversation_id = ? AND user_id = ?",
                rs -> new Settings(conversationId, rs.getBoolean(1), rs.getBoolean(2), rs.getBoolean(3), rs.getLong(4)),
                conversationId, userId).orElseThrow(() -> new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND));
    }
}
