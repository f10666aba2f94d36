package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.ConversationSummary;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.platform.Db;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.springframework.stereotype.Component;

/**
 * The conversation list: each conversation with its summary and last message (the last text, media or system entry
 * the user may see: edits and reactions change earlier messages and do not count), latest activity first.
 */
@Component
public class ConversationListing {
    public record Entry(ConversationSummary conversation, EntryView lastMessage) {}

    private final Db db;
    private final Conversations conversations;
    private final EntryViews views;

    public ConversationListing(Db db, Conversations conversations, EntryViews views) {
        this.db = db;
        this.conversations = conversations;
        this.views = views;
    }

    public List<Entry> list(Caller caller) {
        return db.read(tx -> {
            List<ConversationSummary> all = conversations.forUser(tx, caller.userId(), null);
            Map<Long, EntryView> last = new HashMap<>();
            // One indexed lookup per conversation on (conversation_id, seq); fine for a personal list.
            for (ConversationSummary c : all) {
                if (c.lastSeq() == 0) continue;
                long floor = c.clearedSeq() == null ? 0 : c.clearedSeq();
                Membership viewer = Boolean.TRUE.equals(c.left()) ? conversations.membership(tx, c.id(), caller.userId()).orElse(null) : null;
                views.query(tx, viewer, "conversation_id = ? AND seq <= ? AND seq > ? AND kind IN ('text', 'media', 'system') ORDER BY seq DESC LIMIT 1",
                        c.id(), c.lastSeq(), floor).stream().findFirst().ifPresent(m -> last.put(c.id(), m));
            }
            return all.stream().map(c -> new Entry(c, last.get(c.id()))).toList();
        });
    }
}
