package dev.parley.gateway;

import java.util.List;

/**
 * Every command a client can send, whatever the transport (WebSocket, long-poll; XMPP and MQTT later).
 * Transports decode into these; one dispatcher handles them. {@code id} is the client's correlation id,
 * echoed in the reply (may be null).
 */
public sealed interface ClientCommand {
    String id();

    record Ping(String id) implements ClientCommand {}

    /** Exactly one of {@code conversationId} and {@code to}; {@code text} may be absent with attachments or forwardOf. */
    record Send(String id, Long conversationId, Long to, String clientMsgId, String text, Long replyTo, List<Long> mentions,
                Boolean mentionsAll, Long forwardOf, List<String> attachments) implements ClientCommand {}

    /** At most one of {@code before}, {@code after}, {@code around}. */
    record History(String id, long conversationId, Long before, Long after, Long around, Integer limit) implements ClientCommand {}

    record Sync(String id, String token) implements ClientCommand {}

    record MarkRead(String id, long conversationId, long seq) implements ClientCommand {}

    record MarkDelivered(String id, long conversationId, long seq) implements ClientCommand {}

    record Edit(String id, long conversationId, long messageId, String text) implements ClientCommand {}

    record Recall(String id, long conversationId, long messageId) implements ClientCommand {}

    record React(String id, long conversationId, long messageId, String emoji, boolean remove) implements ClientCommand {}

    record Typing(String id, long conversationId) implements ClientCommand {}

    /** {@code state}: {@code online} or {@code away}, for this connection. */
    record SetPresence(String id, String state) implements ClientCommand {}
}
