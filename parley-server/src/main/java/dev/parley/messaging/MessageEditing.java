package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.delivery.Connection;
import dev.parley.friend.Relationships;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Edits one's own message: the message row takes the new text (history shows it edited), and an {@code edit} entry
 * with the new text tells devices holding the old copy.
 */
@Component
public class MessageEditing {
    private final EntryWriter writer;
    private final EntryViews views;
    private final Conversations conversations;
    private final Relationships relationships;
    private final MessageSending sending;
    private final JsonMapper json;
    private final Clock clock;

    public MessageEditing(EntryWriter writer, EntryViews views, Conversations conversations, Relationships relationships,
                          MessageSending sending, JsonMapper json, Clock clock) {
        this.writer = writer;
        this.views = views;
        this.conversations = conversations;
        this.relationships = relationships;
        this.sending = sending;
        this.json = json;
        this.clock = clock;
    }

    public SendAck edit(Caller caller, long conversationId, long messageId, String rawText, Connection origin) {
        String text = sending.messageText(rawText);
        long me = caller.userId();
        return writer.write(origin, (tx, out) -> {
            conversations.lock(tx, conversationId);
            Membership m = conversations.requireActive(tx, conversationId, me);
            long now = clock.millis();
            ChangeChecks.mayWrite(tx, relationships, m);
            MessageSending.checkNotMuted(m, now);
            EntryViews.Stored target = ChangeChecks.message(tx, views, m, messageId);
            if (target.senderId() != me) throw new ParleyException(ErrorCode.NOT_AUTHOR, "You can only edit your own messages.");
            if (target.recalled()) throw new ParleyException(ErrorCode.MESSAGE_RECALLED);
            ObjectNode data = json.createObjectNode().put("targetSeq", target.seq());
            EntryView entry = writer.append(tx, out, new EntryWriter.NewEntry(conversationId, me, null, EntryView.EDIT, text, null,
                    target.id(), data, List.of(), false), ChangeChecks.knownMembers(m), null, now);
            // The first edit keeps the original text: former members see the message as it was when they left.
            ObjectNode kept = target.data();
            if (target.editedAt() == null) kept.put("original", target.body());
            tx.update("UPDATE messages SET body = ?, edited_at = ?, data = ? WHERE id = ?", text, now, json.writeValueAsString(kept), target.id());
            return new SendAck(null, conversationId, entry.id(), entry.seq(), now, false);
        });
    }
}
