-- Issue 5: full-text message search on PostgreSQL (ADR 0010).
-- pg_trgm indexes every 3-character sequence of lower(body) in a GIN index; LIKE '%...%' on lower(body) uses it for
-- any pattern with 3 or more characters (English words and prefixes, Chinese or Japanese text without spaces).
-- Partial: only the searchable messages (kinds text and media, not recalled). The index follows every insert and
-- update of messages by itself, so sending, editing and recalling need no search code.
-- pg_trgm is a contrib extension marked trusted (PostgreSQL 13+): a database owner may create it without superuser.
-- The database's LC_CTYPE decides which characters count as letters for trigrams and for lower(): a UTF-8 locale
-- (e.g. C.UTF-8, en_US.UTF-8) indexes Chinese and Japanese and lower-cases beyond ASCII; plain "C" does neither
-- (Chinese and Japanese are still found, by scanning instead of the index).
CREATE EXTENSION IF NOT EXISTS pg_trgm;

CREATE INDEX messages_search ON messages USING gin (lower(body) gin_trgm_ops)
    WHERE kind IN ('text', 'media') AND recalled_at IS NULL;
