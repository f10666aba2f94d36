package dev.parley.delivery;

/** Why the server closes a connection: the WebSocket close code (RFC 6455 §7.4) and a short reason. */
public enum CloseReason {
    NORMAL(1000, "bye"),
    GOING_AWAY(1001, "server shutting down"),
    /** A text message that is not valid UTF-8 (RFC 6455 §8.1: fail the connection with 1007). */
    INVALID_UTF8(1007, "invalid utf-8"),
    /** A message past the 1 MiB hard limit: the framing cannot go on (RFC 6455 §7.4.1, 1009). */
    FRAME_TOO_LARGE(1009, "frame too large"),
    /** The server failed to set up the connection (RFC 6455 §7.4.1, 1011); reconnect with backoff. */
    INTERNAL_ERROR(1011, "internal error"),
    UNAUTHORIZED(4401, "token invalid, expired or revoked"),
    SESSION_REVOKED(4403, "device session revoked"),
    IDLE_TIMEOUT(4408, "idle timeout"),
    /** The user or the device session already holds as many connections as it may. */
    TOO_MANY_CONNECTIONS(4409, "too many connections"),
    SLOW_CONSUMER(4429, "too many undelivered frames"),
    SERVER_FULL(4503, "server full");

    private final int code;
    private final String reason;

    CloseReason(int code, String reason) {
        this.code = code;
        this.reason = reason;
    }

    public int code() { return code; }

    public String reason() { return reason; }
}
