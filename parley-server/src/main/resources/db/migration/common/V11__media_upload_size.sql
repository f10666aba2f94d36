-- The size of the upload a media row came from: the bytes received, which is the upload's final offset. It differs
-- from media.size (the stored bytes) when metadata was stripped; a client asking for a finished upload's offset is
-- answered with this. NULL for rows from before this column (then the stored size is answered, as before).
ALTER TABLE media ADD COLUMN upload_size BIGINT;
