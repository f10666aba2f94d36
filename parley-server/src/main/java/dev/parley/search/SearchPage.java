package dev.parley.search;

import dev.parley.conversation.ConversationSummary;
import dev.parley.messaging.EntryView;
import java.util.List;

/**
 * One page of search results, newest first; {@code next} (absent on the last page) is the opaque cursor of the
 * page after this one. A page may hold fewer than the limit while {@code next} is present (see ResultViews).
 */
public record SearchPage(List<Result> results, String next) {

    /**
     * A message that matched, the conversation it is in (as the caller sees it), and up to two visible entries
     * before and after it (text, media and system entries, oldest first) for context. A client jumps to the
     * message by loading history around {@code message.seq} of {@code message.conversationId}.
     */
    public record Result(EntryView message, ConversationSummary conversation, List<EntryView> before, List<EntryView> after) {}
}
