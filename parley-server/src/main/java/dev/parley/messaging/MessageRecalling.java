package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.delivery.Connection;
import dev.parley.media.MediaAttachments;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.time.Clock;
import java.util.List;
import org.springframework.stereotype.Component;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * Recalls a message: the sender within {@code recall-window}, a group's admins and owner at any time. The text is
 * erased from storage: the message's body and the bodies of its edit entries, its mentions, attachment references
 * and reply link; its reactions go too. A {@code recall} entry tells every device, offline ones when they catch up.
 * (Forwards are copies and stay.)
 */
@Component
public class MessageRecalling {
    private final EntryWriter writer;
    private final EntryViews views;
    private final Conversations conversations;
    private final MediaAttachments media;
    private final JsonMapper json;
    private final Clock clock;
    private final long windowMillis;

    public MessageRecalling(EntryWriter writer, EntryViews views, Conversations conversations, MediaAttachments media, JsonMapper json,
                            Clock clock, ParleyProperties props) {
        this.writer = writer;
        this.views = views;
        this.conversations = conversations;
        this.media = media;
        this.json = json;
        this.clock = clock;
        this.windowMillis = props.limits().recallWindow().toMillis();
    }

    public SendAck recall(Caller caller, long conversationId, long messageId, Connection origin) {
        long me = caller.userId();
        return writer.write(origin, (tx, out) -> {
            conversations.lock(tx, conversationId);
            Membership m = conversations.requireActive(tx, conversationId, me);
            long now = clock.millis();
            EntryViews.Stored target = ChangeChecks.message(tx, views, m, messageId);
            if (target.recalled()) throw new ParleyException(ErrorCode.MESSAGE_RECALLED);
            boolean moderator = m.isGroup() && m.isAdmin();
            if (!moderator) {
                if (target.senderId() != me) throw new ParleyException(ErrorCode.NOT_AUTHOR, "You can only recall your own messages.");
                if (now - target.createdAt() > windowMillis) throw new ParleyException(ErrorCode.RECALL_WINDOW_PASSED);
            }
            ObjectNode data = json.createObjectNode().put("targetSeq", target.seq());
            EntryView entry = writer.append(tx, out, new EntryWriter.NewEntry(conversationId, me, null, EntryView.RECALL, "", null,
                    target.id(), data, List.of(), false), ChangeChecks.knownMembers(m), null, now);
            tx.update("UPDATE messages SET body = '', data = NULL, reply_to = NULL, recalled_at = ?, recalled_by = ? WHERE id = ?",
                    now, me, target.id());
            tx.update("UPDATE messages SET body = '' WHERE target_id = ? AND kind = 'edit'", target.id());
            tx.erasesContent(); // protocol.md: a recalled text is erased from storage, the database files included
            tx.update("DELETE FROM mentions WHERE message_id = ?", target.id());
            tx.update("DELETE FROM reactions WHERE message_id = ?", target.id());
            media.release(tx, target.id()); // its members may no longer fetch its media (the uploader still may)
            return new SendAck(null, conversationId, entry.id(), entry.seq(), now, false);
        });
    }
}
