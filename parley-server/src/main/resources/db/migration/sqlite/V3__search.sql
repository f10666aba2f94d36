-- Issue 5: full-text message search on SQLite (ADR 0010).
-- An FTS5 index of the searchable messages: kinds text and media, not recalled, with their current body.
-- The trigram tokenizer indexes every 3-character sequence, folded to lower case, so any substring of 3 or more
-- characters is found: English words and word prefixes, and Chinese or Japanese text without spaces.
-- Contentless (content=''): the index keeps no copy of the text; contentless_delete lets a row be deleted by rowid
-- alone; secure-delete removes a deleted row's trigrams from the index at once rather than at the next merge, so
-- an edit's old text and a recalled message leave no trace here.
CREATE VIRTUAL TABLE message_search USING fts5(body, content = '', contentless_delete = 1, tokenize = 'trigram');
INSERT INTO message_search (message_search, rank) VALUES ('secure-delete', 1);

INSERT INTO message_search (rowid, body)
SELECT id, body FROM messages WHERE kind IN ('text', 'media') AND recalled_at IS NULL;

-- Triggers keep the index in step with messages whatever code writes them (sending, editing, recalling).
CREATE TRIGGER message_search_insert AFTER INSERT ON messages
WHEN new.kind IN ('text', 'media') AND new.recalled_at IS NULL
BEGIN
    INSERT INTO message_search (rowid, body) VALUES (new.id, new.body);
END;

-- One trigger for both halves so that the old row leaves the index before the new one enters it.
CREATE TRIGGER message_search_update AFTER UPDATE OF body, kind, recalled_at ON messages
BEGIN
    DELETE FROM message_search WHERE rowid = old.id AND old.kind IN ('text', 'media') AND old.recalled_at IS NULL;
    INSERT INTO message_search (rowid, body)
    SELECT new.id, new.body WHERE new.kind IN ('text', 'media') AND new.recalled_at IS NULL;
END;

CREATE TRIGGER message_search_delete AFTER DELETE ON messages
WHEN old.kind IN ('text', 'media') AND old.recalled_at IS NULL
BEGIN
    DELETE FROM message_search WHERE rowid = old.id;
END;
