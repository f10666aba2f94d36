package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.delivery.Connection;
import dev.parley.friend.Relationships;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import java.time.Clock;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Adds or takes back an emoji reaction. The reactions table holds the current ones; each change is a
 * {@code reaction} entry. A change that changes nothing (adding one the user has, removing one they do not) stores
 * nothing and answers without an entry.
 */
@Component
public class Reacting {
    public static final int MAX_EMOJI_CHARS = 16;
    /** Distinct reactions one user may put on one message. */
    public static final int MAX_PER_USER = 20;

    private final EntryWriter writer;
    private final EntryViews views;
    private final Conversations conversations;
    private final Relationships relationships;
    private final JsonMapper json;
    private final Clock clock;

    public Reacting(EntryWriter writer, EntryViews views, Conversations conversations, Relationships relationships, JsonMapper json,
                    Clock clock) {
        this.writer = writer;
        this.views = views;
        this.conversations = conversations;
        this.relationships = relationships;
        this.json = json;
        this.clock = clock;
    }

    /** The ack of the {@code reaction} entry, or empty when nothing changed. */
    public Optional<SendAck> react(Caller caller, long conversationId, long messageId, String rawEmoji, boolean remove, Connection origin) {
        String emoji = Fields.bounded("emoji", rawEmoji, MAX_EMOJI_CHARS);
        if (emoji.isBlank()) throw ParleyException.invalid("Field 'emoji' may not be blank.");
        long me = caller.userId();
        return writer.write(origin, (tx, out) -> {
            conversations.lock(tx, conversationId);
            Membership m = conversations.requireActive(tx, conversationId, me);
            ChangeChecks.mayWrite(tx, relationships, m);
            EntryViews.Stored target = ChangeChecks.message(tx, views, m, messageId);
            if (target.recalled()) throw new ParleyException(ErrorCode.MESSAGE_RECALLED);
            long now = clock.millis();
            if (remove) {
                int n = tx.update("DELETE FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?", target.id(), me, emoji);
                if (n == 0) return Optional.<SendAck>empty();
            } else {
                if (tx.exists("SELECT 1 FROM reactions WHERE message_id = ? AND user_id = ? AND emoji = ?", target.id(), me, emoji)) {
                    return Optional.<SendAck>empty();
                }
                if (tx.queryLong("SELECT COUNT(*) FROM reactions WHERE message_id = ? AND user_id = ?", target.id(), me) >= MAX_PER_USER) {
                    throw ParleyException.invalid("At most " + MAX_PER_USER + " different reactions per message.");
                }
            }
            ObjectNode data = json.createObjectNode().put("targetSeq", target.seq()).put("emoji", emoji);
            if (remove) data.put("removed", true);
            EntryView entry = writer.append(tx, out, new EntryWriter.NewEntry(conversationId, me, null, EntryView.REACTION, "", null,
                    target.id(), data, List.of(), false), ChangeChecks.knownMembers(m), null, now);
            if (!remove) {
                tx.update("INSERT INTO reactions (message_id, user_id, emoji, created_at, entry_seq) VALUES (?, ?, ?, ?, ?)",
                        target.id(), me, emoji, now, entry.seq());
            }
            return Optional.of(new SendAck(null, conversationId, entry.id(), entry.seq(), now, false));
        });
    }
}
