-- Issue 6: media (ADR 0011). One text for both dialects.

-- One row per finished upload. The bytes are stored once per SHA-256 (content addressing): two rows with the same
-- sha256 share one blob. Thumbnails and posters are blobs too, named by their own hashes.
CREATE TABLE media (
    id               VARCHAR(32)  PRIMARY KEY,      -- 128 random bits, base64url: not guessable
    uploader_id      BIGINT       NOT NULL REFERENCES users (id),
    kind             VARCHAR(8)   NOT NULL,         -- image, voice, video, file
    name             VARCHAR(1024) NOT NULL,        -- the client's file name (checked: no path separators, no controls)
    size             BIGINT       NOT NULL,         -- of the stored bytes (images: after metadata stripping)
    content_type     VARCHAR(100) NOT NULL,         -- detected from the bytes
    sha256           VARCHAR(64)  NOT NULL,
    width            INTEGER,
    height           INTEGER,
    duration_ms      BIGINT,
    waveform         VARCHAR(400),                  -- 64 values 0..255, comma-separated
    thumbnail_sha256 VARCHAR(64),                   -- a small JPEG or PNG (images, videos)
    thumbnail_size   BIGINT,
    thumbnail_type   VARCHAR(16),
    poster_sha256    VARCHAR(64),                   -- a JPEG of the first frame (videos, when ffmpeg is installed)
    poster_size      BIGINT,
    upload_id        VARCHAR(32),                   -- the upload it came from: a client that lost the last answer asks for it
    created_at       BIGINT       NOT NULL
);
CREATE INDEX media_uploader ON media (uploader_id, sha256);
CREATE INDEX media_upload ON media (upload_id);
CREATE INDEX media_sha256 ON media (sha256);

-- Which messages carry a media item: the access rule (members who can see that entry may fetch it).
CREATE TABLE media_refs (
    media_id        VARCHAR(32) NOT NULL REFERENCES media (id),
    conversation_id BIGINT      NOT NULL,
    message_id      BIGINT      NOT NULL,
    seq             BIGINT      NOT NULL,
    PRIMARY KEY (media_id, message_id)
);
CREATE INDEX media_refs_message ON media_refs (message_id);

-- Uploads in progress (resumable). The received bytes are in <data>/media/uploads/<id>.part; the file's length is
-- the upload's offset. Rows past expires_at are swept with their files.
CREATE TABLE media_uploads (
    id           VARCHAR(32)   PRIMARY KEY,
    user_id      BIGINT        NOT NULL REFERENCES users (id),
    kind         VARCHAR(8)    NOT NULL,
    name         VARCHAR(1024) NOT NULL,
    size         BIGINT        NOT NULL,
    content_type VARCHAR(100),                      -- what the client claimed, if anything
    duration_ms  BIGINT,                            -- client-supplied, used when ffmpeg is not installed
    waveform     VARCHAR(400),
    created_at   BIGINT        NOT NULL,
    expires_at   BIGINT        NOT NULL
);
CREATE INDEX media_uploads_user ON media_uploads (user_id);
CREATE INDEX media_uploads_expiry ON media_uploads (expires_at);
