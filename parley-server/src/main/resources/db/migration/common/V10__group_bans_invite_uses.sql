-- Group bans, invite links with a use limit, and the entry each membership started at.
-- One text for both dialects.

-- A ban lasts until an admin lifts it: a banned user is removed if present, cannot be added back and cannot join by
-- invite link (docs/security.md, "Groups: bans, invite links and readers").
CREATE TABLE group_bans (
    conversation_id BIGINT NOT NULL REFERENCES conversations (id),
    user_id         BIGINT NOT NULL REFERENCES users (id),
    banned_by       BIGINT NOT NULL REFERENCES users (id),
    banned_at       BIGINT NOT NULL,
    PRIMARY KEY (conversation_id, user_id)
);

-- max_uses: NULL for no limit; uses: joins so far, counted in the statement that admits a joiner.
ALTER TABLE group_invites ADD COLUMN max_uses INTEGER;
ALTER TABLE group_invites ADD COLUMN uses     INTEGER NOT NULL DEFAULT 0;
-- Ending a membership (or an admin's role) revokes the links that member created.
CREATE INDEX group_invites_creator ON group_invites (conversation_id, created_by);

-- The entry that started the current membership (0 for direct conversations): a message's readers are the members
-- present at its seq. Until now a group member's cleared_seq was set just below that entry when they joined; it
-- moves only forward (delete for me), so cleared_seq + 1 is that entry or later: members who have cleared since
-- count as readers of fewer old messages, never of messages from before they joined.
ALTER TABLE conversation_members ADD COLUMN joined_seq BIGINT NOT NULL DEFAULT 0;
UPDATE conversation_members SET joined_seq = cleared_seq + 1
WHERE conversation_id IN (SELECT id FROM conversations WHERE kind = 'group');
