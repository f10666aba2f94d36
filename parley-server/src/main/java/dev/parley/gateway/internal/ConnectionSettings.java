package dev.parley.gateway.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Limits on TCP connections and on the connections (WebSockets and long-poll sessions) of one account, under
 * {@code parley.connections}; docs/security.md says what happens past each.
 *
 * @param maxPerAddress        TCP connections open at once from one client address (the peer of the socket)
 * @param maxPerTrustedProxy   the same for a peer that is a trusted proxy: all its clients share its address
 * @param headerTimeout        a new connection's first request head must be complete within this time
 * @param keepAliveTimeout     a kept-alive connection's next request head must be complete within this time of the
 *                             previous response's end
 * @param readTimeout          the longest gap between two reads of a request body (while the server is reading)
 * @param maxPerUser           WebSockets and long-poll sessions of one user, all devices together
 * @param maxPerSession        WebSockets and long-poll sessions of one device session
 * @param maxQueuedBytes       bytes a WebSocket may have written and not yet sent, or a long-poll session queued
 *                             and not acknowledged, before the client is closed as too slow (4429)
 */
@ConfigurationProperties("parley.connections")
record ConnectionSettings(
        int maxPerAddress,
        int maxPerTrustedProxy,
        Duration headerTimeout,
        Duration keepAliveTimeout,
        Duration readTimeout,
        int maxPerUser,
        int maxPerSession,
        DataSize maxQueuedBytes) {
}
