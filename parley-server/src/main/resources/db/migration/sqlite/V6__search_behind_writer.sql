-- Issue 4: the SQLite search index is filled behind the writer, in batches (ADR 0014).
-- An FTS5 insert per message cost the single writer about 40 % of its direct-message throughput: each group-commit
-- batch flushed a small segment and set off merges. New messages now reach message_search through SearchIndexing,
-- a few thousand at a time; messages above search_progress.indexed_through are not in the index yet and search
-- scans them directly (MatchingMessages), so a message is found from the moment it is stored, as before.
-- Version 6 is SQLite's own: common migrations continue at 7.
DROP TRIGGER message_search_insert;

CREATE TABLE search_progress (
    id INTEGER PRIMARY KEY CHECK (id = 1),
    indexed_through INTEGER NOT NULL
);
INSERT INTO search_progress (id, indexed_through) VALUES (1, COALESCE((SELECT MAX(id) FROM messages), 0));

-- Edits, recalls and deletions still reach the index at once, but only for messages already in it: the indexer
-- takes the others as they are when it comes by. (Ids are never reused: messages are not deleted.)
DROP TRIGGER message_search_update;
CREATE TRIGGER message_search_update AFTER UPDATE OF body, kind, recalled_at ON messages
WHEN old.id <= (SELECT indexed_through FROM search_progress)
BEGIN
    DELETE FROM message_search WHERE rowid = old.id AND old.kind IN ('text', 'media') AND old.recalled_at IS NULL;
    INSERT INTO message_search (rowid, body)
    SELECT new.id, new.body WHERE new.kind IN ('text', 'media') AND new.recalled_at IS NULL;
END;

DROP TRIGGER message_search_delete;
CREATE TRIGGER message_search_delete AFTER DELETE ON messages
WHEN old.kind IN ('text', 'media') AND old.recalled_at IS NULL AND old.id <= (SELECT indexed_through FROM search_progress)
BEGIN
    DELETE FROM message_search WHERE rowid = old.id;
END;
