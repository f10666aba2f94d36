-- Issue 4: fewer index writes per message sent (docs/benchmarks.md, fifth pass).
-- Every send moves the sender's read cursor. With read_seq indexed, that update also rewrites an index entry, and
-- on PostgreSQL it can never be a HOT update (a new heap tuple with no index work). The index served only the count
-- of a message's readers ("read by"), which is asked on demand and already walks the conversation's members by
-- the primary key for the member count; it now filters the same rows.
DROP INDEX conversation_members_read;

-- Only edit, recall and reaction entries have a target_id; every other message put a NULL into this index.
-- Queries look target_id up by = or IN, which implies IS NOT NULL, so both databases use the partial index.
DROP INDEX messages_target;
CREATE INDEX messages_target ON messages (target_id) WHERE target_id IS NOT NULL;
