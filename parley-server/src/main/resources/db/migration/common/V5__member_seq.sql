-- Issue 5 (server): the seq of a conversation's latest membership change. Fan-out caches a group's member ids
-- under this version (ADR 0006): an entry whose conversation row showed the same member_seq when it was numbered
-- goes to exactly the cached members.
ALTER TABLE conversations ADD COLUMN member_seq BIGINT NOT NULL DEFAULT 0;

-- The group as a member last saw it, kept when their membership ends (JSON: name, announcement, ownerId,
-- memberCount, allMuted), so that a former member's view never shows later changes.
ALTER TABLE conversation_members ADD COLUMN left_group TEXT;
