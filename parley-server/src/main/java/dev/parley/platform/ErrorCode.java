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
    REGISTRATION_CLOSED(403, "This server does not accept new accounts."),
    REGISTRATION_TOKEN_INVALID(403, "A valid registration token is required: this one is missing, unknown, revoked, expired or used up."),
    REGISTRATION_TOKEN_LIMIT(409, "You have as many live registration tokens as you may."),
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
    REQUEST_COOLDOWN(429, "This user declined your last request; you cannot ask again yet."),
    NOT_FRIENDS(403, "You can only message your friends."),
    RATE_LIMITED(429, "Too many requests; slow down."),
    SERVER_FULL(503, "The server holds as many connections as it may."),
    TOO_MANY_CONNECTIONS(429, "You have as many connections open as you may; close one first."),
    LONGPOLL_CLOSED(410, "This long-poll session is closed; open a new one and sync."),
    // Groups and message features (issue 5)
    NOT_MEMBER(403, "You are not a member of this conversation."),
    NOT_ADMIN(403, "Only the group's admins and owner may do that."),
    NOT_OWNER(403, "Only the group's owner may do that."),
    OWNER_MUST_TRANSFER(409, "The owner must transfer ownership before leaving."),
    GROUP_FULL(409, "The group has as many members as it may."),
    INVITE_INVALID(404, "The invite link is unknown, revoked or expired."),
    MEMBER_MUTED(403, "You are muted in this group."),
    GROUP_MUTED(403, "Only admins may send while the group is muted."),
    MESSAGE_NOT_FOUND(404, "No such message."),
    NOT_AUTHOR(403, "That message is not yours."),
    MESSAGE_RECALLED(409, "That message has been recalled."),
    RECALL_WINDOW_PASSED(409, "The time to recall that message has passed."),
    INVALID_MENTION(400, "Only current members can be mentioned."),
    GROUP_NOT_FOUND(404, "No such group."),
    USER_BANNED(409, "That user is banned from this group; lift the ban first."),
    // Media (issue 6, protocol.md §15)
    MEDIA_NOT_FOUND(404, "No such media."),
    MEDIA_TOO_LARGE(413, "The file is larger than the limit for its kind."),
    MEDIA_TYPE_NOT_ALLOWED(415, "This type of file is not allowed."),
    MEDIA_TYPE_MISMATCH(415, "The file's bytes do not match its declared kind or type."),
    QUOTA_EXCEEDED(413, "Your storage quota is used up."),
    UPLOAD_INCOMPLETE(409, "The upload is not complete."),
    UPLOAD_OFFSET_MISMATCH(409, "Upload-Offset does not match the bytes received."),
    TOO_MANY_OPEN_UPLOADS(409, "You have as many unfinished uploads as you may; finish or cancel one first."),
    IMAGE_TOO_MANY_PIXELS(422, "The image has more pixels than allowed."),
    INVALID_FILE_NAME(400, "File names may not contain path separators or control characters."),
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
