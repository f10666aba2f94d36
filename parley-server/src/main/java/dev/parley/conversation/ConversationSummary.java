package dev.parley.conversation;

import dev.parley.account.UserSummary;

/** One conversation as one member sees it. {@code unread} = lastSeq - readSeq. */
public record ConversationSummary(long id, String kind, UserSummary peer, long lastSeq, long readSeq, long unread, long lastActivityAt) {}
