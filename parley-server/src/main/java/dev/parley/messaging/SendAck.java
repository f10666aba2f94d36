package dev.parley.messaging;

/** The answer to a send, given only after the message is committed. {@code duplicate}: a retry of an earlier send. */
public record SendAck(String clientMsgId, long conversationId, long messageId, long seq, long sentAt, boolean duplicate) {}
