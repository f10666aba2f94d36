package dev.parley.media;

import dev.parley.media.internal.MediaRecords;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Media on messages, inside the sending module's transaction. {@link #attach} checks the ids and records a reference
 * per media item and message, which is what lets the conversation's members fetch it ({@code media_refs});
 * {@link #release} drops a recalled message's references. Bytes are never deleted here: the uploader's own upload
 * keeps them (and counts against the uploader's quota).
 */
@Component
public class MediaAttachments {
    public static final int MAX_ATTACHMENTS = 10;

    private final MediaRecords records;

    MediaAttachments(MediaRecords records) {
        this.records = records;
    }

    /**
     * Attaches {@code mediaIds} (1 to 10, no repeats) to the message {@code messageId} at {@code seq} of
     * {@code conversationId}, and returns their views in the given order. Each must be the sender's own upload or
     * media the sender can see (a forward); otherwise {@code media_not_found}, or {@code upload_incomplete} for an
     * upload of the sender's that has not finished.
     */
    public List<MediaView> attach(Tx tx, long senderId, long conversationId, long messageId, long seq, List<String> mediaIds)
            throws SQLException {
        List<MediaView> views = views(tx, senderId, mediaIds);
        record(tx, conversationId, messageId, seq, mediaIds);
        return views;
    }

    /**
     * Records that the message {@code messageId} at {@code seq} of {@code conversationId} carries {@code mediaIds}
     * (checked before with {@link #views}, or copied from a message the sender can see, for a forward).
     */
    public void record(Tx tx, long conversationId, long messageId, long seq, List<String> mediaIds) throws SQLException {
        for (String id : mediaIds) records.insertRef(tx, id, conversationId, messageId, seq);
    }

    /** The views of {@code mediaIds} as {@link #attach} checks them, without recording anything. */
    public List<MediaView> views(Tx tx, long userId, List<String> mediaIds) throws SQLException {
        if (mediaIds == null || mediaIds.isEmpty() || mediaIds.size() > MAX_ATTACHMENTS) {
            throw ParleyException.invalid("Field 'attachments' must hold 1 to " + MAX_ATTACHMENTS + " media ids.");
        }
        if (new HashSet<>(mediaIds).size() != mediaIds.size()) throw ParleyException.invalid("Field 'attachments' repeats a media id.");
        List<MediaView> views = new ArrayList<>(mediaIds.size());
        for (String id : mediaIds) {
            if (id == null || !id.matches("[A-Za-z0-9_-]{22}")) throw new ParleyException(ErrorCode.MEDIA_NOT_FOUND);
            var row = records.visible(tx, userId, id);
            if (row.isEmpty()) {
                if (records.isOpenUploadOf(tx, userId, id)) {
                    throw new ParleyException(ErrorCode.UPLOAD_INCOMPLETE, "Upload " + id + " has not finished; send its remaining bytes first.");
                }
                throw new ParleyException(ErrorCode.MEDIA_NOT_FOUND);
            }
            views.add(row.get().view());
        }
        return views;
    }

    /** A recalled (or deleted) message no longer grants access to its media. */
    public void release(Tx tx, long messageId) throws SQLException {
        records.deleteRefs(tx, messageId);
    }
}
