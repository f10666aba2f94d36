package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.ConversationSummary;
import dev.parley.conversation.Conversations;
import dev.parley.platform.Db;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/** The conversation list: each conversation with its peer, last message and unread count, latest activity first. */
@Component
public class ConversationListing {
    public record Entry(ConversationSummary conversation, MessageView lastMessage) {}

    private final Db db;
    private final Conversations conversations;

    public ConversationListing(Db db, Conversations conversations) {
        this.db = db;
        this.conversations = conversations;
    }

    public List<Entry> list(Caller caller) {
        return db.read(tx -> {
            List<ConversationSummary> all = conversations.forUser(tx, caller.userId(), null);
            Map<Long, MessageView> last = new HashMap<>();
            // One indexed lookup per conversation on (conversation_id, seq); fine for a personal list.
            for (ConversationSummary c : all) {
                if (c.lastSeq() == 0) continue;
                tx.queryOne("SELECT " + MessageHistory.COLUMNS + " FROM messages WHERE conversation_id = ? AND seq = ?",
                        MessageHistory::map, c.id(), c.lastSeq()).ifPresent(m -> last.put(c.id(), m));
            }
            return all.stream().map(c -> new Entry(c, last.get(c.id()))).toList();
        });
    }
}
