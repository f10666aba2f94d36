package dev.parley.conversation;

/** A user's place in a conversation. {@code peerId} is the other member of a direct conversation. */
public record Membership(long conversationId, String kind, long userId, Long peerId, long readSeq, long lastSeq) {}
