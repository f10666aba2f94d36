package dev.parley.messaging;

import java.util.List;
import tools.jackson.databind.JsonNode;

/**
 * One entry of a conversation as clients see it, in history and in {@code message} pushes (docs/adr/0005). A
 * message shows its current state (edited text, recalled, reactions). Fields that do not apply are null, which
 * leaves them out of the JSON; booleans are null unless true.
 */
public record EntryView(
        long id,
        long conversationId,
        long seq,
        long senderId,
        String clientMsgId,
        String kind,
        String text,
        long sentAt,
        Quote replyTo,
        Boolean forwarded,
        List<Long> mentions,
        Boolean mentionsAll,
        JsonNode attachments,
        Long editedAt,
        Boolean recalled,
        Long recalledBy,
        List<Reaction> reactions,
        Long targetId,
        Long targetSeq,
        String emoji,
        Boolean removed,
        JsonNode system) {

    public static final String TEXT = "text";
    public static final String MEDIA = "media";
    public static final String SYSTEM = "system";
    public static final String EDIT = "edit";
    public static final String RECALL = "recall";
    public static final String REACTION = "reaction";

    /** The message a reply quotes: its current text clipped to 200 code points, none once recalled. */
    public record Quote(long id, long seq, long senderId, String kind, String text, Boolean recalled) {}

    /** One emoji on a message and who reacted with it, in order of first use. */
    public record Reaction(String emoji, List<Long> userIds) {}

    EntryView withReplyAndReactions(Quote quote, List<Reaction> rs) {
        return new EntryView(id, conversationId, seq, senderId, clientMsgId, kind, text, sentAt, quote, forwarded, mentions,
                mentionsAll, attachments, editedAt, recalled, recalledBy, rs, targetId, targetSeq, emoji, removed, system);
    }
}
