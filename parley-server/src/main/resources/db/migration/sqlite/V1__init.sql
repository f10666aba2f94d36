-- Times are epoch milliseconds (BIGINT) in both dialects so that one SQL text serves both.
CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      VARCHAR(32)  NOT NULL UNIQUE,   -- stored lower-case: unique case-insensitively
    display_name  VARCHAR(64)  NOT NULL,
    password_hash VARCHAR(200) NOT NULL,
    created_at    BIGINT       NOT NULL,
    event_seq     BIGINT       NOT NULL DEFAULT 0 -- last account event number; row lock orders events per user
);
CREATE INDEX users_display_name ON users (display_name);

CREATE TABLE device_sessions (
    id           INTEGER PRIMARY KEY,
    user_id      BIGINT       NOT NULL REFERENCES users (id),
    device_name  VARCHAR(200) NOT NULL,
    created_at   BIGINT       NOT NULL,
    last_seen_at BIGINT       NOT NULL,
    expires_at   BIGINT       NOT NULL,
    revoked_at   BIGINT
);
CREATE INDEX device_sessions_user ON device_sessions (user_id);

-- Refresh tokens are stored only as SHA-256 hashes. A used token stays (used_at set) so that its reuse is detected.
CREATE TABLE refresh_tokens (
    token_hash  VARCHAR(64) PRIMARY KEY,
    session_id  BIGINT      NOT NULL REFERENCES device_sessions (id),
    created_at  BIGINT      NOT NULL,
    used_at     BIGINT
);
CREATE INDEX refresh_tokens_session ON refresh_tokens (session_id);

CREATE TABLE friend_requests (
    id          INTEGER PRIMARY KEY,
    from_user   BIGINT       NOT NULL REFERENCES users (id),
    to_user     BIGINT       NOT NULL REFERENCES users (id),
    pair_key    VARCHAR(41)  NOT NULL,            -- "<low id>:<high id>"
    note        VARCHAR(500) NOT NULL,
    status      VARCHAR(16)  NOT NULL,            -- pending, accepted, declined, cancelled
    suppressed  BOOLEAN      NOT NULL DEFAULT FALSE, -- sent to someone who blocks the sender: never shown to them
    created_at  BIGINT       NOT NULL,
    updated_at  BIGINT       NOT NULL
);
CREATE UNIQUE INDEX friend_requests_one_pending ON friend_requests (pair_key) WHERE status = 'pending';
CREATE INDEX friend_requests_to ON friend_requests (to_user, status);
CREATE INDEX friend_requests_from ON friend_requests (from_user, status);

CREATE TABLE friendships (
    user_id    BIGINT NOT NULL REFERENCES users (id),
    friend_id  BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (user_id, friend_id)
);

CREATE TABLE blocks (
    blocker_id BIGINT NOT NULL REFERENCES users (id),
    blocked_id BIGINT NOT NULL REFERENCES users (id),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (blocker_id, blocked_id)
);

-- Per-user account events (friend requests, friendships, blocks, profile): dense seq per user.
CREATE TABLE account_events (
    user_id    BIGINT      NOT NULL REFERENCES users (id),
    seq        BIGINT      NOT NULL,
    kind       VARCHAR(40) NOT NULL,
    data       TEXT        NOT NULL,
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (user_id, seq)
);

CREATE TABLE conversations (
    id               INTEGER PRIMARY KEY,
    kind             VARCHAR(16) NOT NULL,        -- direct
    direct_key       VARCHAR(41) UNIQUE,          -- "<low id>:<high id>" for direct conversations
    created_at       BIGINT      NOT NULL,
    last_seq         BIGINT      NOT NULL DEFAULT 0,
    last_activity_at BIGINT      NOT NULL,
    updated_at       BIGINT      NOT NULL         -- when anything members see last changed (sync)
);

CREATE TABLE conversation_members (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    joined_at       BIGINT NOT NULL,
    read_seq        BIGINT NOT NULL DEFAULT 0,
    updated_at      BIGINT NOT NULL,              -- when this member's own view (read cursor) last changed
    PRIMARY KEY (conversation_id, user_id)
);
CREATE INDEX conversation_members_user ON conversation_members (user_id);

CREATE TABLE messages (
    id              INTEGER PRIMARY KEY,
    conversation_id BIGINT      NOT NULL REFERENCES conversations (id),
    seq             BIGINT      NOT NULL,
    sender_id       BIGINT      NOT NULL REFERENCES users (id),
    client_msg_id   VARCHAR(64) NOT NULL,
    body            TEXT        NOT NULL,
    created_at      BIGINT      NOT NULL,
    UNIQUE (conversation_id, seq),
    UNIQUE (sender_id, client_msg_id)
);
