package dev.parley.media.internal;

import dev.parley.media.MediaView;
import dev.parley.platform.Dialect;
import dev.parley.platform.Tx;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/** The SQL of the media module: media rows, their references from messages, uploads in progress, quota. */
@Component
public class MediaRecords {

    /** A media row. */
    public record MediaRow(String id, long uploaderId, String kind, String name, long size, String contentType, String sha256,
                           Integer width, Integer height, Long durationMs, String waveform, String thumbnailSha256,
                           Long thumbnailSize, String thumbnailType, String posterSha256, Long posterSize, long createdAt) {
        public MediaView view() {
            List<Integer> wave = waveform == null ? null : Arrays.stream(waveform.split(",")).map(Integer::valueOf).toList();
            return new MediaView(id, kind, name, size, contentType, sha256, width, height, durationMs, wave,
                    thumbnailSha256 != null, posterSha256 != null);
        }
    }

    /** An upload in progress. */
    record UploadRow(String id, long userId, MediaKind kind, String name, long size, String contentType, Long durationMs,
                     String waveform, long createdAt, long expiresAt) {}

    private static final String MEDIA_COLUMNS = "id, uploader_id, kind, name, size, content_type, sha256, width, height, duration_ms, "
            + "waveform, thumbnail_sha256, thumbnail_size, thumbnail_type, poster_sha256, poster_size, created_at";

    private static MediaRow mediaRow(ResultSet rs) throws SQLException {
        Integer w = rs.getObject(8) == null ? null : rs.getInt(8);
        Integer h = rs.getObject(9) == null ? null : rs.getInt(9);
        return new MediaRow(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4), rs.getLong(5), rs.getString(6),
                rs.getString(7), w, h, Tx.nullableLong(rs, 10), rs.getString(11), rs.getString(12), Tx.nullableLong(rs, 13),
                rs.getString(14), rs.getString(15), Tx.nullableLong(rs, 16), rs.getLong(17));
    }

    void insertMedia(Tx tx, MediaRow m, String uploadId, long uploadSize) throws SQLException {
        tx.update("INSERT INTO media (" + MEDIA_COLUMNS + ", upload_id, upload_size) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                m.id(), m.uploaderId(), m.kind(), m.name(), m.size(), m.contentType(), m.sha256(), m.width(), m.height(),
                m.durationMs(), m.waveform(), m.thumbnailSha256(), m.thumbnailSize(), m.thumbnailType(), m.posterSha256(),
                m.posterSize(), m.createdAt(), uploadId, uploadSize);
    }

    /** A finished upload: the media it became and the bytes it received (its final offset). */
    record FinishedUpload(MediaRow media, long received) {}

    /** The media an upload of this user's became (for a client that lost the answer to its last PATCH). */
    Optional<FinishedUpload> fromUpload(Tx tx, long userId, String uploadId) throws SQLException {
        return tx.queryOne("SELECT " + MEDIA_COLUMNS + ", upload_size FROM media WHERE upload_id = ? AND uploader_id = ?", rs -> {
            MediaRow m = mediaRow(rs);
            Long received = Tx.nullableLong(rs, 18);
            return new FinishedUpload(m, received == null ? m.size() : received);
        }, uploadId, userId);
    }

    public Optional<MediaRow> media(Tx tx, String id) throws SQLException {
        return tx.queryOne("SELECT " + MEDIA_COLUMNS + " FROM media WHERE id = ?", MediaRecords::mediaRow, id);
    }

    /**
     * The media item if {@code userId} may fetch it: they uploaded it, or they are (or were) a member of a
     * conversation in which a message carrying it sits at a seq they can see (up to their {@code left_seq} when
     * they left, above their {@code cleared_seq}).
     */
    public Optional<MediaRow> visible(Tx tx, long userId, String id) throws SQLException {
        return tx.queryOne("SELECT " + MEDIA_COLUMNS + " FROM media m WHERE m.id = ? AND (m.uploader_id = ? OR EXISTS ("
                + "SELECT 1 FROM media_refs r JOIN conversation_members cm ON cm.conversation_id = r.conversation_id "
                + "WHERE r.media_id = m.id AND cm.user_id = ? AND (cm.left_seq IS NULL OR r.seq <= cm.left_seq) "
                + "AND r.seq > cm.cleared_seq))", MediaRecords::mediaRow, id, userId, userId);
    }

    public void insertRef(Tx tx, String mediaId, long conversationId, long messageId, long seq) throws SQLException {
        tx.update("INSERT INTO media_refs (media_id, conversation_id, message_id, seq) VALUES (?, ?, ?, ?) ON CONFLICT DO NOTHING",
                mediaId, conversationId, messageId, seq);
    }

    public int deleteRefs(Tx tx, long messageId) throws SQLException {
        return tx.update("DELETE FROM media_refs WHERE message_id = ?", messageId);
    }

    /** Advisory-lock namespace of a user's uploads (the first key of the two-key form; the user id is the second). */
    private static final int UPLOADS_LOCK = 0x6d656469;

    /**
     * Serialises, per user, the transactions that check the quota and the open-upload count and then insert an upload
     * ({@link MediaUploads#create}): without it two creates on PostgreSQL each read the usage before the other's row
     * and both pass (60 parallel creates against room for 10 had 11 to 17 accepted). A transaction-scoped advisory
     * lock (https://www.postgresql.org/docs/current/explicit-locking.html#ADVISORY-LOCKS), released at commit, holds
     * across nodes and needs no row; under READ COMMITTED the reads after it see what the previous holder committed.
     * SQLite needs nothing: its single writer runs these transactions one after another.
     */
    void lockUploadsOf(Tx tx, long userId) throws SQLException {
        if (tx.dialect() == Dialect.POSTGRESQL) {
            tx.query("SELECT pg_advisory_xact_lock(?, ?)", rs -> 1, UPLOADS_LOCK, (int) userId);
        }
    }

    /** The user's unfinished uploads that have not expired (an expired one no longer counts, swept or not). */
    long openUploads(Tx tx, long userId, long now) throws SQLException {
        return tx.queryLong("SELECT COUNT(*) FROM media_uploads WHERE user_id = ? AND expires_at > ?", userId, now);
    }

    /** Bytes the user's finished uploads hold (each distinct content once) plus what their open uploads reserve. */
    long usage(Tx tx, long userId) throws SQLException {
        long stored = tx.queryLong("SELECT COALESCE(SUM(size), 0) FROM (SELECT DISTINCT sha256, size FROM media WHERE uploader_id = ?) d", userId);
        long pending = tx.queryLong("SELECT COALESCE(SUM(size), 0) FROM media_uploads WHERE user_id = ?", userId);
        return stored + pending;
    }

    void insertUpload(Tx tx, UploadRow u) throws SQLException {
        tx.update("INSERT INTO media_uploads (id, user_id, kind, name, size, content_type, duration_ms, waveform, created_at, expires_at) "
                + "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", u.id(), u.userId(), u.kind().wire(), u.name(), u.size(), u.contentType(),
                u.durationMs(), u.waveform(), u.createdAt(), u.expiresAt());
    }

    Optional<UploadRow> upload(Tx tx, String id) throws SQLException {
        return tx.queryOne("SELECT id, user_id, kind, name, size, content_type, duration_ms, waveform, created_at, expires_at "
                + "FROM media_uploads WHERE id = ?", rs -> new UploadRow(rs.getString(1), rs.getLong(2), MediaKind.fromWire(rs.getString(3)),
                rs.getString(4), rs.getLong(5), rs.getString(6), Tx.nullableLong(rs, 7), rs.getString(8), rs.getLong(9), rs.getLong(10)), id);
    }

    public boolean isOpenUploadOf(Tx tx, long userId, String id) throws SQLException {
        return tx.exists("SELECT 1 FROM media_uploads WHERE id = ? AND user_id = ?", id, userId);
    }

    int deleteUpload(Tx tx, String id) throws SQLException {
        return tx.update("DELETE FROM media_uploads WHERE id = ?", id);
    }

    List<String> expiredUploads(Tx tx, long now) throws SQLException {
        return tx.query("SELECT id FROM media_uploads WHERE expires_at <= ?", rs -> rs.getString(1), now);
    }

    List<String> uploadIds(Tx tx) throws SQLException {
        return tx.query("SELECT id FROM media_uploads", rs -> rs.getString(1));
    }

    /** Whether any media row still uses the blob (as content, thumbnail or poster). */
    boolean blobInUse(Tx tx, String sha256) throws SQLException {
        return tx.exists("SELECT 1 FROM media WHERE sha256 = ? OR thumbnail_sha256 = ? OR poster_sha256 = ?", sha256, sha256, sha256);
    }
}
