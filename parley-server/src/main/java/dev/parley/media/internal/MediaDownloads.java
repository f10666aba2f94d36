package dev.parley.media.internal;

import dev.parley.account.AccessTokens;
import dev.parley.platform.Blocking;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import java.nio.file.Path;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.http.server.reactive.ServerHttpResponse;
import org.springframework.http.ZeroCopyHttpOutputMessage;
import org.springframework.stereotype.Component;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/**
 * Serves stored media to those who may see it, with HTTP range requests (RFC 9110 §14: single ranges, 206 with
 * Content-Range, 416 when unsatisfiable, If-Range against the ETag) so that video seeks and large downloads resume.
 * The ETag is the blob's SHA-256 (the bytes under an id never change). Images, voice and video are served inline
 * with their detected type; files always as {@code application/octet-stream} attachments. Every answer carries
 * {@code X-Content-Type-Options: nosniff} and a sandboxing Content-Security-Policy, so no user file ever runs as a
 * page of this origin. Anyone who may not see the media gets {@code media_not_found}, exactly as for an id that
 * does not exist.
 */
@Component
class MediaDownloads {
    enum Variant { CONTENT, THUMBNAIL, POSTER }

    private final Db db;
    private final MediaRecords records;
    private final MediaStore store;
    private final Blocking blocking;
    private final AccessTokens tokens;

    MediaDownloads(Db db, MediaRecords records, MediaStore store, Blocking blocking, AccessTokens tokens) {
        this.tokens = tokens;
        this.db = db;
        this.records = records;
        this.store = store;
        this.blocking = blocking;
    }

    static ParleyException notFound() {
        return new ParleyException(ErrorCode.MEDIA_NOT_FOUND);
    }

    static boolean wellFormedId(String id) {
        return id != null && id.matches("[A-Za-z0-9_-]{22}");
    }

    /** The row, if {@code userId} may see it. Blocking. */
    MediaRecords.MediaRow visible(long userId, String id) {
        if (!wellFormedId(id)) throw notFound();
        return db.read(tx -> records.visible(tx, userId, id)).orElseThrow(MediaDownloads::notFound);
    }

    Mono<Void> serve(long userId, String id, Variant variant, ServerWebExchange exchange) {
        return blocking.call(() -> visible(userId, id)).flatMap(row -> write(row, variant, exchange));
    }

    /** By a signed path: only while the device session it was signed for is live. */
    Mono<Void> serveSigned(long userId, long sessionId, String id, Variant variant, ServerWebExchange exchange) {
        return blocking.call(() -> {
            if (!tokens.sessionLive(userId, sessionId)) throw notFound();
            return visible(userId, id);
        }).flatMap(row -> write(row, variant, exchange));
    }

    private Mono<Void> write(MediaRecords.MediaRow row, Variant variant, ServerWebExchange exchange) {
        String key;
        long size;
        String type;
        String disposition;
        switch (variant) {
            case THUMBNAIL -> {
                if (row.thumbnailSha256() == null) throw notFound();
                key = row.thumbnailSha256();
                size = row.thumbnailSize();
                type = row.thumbnailType();
                disposition = "inline";
            }
            case POSTER -> {
                if (row.posterSha256() == null) throw notFound();
                key = row.posterSha256();
                size = row.posterSize();
                type = "image/jpeg";
                disposition = "inline";
            }
            default -> {
                key = row.sha256();
                size = row.size();
                boolean inline = MediaKind.fromWire(row.kind()).inline();
                type = inline ? row.contentType() : "application/octet-stream";
                disposition = FileNames.contentDisposition(inline ? "inline" : "attachment", row.name());
            }
        }
        ServerHttpRequest request = exchange.getRequest();
        ServerHttpResponse response = exchange.getResponse();
        HttpHeaders h = response.getHeaders();
        String etag = "\"" + key + "\"";
        h.set(HttpHeaders.ETAG, etag);
        h.set(HttpHeaders.ACCEPT_RANGES, "bytes");
        h.set("X-Content-Type-Options", "nosniff");
        h.set("Content-Security-Policy", "default-src 'none'; sandbox");
        h.set(HttpHeaders.CACHE_CONTROL, "private, max-age=3600");
        h.set(HttpHeaders.CONTENT_DISPOSITION, disposition);
        h.set(HttpHeaders.CONTENT_TYPE, type);

        String ifNoneMatch = request.getHeaders().getFirst(HttpHeaders.IF_NONE_MATCH);
        if (ifNoneMatch != null && (ifNoneMatch.trim().equals("*") || ifNoneMatch.contains(etag))) {
            response.setStatusCode(HttpStatus.NOT_MODIFIED);
            return response.setComplete();
        }
        ByteRange range = ByteRange.parse(request.getHeaders().getFirst(HttpHeaders.RANGE), size);
        String ifRange = request.getHeaders().getFirst(HttpHeaders.IF_RANGE);
        if (range != null && ifRange != null && !ifRange.trim().equals(etag)) range = null; // changed (or a date): send it all
        if (range == ByteRange.UNSATISFIABLE) {
            response.setStatusCode(HttpStatus.REQUESTED_RANGE_NOT_SATISFIABLE);
            h.set(HttpHeaders.CONTENT_RANGE, "bytes */" + size);
            h.remove(HttpHeaders.CONTENT_DISPOSITION);
            h.setContentLength(0);
            return response.setComplete();
        }
        long start = range == null ? 0 : range.start();
        long length = range == null ? size : range.length();
        if (range != null) {
            response.setStatusCode(HttpStatus.PARTIAL_CONTENT);
            h.set(HttpHeaders.CONTENT_RANGE, "bytes " + range.start() + "-" + range.end() + "/" + size);
        } else {
            response.setStatusCode(HttpStatus.OK);
        }
        h.setContentLength(length);
        if (length == 0) return response.setComplete();
        Path file = store.localFile(key);
        if (file != null && response instanceof ZeroCopyHttpOutputMessage zeroCopy) {
            return zeroCopy.writeWith(file, start, length); // sendfile(2) where the transport allows it
        }
        return response.writeWith(DataBufferUtils.readInputStream(() -> store.open(key, start, length), response.bufferFactory(), 64 * 1024)
                .subscribeOn(blocking.scheduler()));
    }
}
