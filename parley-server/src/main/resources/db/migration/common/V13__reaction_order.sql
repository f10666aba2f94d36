-- The seq of the reaction entry that added a reaction: reactions made in the same millisecond are shown in the order
-- they were made (their entries' order), not by emoji. Older rows keep NULL and are ordered by time alone.
ALTER TABLE reactions ADD COLUMN entry_seq BIGINT;
