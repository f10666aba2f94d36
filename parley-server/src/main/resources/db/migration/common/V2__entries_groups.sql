-- Issue 5: conversation entries (ADR 0005), groups, receipts, per-member settings, presence.
-- One text for both dialects; BOOLEAN DEFAULT FALSE works on SQLite >= 3.23 and PostgreSQL.

-- Every entry of a conversation is a row of messages with the next dense seq: text, media, system,
-- and the changes edit, recall, reaction (target_id = the message changed).
ALTER TABLE messages ADD COLUMN kind        VARCHAR(16) NOT NULL DEFAULT 'text';
ALTER TABLE messages ADD COLUMN reply_to    BIGINT;       -- message id this one replies to (same conversation)
ALTER TABLE messages ADD COLUMN target_id   BIGINT;       -- edit, recall, reaction: the message they change
ALTER TABLE messages ADD COLUMN data        TEXT;         -- JSON: mentions, forwarded, system payload, emoji, attachments
ALTER TABLE messages ADD COLUMN edited_at   BIGINT;
ALTER TABLE messages ADD COLUMN recalled_at BIGINT;
ALTER TABLE messages ADD COLUMN recalled_by BIGINT;
CREATE INDEX messages_target ON messages (target_id);

-- Current reactions (the reaction entries are their history).
CREATE TABLE reactions (
    message_id BIGINT      NOT NULL REFERENCES messages (id),
    user_id    BIGINT      NOT NULL REFERENCES users (id),
    emoji      VARCHAR(64) NOT NULL,
    created_at BIGINT      NOT NULL,
    PRIMARY KEY (message_id, user_id, emoji)
);

-- Who a message mentions (user_id 0 = @all), for the per-conversation mention count.
CREATE TABLE mentions (
    message_id      BIGINT NOT NULL REFERENCES messages (id),
    conversation_id BIGINT NOT NULL,
    seq             BIGINT NOT NULL,
    user_id         BIGINT NOT NULL,
    PRIMARY KEY (message_id, user_id)
);
CREATE INDEX mentions_conversation ON mentions (conversation_id, user_id, seq);

-- Groups are conversations of kind 'group'.
ALTER TABLE conversations ADD COLUMN name         VARCHAR(64);
ALTER TABLE conversations ADD COLUMN announcement TEXT;
ALTER TABLE conversations ADD COLUMN owner_id     BIGINT;
ALTER TABLE conversations ADD COLUMN all_muted    BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversations ADD COLUMN member_count INTEGER NOT NULL DEFAULT 0;   -- active members
ALTER TABLE conversations ADD COLUMN dissolved_at BIGINT;

ALTER TABLE conversation_members ADD COLUMN role          VARCHAR(8) NOT NULL DEFAULT 'member'; -- owner, admin, member
ALTER TABLE conversation_members ADD COLUMN muted_until   BIGINT;                               -- muted by an admin until
ALTER TABLE conversation_members ADD COLUMN left_seq      BIGINT;                               -- set when membership ended: last visible seq
ALTER TABLE conversation_members ADD COLUMN delivered_seq BIGINT  NOT NULL DEFAULT 0;
ALTER TABLE conversation_members ADD COLUMN pinned        BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversation_members ADD COLUMN muted         BOOLEAN NOT NULL DEFAULT FALSE;       -- no notifications
ALTER TABLE conversation_members ADD COLUMN archived      BOOLEAN NOT NULL DEFAULT FALSE;
ALTER TABLE conversation_members ADD COLUMN cleared_seq   BIGINT  NOT NULL DEFAULT 0;           -- delete for me: hidden up to here
CREATE INDEX conversation_members_read ON conversation_members (conversation_id, read_seq);

CREATE TABLE group_invites (
    code            VARCHAR(32) PRIMARY KEY,      -- 128 random bits, base64url
    conversation_id BIGINT      NOT NULL REFERENCES conversations (id),
    created_by      BIGINT      NOT NULL REFERENCES users (id),
    created_at      BIGINT      NOT NULL,
    expires_at      BIGINT,
    revoked_at      BIGINT
);
CREATE INDEX group_invites_conversation ON group_invites (conversation_id);

ALTER TABLE users ADD COLUMN presence_visibility VARCHAR(8) NOT NULL DEFAULT 'friends'; -- friends, nobody
ALTER TABLE users ADD COLUMN last_seen_at        BIGINT;
