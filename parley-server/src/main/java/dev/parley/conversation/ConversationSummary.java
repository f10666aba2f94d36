package dev.parley.conversation;

import dev.parley.account.UserSummary;

/**
 * One conversation as one member sees it. {@code lastSeq}: the last entry they may see (frozen when they left).
 * {@code unread}: text and media entries of others after the read cursor (at most 999). Optional fields are null
 * (absent on the wire) unless they say something: {@code pinned}, {@code muted}, {@code archived}, {@code left}
 * only when true, {@code clearedSeq} and {@code mentionCount} only when above 0, {@code peer},
 * {@code peerReadSeq}, {@code peerDeliveredSeq} for direct conversations, {@code group} for groups.
 */
public record ConversationSummary(
        long id,
        String kind,
        UserSummary peer,
        GroupView group,
        long lastSeq,
        long readSeq,
        long unread,
        long lastActivityAt,
        Boolean pinned,
        Boolean muted,
        Boolean archived,
        Long clearedSeq,
        Long mentionCount,
        Boolean left,
        Long peerReadSeq,
        Long peerDeliveredSeq) {}
