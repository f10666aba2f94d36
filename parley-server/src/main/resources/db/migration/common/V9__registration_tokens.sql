-- Registration tokens for invite-only servers. Uses are counted with one conditional UPDATE in the transaction that
-- inserts the user, so that racing registrations never use a token more than max_uses times.
CREATE TABLE registration_tokens (
    token       VARCHAR(32) PRIMARY KEY,        -- 128 random bits, base64url
    created_by  BIGINT      NOT NULL REFERENCES users (id),
    created_at  BIGINT      NOT NULL,
    expires_at  BIGINT,                         -- null: never
    max_uses    INTEGER,                        -- null: unlimited (admins only)
    uses        INTEGER     NOT NULL DEFAULT 0,
    revoked_at  BIGINT
);
CREATE INDEX registration_tokens_creator ON registration_tokens (created_by);
