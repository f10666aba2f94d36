-- Issue 4: room on each page for HOT updates (PostgreSQL only; SQLite has no such setting).
-- Every send updates its conversation's row (numbering) and the sender's member row (read cursor); neither update
-- touches an indexed column (V7), so PostgreSQL can keep the new tuple on the same page without index work, if the
-- page has room. Applies to pages written from now on.
ALTER TABLE conversations SET (fillfactor = 80);
ALTER TABLE conversation_members SET (fillfactor = 80);
