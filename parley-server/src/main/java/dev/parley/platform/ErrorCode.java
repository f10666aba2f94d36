package dev.parley.platform;

/**
 * Every error a client can see, with its HTTP status and default message.
 * The wire form is the lower-case {@link #code()}; docs/protocol.md lists them all.
 */
public enum ErrorCode {
    BAD_JSON(400, "The request body or frame is not valid JSON."),
    UNKNOWN_TYPE(400, "Unknown frame type."),
    INVALID_FIELD(400, "A field is missing or has the wrong type or value."),
    FRAME_TOO_LARGE(413, "The frame is larger than the limit."),
    UNSUPPORTED_FRAME(400, "Only text frames carrying JSON are accepted."),
    TEXT_TOO_LONG(400, "The message text is longer than the limit."),
    EMPTY_MESSAGE(400, "The message text is empty."),
    INVALID_USERNAME(400, "Usernames are 3 to 32 characters of a-z, 0-9, '_' and '.'."),
    WEAK_PASSWORD(400, "Passwords have at least 8 characters."),
    USERNAME_TAKEN(409, "That username is taken."),
    BAD_CREDENTIALS(401, "Wrong username or password."),
    TOO_MANY_ATTEMPTS(429, "Too many failed attempts; try again later."),
    UNAUTHORIZED(401, "Authentication is required."),
    TOKEN_INVALID(401, "The token is invalid."),
    TOKEN_EXPIRED(401, "The token has expired."),
    TOKEN_REVOKED(401, "The token has been revoked."),
    FORBIDDEN(403, "You may not do that."),
    NOT_FOUND(404, "Not found."),
    USER_NOT_FOUND(404, "No such user."),
    CONVERSATION_NOT_FOUND(404, "No such conversation."),
    REQUEST_NOT_FOUND(404, "No such friend request."),
    SESSION_NOT_FOUND(404, "No such device session."),
    ALREADY_FRIENDS(409, "You are already friends."),
    REQUEST_EXISTS(409, "A friend request between you is already pending."),
    CANNOT_BEFRIEND_SELF(400, "You cannot befriend yourself."),
    NOT_FRIENDS(403, "You can only message your friends."),
    RATE_LIMITED(429, "Too many requests; slow down."),
    SERVER_FULL(503, "The server holds as many connections as it may."),
    INTERNAL(500, "Internal error.");

    private final int status;
    private final String defaultMessage;

    ErrorCode(int status, String defaultMessage) {
        this.status = status;
        this.defaultMessage = defaultMessage;
    }

    public int status() { return status; }

    public String defaultMessage() { return defaultMessage; }

    /** The wire form, e.g. {@code text_too_long}. */
    public String code() { return name().toLowerCase(java.util.Locale.ROOT); }
}
