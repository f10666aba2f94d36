package dev.parley.messaging;

/** A stored message as clients see it, in history and in {@code message} pushes. */
public record MessageView(long id, long conversationId, long seq, long senderId, String clientMsgId, String text, long sentAt) {}
