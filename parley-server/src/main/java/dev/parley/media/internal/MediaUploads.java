package dev.parley.media.internal;

import dev.parley.account.Caller;
import dev.parley.media.MediaView;
import dev.parley.platform.Blocking;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.RateLimits;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.PrivateFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.Base64;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.core.io.buffer.DataBuffer;
import org.springframework.core.io.buffer.DataBufferUtils;
import org.springframework.scheduling.annotation.Scheduled;
import org.springframework.stereotype.Component;
import reactor.core.publisher.Flux;
import reactor.core.publisher.Mono;

/**
 * Resumable uploads, offset-based like tus (tus.io resumable upload protocol 1.0, core): create, append at the
 * current offset, ask for the offset, cancel. The bytes go to {@code <data>/media/uploads/<id>.part} as they
 * arrive (never held whole in memory), hashed with SHA-256 on the way; the file's length is the offset, so bytes
 * that arrived before a connection broke count. When the last byte is in, {@link UploadCompletion} takes over.
 * Uploads not finished within {@code parley.media.upload-expiry} are swept with their files.
 */
@Component
class MediaUploads {
    private static final Logger log = LoggerFactory.getLogger(MediaUploads.class);
    private static final SecureRandom RANDOM = new SecureRandom();
    /** A PATCH whose body stalls this long is cut off (its bytes so far count); the client resumes. */
    private static final Duration BODY_IDLE = Duration.ofSeconds(60);
    /** How long a PATCH waits for another one of the same upload to end before it is answered with the offset. */
    private static final Duration BUSY_WAIT = Duration.ofSeconds(10);
    static final int MAX_DURATION_MS = 24 * 3600 * 1000;

    private final Db db;
    private final MediaRecords records;
    private final RateLimits rateLimits;
    private final UploadCompletion completion;
    private final MediaProperties media;
    private final Blocking blocking;
    private final Clock clock;
    private final Path dir;
    /** Per upload on this node: whether a PATCH is running, and the SHA-256 state over the bytes in the file. */
    private final Map<String, Progress> progress = new ConcurrentHashMap<>();

    private static final class Progress {
        /** Held by the PATCH in progress (a semaphore, not a lock: no thread owns it). */
        final Semaphore lock = new Semaphore(1);
        MessageDigest digest = sha256();
        long hashed;
    }

    MediaUploads(Db db, MediaRecords records, UploadCompletion completion, MediaProperties media, ParleyProperties props,
                 Blocking blocking, Clock clock, RateLimits rateLimits) throws IOException {
        this.rateLimits = rateLimits;
        this.db = db;
        this.records = records;
        this.completion = completion;
        this.media = media;
        this.blocking = blocking;
        this.clock = clock;
        this.dir = MediaSetup.uploadsDir(props);
        removeStrayFiles();
    }

    record CreateRequest(String kind, Long size, String name, String contentType, Long durationMs, List<Integer> waveform) {}

    record UploadView(String uploadId, long offset, long size, Long expiresAt, MediaView media) {}

    UploadView create(Caller caller, CreateRequest r) {
        rateLimits.check(RateLimits.Action.UPLOADS, caller.userId());
        MediaKind kind = MediaKind.parse(r.kind());
        if (r.size() == null) throw ParleyException.invalid("Field 'size' is required.");
        if (r.size() < 1) throw ParleyException.invalid("Field 'size' must be at least 1.");
        String name = FileNames.check(r.name());
        String claimed = r.contentType() == null ? null : r.contentType().trim();
        if (claimed != null && (claimed.length() > 100 || !claimed.matches("[\\x21-\\x7E]+(\\s*;.*)?"))) {
            throw ParleyException.invalid("Field 'contentType' is not a media type.");
        }
        if (r.durationMs() != null && (r.durationMs() < 1 || r.durationMs() > MAX_DURATION_MS)) {
            throw ParleyException.invalid("Field 'durationMs' must be 1 to " + MAX_DURATION_MS + ".");
        }
        String waveform = null;
        if (r.waveform() != null) {
            if (r.waveform().size() != Ffmpeg.WAVEFORM_BUCKETS || r.waveform().stream().anyMatch(v -> v == null || v < 0 || v > 255)) {
                throw ParleyException.invalid("Field 'waveform' must be " + Ffmpeg.WAVEFORM_BUCKETS + " values from 0 to 255.");
            }
            waveform = r.waveform().stream().map(String::valueOf).collect(Collectors.joining(","));
        }
        long max = kind.maxBytes(media);
        if (r.size() > max) {
            throw new ParleyException(ErrorCode.MEDIA_TOO_LARGE, "A " + kind.wire() + " may have at most " + max + " bytes.");
        }
        String id = randomId();
        long now = clock.millis();
        var row = new MediaRecords.UploadRow(id, caller.userId(), kind, name, r.size(), claimed, r.durationMs(), waveform, now,
                now + media.uploadExpiry().toMillis());
        db.write(tx -> {
            records.lockUploadsOf(tx, caller.userId());
            if (records.openUploads(tx, caller.userId(), now) >= media.maxOpenUploads()) {
                throw new ParleyException(ErrorCode.TOO_MANY_OPEN_UPLOADS, "You have " + media.maxOpenUploads()
                        + " unfinished uploads; finish or cancel one first (or let it expire).");
            }
            if (records.usage(tx, caller.userId()) + r.size() > media.quotaPerUser().toBytes()) {
                throw new ParleyException(ErrorCode.QUOTA_EXCEEDED,
                        "This upload would take you past your storage quota of " + media.quotaPerUser().toBytes() + " bytes.");
            }
            records.insertUpload(tx, row);
            return null;
        });
        try {
            PrivateFiles.createFile(part(id));
        } catch (IOException e) {
            db.write(tx -> records.deleteUpload(tx, id));
            throw new UncheckedIOException(e);
        }
        return new UploadView(id, 0, r.size(), row.expiresAt(), null);
    }

    /** The offset of an upload in progress; of a finished one, its media view (the answer its last PATCH had). */
    UploadView status(Caller caller, String id) {
        if (id != null && id.matches("[A-Za-z0-9_-]{22}")) {
            var done = db.read(tx -> records.fromUpload(tx, caller.userId(), id));
            if (done.isPresent()) {
                // The offset and size of the bytes received, as the last PATCH answered, not the stored size.
                long received = done.get().received();
                return new UploadView(id, received, received, null, done.get().media().view());
            }
        }
        MediaRecords.UploadRow u = own(caller, id);
        return new UploadView(id, offset(id), u.size(), u.expiresAt(), null);
    }

    void cancel(Caller caller, String id) {
        own(caller, id);
        discard(id);
    }

    /** The upload if it is the caller's and live; anything else is {@code media_not_found}. */
    private MediaRecords.UploadRow own(Caller caller, String id) {
        if (id == null || !id.matches("[A-Za-z0-9_-]{22}")) throw new ParleyException(ErrorCode.MEDIA_NOT_FOUND, "No such upload.");
        return db.read(tx -> records.upload(tx, id))
                .filter(u -> u.userId() == caller.userId() && u.expiresAt() > clock.millis())
                .orElseThrow(() -> new ParleyException(ErrorCode.MEDIA_NOT_FOUND, "No such upload."));
    }

    /** The answer to a PATCH: the new offset, the media view when the upload finished, or an offset conflict. */
    sealed interface Appended {
        record Progressed(UploadView view) implements Appended {}

        record OffsetMismatch(long offset) implements Appended {}
    }

    /**
     * Appends {@code body} at {@code offset}. The body is written to the upload's file on a virtual thread as it
     * arrives, a few buffers at a time (backpressure keeps the rest in the socket). More bytes than declared:
     * the upload is discarded ({@code media_too_large}).
     */
    Mono<Appended> append(Caller caller, String id, long offset, Long contentLength, Flux<DataBuffer> body) {
        return blocking.call(() -> appendHere(caller, id, offset, contentLength, body));
    }

    /**
     * One PATCH of an upload at a time, from the offset check to the answer, on one virtual thread: the next one
     * (a client resuming after a dropped connection, whose old request the server may still be finishing) waits
     * for it, up to {@link #BUSY_WAIT}. The lock is released before the answer leaves, so a client that sends its
     * next PATCH the moment it has the answer never finds the upload busy.
     */
    private Appended appendHere(Caller caller, String id, long offset, Long contentLength, Flux<DataBuffer> body)
            throws IOException, InterruptedException {
        MediaRecords.UploadRow u = own(caller, id);
        Progress p = progress.computeIfAbsent(id, k -> new Progress());
        if (!p.lock.tryAcquire(BUSY_WAIT.toMillis(), TimeUnit.MILLISECONDS)) return new Appended.OffsetMismatch(offset(id));
        try {
            long current = offset(id);
            if (offset != current) return new Appended.OffsetMismatch(current);
            if (contentLength != null && offset + contentLength > u.size()) {
                discard(id);
                throw tooLarge(u);
            }
            if (p.hashed != current) rehash(id, p, current);
            if (!write(u, p, body)) {
                discard(id);
                throw tooLarge(u);
            }
            if (p.hashed < u.size()) return new Appended.Progressed(new UploadView(id, p.hashed, u.size(), u.expiresAt(), null));
            String sha256 = java.util.HexFormat.of().formatHex(p.digest.digest());
            progress.remove(id);
            MediaView view = completion.complete(u, part(id), sha256);
            return new Appended.Progressed(new UploadView(id, u.size(), u.size(), null, view));
        } finally {
            p.lock.release();
        }
    }

    /**
     * Writes the body to the end of the file and through the hash; false when it holds more than the declared
     * size. A body that breaks off (the client's connection dropped) throws; what was written until then counts.
     */
    private boolean write(MediaRecords.UploadRow u, Progress p, Flux<DataBuffer> body) throws IOException {
        try (FileChannel ch = FileChannel.open(part(u.id()), StandardOpenOption.WRITE, StandardOpenOption.APPEND);
             Stream<DataBuffer> buffers = body.timeout(BODY_IDLE).doOnDiscard(DataBuffer.class, DataBufferUtils::release).toStream(4)) {
            for (DataBuffer buf : (Iterable<DataBuffer>) buffers::iterator) {
                try {
                    int n = buf.readableByteCount();
                    if (p.hashed + n > u.size()) return false;
                    try (DataBuffer.ByteBufferIterator it = buf.readableByteBuffers()) {
                        while (it.hasNext()) {
                            ByteBuffer bb = it.next();
                            ByteBuffer forHash = bb.duplicate();
                            while (bb.hasRemaining()) ch.write(bb);
                            p.digest.update(forHash);
                        }
                    }
                    p.hashed += n;
                } finally {
                    DataBufferUtils.release(buf);
                }
            }
            return true;
        }
    }

    private ParleyException tooLarge(MediaRecords.UploadRow u) {
        return new ParleyException(ErrorCode.MEDIA_TOO_LARGE, "More bytes arrived than the " + u.size() + " declared; the upload is discarded.");
    }

    /** After a restart or a failed write the hash state and the file disagree: hash the file again. */
    private void rehash(String id, Progress p, long length) throws IOException {
        MessageDigest d = sha256();
        try (FileChannel ch = FileChannel.open(part(id), StandardOpenOption.READ)) {
            ByteBuffer buf = ByteBuffer.allocate(1 << 16);
            long left = length;
            while (left > 0 && ch.read(buf) > 0) {
                buf.flip();
                if (buf.remaining() > left) buf.limit((int) left);
                left -= buf.remaining();
                d.update(buf);
                buf.clear();
            }
        }
        p.digest = d;
        p.hashed = length;
    }

    long offset(String id) {
        try {
            return Files.size(part(id));
        } catch (IOException e) {
            return 0;
        }
    }

    Path part(String id) {
        return dir.resolve(id + ".part");
    }

    /** Removes an upload: its row and its file. */
    void discard(String id) {
        progress.remove(id);
        db.write(tx -> records.deleteUpload(tx, id));
        try {
            Files.deleteIfExists(part(id));
        } catch (IOException e) {
            log.warn("Could not delete {}: {}", part(id), e.toString());
        }
    }

    /** Expired uploads leave nothing behind: row and file go. */
    @Scheduled(fixedDelayString = "${parley.media.sweep-interval:5m}", initialDelayString = "${parley.media.sweep-interval:5m}")
    void sweep() {
        List<String> expired = db.read(tx -> records.expiredUploads(tx, clock.millis()));
        for (String id : expired) {
            Progress p = progress.get(id);
            if (p != null && p.lock.availablePermits() == 0) continue; // still receiving: next round
            discard(id);
        }
        if (!expired.isEmpty()) log.debug("Swept {} expired uploads", expired.size());
    }

    /** At start: files in the uploads folder that no upload row owns (left by a crash) are deleted. */
    private void removeStrayFiles() throws IOException {
        Set<String> live = new HashSet<>(db.read(records::uploadIds));
        try (DirectoryStream<Path> files = Files.newDirectoryStream(dir)) {
            for (Path f : files) {
                String n = f.getFileName().toString();
                if (!(n.endsWith(".part") && live.contains(n.substring(0, n.length() - 5)))) Files.deleteIfExists(f);
            }
        }
    }

    static String randomId() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
