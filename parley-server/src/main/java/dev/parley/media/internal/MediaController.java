package dev.parley.media.internal;

import dev.parley.account.Caller;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.time.Clock;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.http.server.reactive.ServerHttpRequest;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PatchMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.server.ServerWebExchange;
import reactor.core.publisher.Mono;

/** REST for media (protocol.md §15): resumable uploads, fetching with ranges, signed paths for media tags. */
@RestController
@RequestMapping("/api/v1/media")
@Tag(name = "Media")
class MediaController {
    static final String OFFSET_OCTET_STREAM = "application/offset+octet-stream";

    private final MediaUploads uploads;
    private final MediaDownloads downloads;
    private final SignedUrls signed;
    private final MediaProperties media;
    private final Clock clock;

    MediaController(MediaUploads uploads, MediaDownloads downloads, SignedUrls signed, MediaProperties media, Clock clock) {
        this.uploads = uploads;
        this.downloads = downloads;
        this.signed = signed;
        this.media = media;
        this.clock = clock;
    }

    @PostMapping("/uploads")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Start an upload: kind, size, name, contentType?; checks the kind's size limit and your quota")
    ResponseEntity<MediaUploads.UploadView> create(Caller caller, @RequestBody MediaUploads.CreateRequest r) {
        var v = uploads.create(caller, r);
        return ResponseEntity.status(HttpStatus.CREATED).header("Upload-Offset", "0").body(v);
    }

    @GetMapping("/uploads/{uploadId}")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "An upload's offset: resume from there")
    ResponseEntity<MediaUploads.UploadView> status(Caller caller, @PathVariable String uploadId) {
        var v = uploads.status(caller, uploadId);
        return ResponseEntity.ok().header("Upload-Offset", Long.toString(v.offset())).header(HttpHeaders.CACHE_CONTROL, "no-store").body(v);
    }

    @DeleteMapping("/uploads/{uploadId}")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Cancel an upload; its bytes are deleted")
    ResponseEntity<Void> cancel(Caller caller, @PathVariable String uploadId) {
        uploads.cancel(caller, uploadId);
        return ResponseEntity.noContent().build();
    }

    @PatchMapping("/uploads/{uploadId}")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Append bytes at Upload-Offset (Content-Type: application/offset+octet-stream); the last one answers with the media")
    Mono<ResponseEntity<Object>> append(Caller caller, @PathVariable String uploadId, ServerHttpRequest request) {
        MediaType ct = request.getHeaders().getContentType();
        if (ct == null || !OFFSET_OCTET_STREAM.equalsIgnoreCase(ct.getType() + "/" + ct.getSubtype())) {
            throw ParleyException.invalid("Send the bytes with Content-Type: " + OFFSET_OCTET_STREAM + ".");
        }
        long offset;
        try {
            offset = Long.parseLong(String.valueOf(request.getHeaders().getFirst("Upload-Offset")).trim());
            if (offset < 0) throw new NumberFormatException();
        } catch (NumberFormatException e) {
            throw ParleyException.invalid("Header 'Upload-Offset' must be the number of bytes already received.");
        }
        long declared = request.getHeaders().getContentLength();
        return uploads.append(caller, uploadId, offset, declared >= 0 ? declared : null, request.getBody()).map(a -> switch (a) {
            case MediaUploads.Appended.Progressed p -> ResponseEntity.ok().header("Upload-Offset", Long.toString(p.view().offset()))
                    .<Object>body(p.view());
            case MediaUploads.Appended.OffsetMismatch m -> {
                Map<String, Object> body = new LinkedHashMap<>();
                body.put("code", ErrorCode.UPLOAD_OFFSET_MISMATCH.code());
                body.put("message", "The upload is at offset " + m.offset() + ".");
                body.put("offset", m.offset());
                yield ResponseEntity.status(ErrorCode.UPLOAD_OFFSET_MISMATCH.status()).header("Upload-Offset", Long.toString(m.offset()))
                        .<Object>body(body);
            }
        });
    }

    @GetMapping("/{id}")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "The media's bytes (Range supported)")
    Mono<Void> content(Caller caller, @PathVariable String id, ServerWebExchange exchange) {
        return downloads.serve(caller.userId(), id, MediaDownloads.Variant.CONTENT, exchange);
    }

    @GetMapping("/{id}/thumbnail")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "A small JPEG or PNG of an image or video")
    Mono<Void> thumbnail(Caller caller, @PathVariable String id, ServerWebExchange exchange) {
        return downloads.serve(caller.userId(), id, MediaDownloads.Variant.THUMBNAIL, exchange);
    }

    @GetMapping("/{id}/poster")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "A video's first frame as a JPEG")
    Mono<Void> poster(Caller caller, @PathVariable String id, ServerWebExchange exchange) {
        return downloads.serve(caller.userId(), id, MediaDownloads.Variant.POSTER, exchange);
    }

    record SignedPaths(String url, String thumbnailUrl, String posterUrl, long expiresAt) {}

    @GetMapping("/{id}/url")
    @SecurityRequirement(name = "bearer")
    @Operation(summary = "Signed paths (valid one hour, for you only) that work without the Authorization header")
    SignedPaths url(Caller caller, @PathVariable String id) {
        MediaRecords.MediaRow row = downloads.visible(caller.userId(), id);
        long exp = clock.millis() + media.urlTtl().toMillis();
        return new SignedPaths(path(row.id(), "content", caller, exp),
                row.thumbnailSha256() == null ? null : path(row.id(), "thumbnail", caller, exp),
                row.posterSha256() == null ? null : path(row.id(), "poster", caller, exp), exp);
    }

    /** Signed for the caller's device session: a logout or a revocation of that session ends the path too. */
    private String path(String id, String variant, Caller caller, long exp) {
        String base = "/api/v1/media/" + id + (variant.equals("content") ? "" : "/" + variant) + "/content";
        return base + "?u=" + caller.userId() + "&s=" + caller.sessionId() + "&exp=" + exp + "&sig="
                + signed.sign(id, variant, caller.userId(), caller.sessionId(), exp);
    }

    @GetMapping("/{id}/content")
    @Operation(summary = "The media's bytes by signed path (from /url)")
    Mono<Void> signedContent(@PathVariable String id, @RequestParam(required = false) Long u, @RequestParam(required = false) Long s,
            @RequestParam(required = false) Long exp, @RequestParam(required = false) String sig, ServerWebExchange exchange) {
        return bySignature(id, "content", MediaDownloads.Variant.CONTENT, u, s, exp, sig, exchange);
    }

    @GetMapping("/{id}/thumbnail/content")
    @Operation(summary = "The thumbnail by signed path (from /url)")
    Mono<Void> signedThumbnail(@PathVariable String id, @RequestParam(required = false) Long u, @RequestParam(required = false) Long s,
            @RequestParam(required = false) Long exp, @RequestParam(required = false) String sig, ServerWebExchange exchange) {
        return bySignature(id, "thumbnail", MediaDownloads.Variant.THUMBNAIL, u, s, exp, sig, exchange);
    }

    @GetMapping("/{id}/poster/content")
    @Operation(summary = "The poster by signed path (from /url)")
    Mono<Void> signedPoster(@PathVariable String id, @RequestParam(required = false) Long u, @RequestParam(required = false) Long s,
            @RequestParam(required = false) Long exp, @RequestParam(required = false) String sig, ServerWebExchange exchange) {
        return bySignature(id, "poster", MediaDownloads.Variant.POSTER, u, s, exp, sig, exchange);
    }

    /**
     * A bad, expired or foreign signature, or one whose device session has ended (logout, password change elsewhere,
     * revoked), is {@code media_not_found}, like everything else that may not be seen.
     */
    private Mono<Void> bySignature(String id, String variant, MediaDownloads.Variant v, Long u, Long s, Long exp, String sig,
                                   ServerWebExchange exchange) {
        if (u == null || s == null || exp == null || exp <= clock.millis() || !signed.valid(id, variant, u, s, exp, sig)) {
            return Mono.error(MediaDownloads.notFound());
        }
        return downloads.serveSigned(u, s, id, v, exchange);
    }
}
