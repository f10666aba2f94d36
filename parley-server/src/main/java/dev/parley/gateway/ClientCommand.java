package dev.parley.gateway;

/**
 * Every command a client can send, whatever the transport (WebSocket, long-poll; XMPP and MQTT later).
 * Transports decode into these; one dispatcher handles them. {@code id} is the client's correlation id,
 * echoed in the reply (may be null).
 */
public sealed interface ClientCommand {
    String id();

    record Ping(String id) implements ClientCommand {}

    /** Exactly one of {@code conversationId} and {@code to}. */
    record Send(String id, Long conversationId, Long to, String clientMsgId, String text) implements ClientCommand {}

    record History(String id, long conversationId, Long before, Long after, Integer limit) implements ClientCommand {}

    record Sync(String id, String token) implements ClientCommand {}

    record MarkRead(String id, long conversationId, long seq) implements ClientCommand {}
}
