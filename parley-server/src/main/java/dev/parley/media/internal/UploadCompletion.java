package dev.parley.media.internal;

import dev.parley.media.MediaView;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.DigestInputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.locks.ReentrantLock;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * What happens when the last byte of an upload is in: the type is detected from the bytes and checked against the
 * declared kind's allow-list and the client's claimed type; the kind's processing runs (images: pixel limit,
 * metadata stripping, thumbnail; voice: duration and waveform; video: duration, size, poster); then the blobs are
 * stored (content-addressed) and the media row is written, in that order. Whatever fails, the upload is discarded
 * and every file it produced is deleted: nothing half-stored remains.
 */
@Component
class UploadCompletion {
    private static final Logger log = LoggerFactory.getLogger(UploadCompletion.class);
    private static final int POSTER_MAX_SIDE = 1280;

    private final Db db;
    private final MediaRecords records;
    private final MediaStore store;
    private final Ffmpeg ffmpeg;
    private final MediaProperties media;
    private final Clock clock;
    private final Path work;
    /** Putting a blob and recording its row, or deleting an unused blob, hold the stripe of its hash. */
    private final ReentrantLock[] stripes = new ReentrantLock[64];

    UploadCompletion(Db db, MediaRecords records, MediaStore store, Ffmpeg ffmpeg, MediaProperties media, ParleyProperties props,
                     Clock clock) throws IOException {
        this.db = db;
        this.records = records;
        this.store = store;
        this.ffmpeg = ffmpeg;
        this.media = media;
        this.clock = clock;
        this.work = MediaSetup.uploadsDir(props);
        for (int i = 0; i < stripes.length; i++) stripes[i] = new ReentrantLock();
    }

    /** Processes and stores the finished upload; always removes the upload row and its file. Blocking. */
    MediaView complete(MediaRecords.UploadRow u, Path part, String sha256) {
        List<Path> produced = new ArrayList<>();
        boolean recorded = false;
        try {
            String type = detect(u, part);
            Processed p = process(u, part, type, sha256, produced);
            MediaView view = record(u, type, p);
            recorded = true;
            return view;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            if (!recorded) db.write(tx -> records.deleteUpload(tx, u.id()));
            for (Path f : produced) deleteQuietly(f);
            deleteQuietly(part);
        }
    }

    /** The detected content type, if the declared kind allows it and it agrees with the client's claim. */
    private String detect(MediaRecords.UploadRow u, Path part) throws IOException {
        String type = TypeSniffer.sniff(part, u.kind());
        if (type == null || type.equals(TypeSniffer.EXECUTABLE)) {
            throw new ParleyException(ErrorCode.MEDIA_TYPE_NOT_ALLOWED, "This type of file is not allowed.");
        }
        if (!u.kind().allowed.contains(type)) {
            throw new ParleyException(ErrorCode.MEDIA_TYPE_MISMATCH, "The bytes are " + type + ", which is not a " + u.kind().wire() + ".");
        }
        String claim = TypeSniffer.normaliseClaim(u.contentType());
        if (!TypeSniffer.claimMatches(claim, type)) {
            throw new ParleyException(ErrorCode.MEDIA_TYPE_MISMATCH, "The bytes are " + type + ", not " + claim + ".");
        }
        return type;
    }

    private record Processed(Path stored, String sha256, long size, Integer width, Integer height, Long durationMs, String waveform,
                             Path thumbnail, String thumbnailType, Path poster) {}

    private Processed process(MediaRecords.UploadRow u, Path part, String type, String sha256, List<Path> produced) throws IOException {
        Long duration = u.durationMs();
        String waveform = u.waveform();
        switch (u.kind()) {
            case IMAGE -> {
                ImageProcessing.Result r = ImageProcessing.process(part, type, media.maxImagePixels(), media.thumbnailSize(), work);
                if (r.stored() != part) produced.add(r.stored());
                if (r.thumbnail() != null) produced.add(r.thumbnail());
                String sha = r.stored() == part ? sha256 : hash(r.stored());
                return new Processed(r.stored(), sha, Files.size(r.stored()), r.width(), r.height(), null, null, r.thumbnail(),
                        thumbnailType(r.thumbnail()), null);
            }
            case VOICE -> {
                Ffmpeg.Budget budget = ffmpeg.budget();
                Ffmpeg.Probe probe = probe(part, type, budget);
                if (probe != null) {
                    if (!probe.hasAudio()) throw new ParleyException(ErrorCode.MEDIA_TYPE_MISMATCH, "A voice message needs an audio stream.");
                    if (probe.durationMs() != null) duration = probe.durationMs();
                    if (probe.durationMs() == null || probe.durationMs() <= Ffmpeg.WAVEFORM_MAX_SECONDS * 1000L) {
                        int[] wave = unlessTimedOut(() -> ffmpeg.waveform(part, type, budget));
                        if (wave != null) waveform = Arrays.stream(wave).mapToObj(String::valueOf).collect(Collectors.joining(","));
                    }
                }
                return new Processed(part, sha256, Files.size(part), null, null, duration, waveform, null, null, null);
            }
            case VIDEO -> {
                Ffmpeg.Budget budget = ffmpeg.budget();
                Ffmpeg.Probe probe = probe(part, type, budget);
                Integer w = null, h = null;
                Path poster = null, thumb = null;
                if (probe != null) {
                    if (!probe.hasVideo()) throw new ParleyException(ErrorCode.MEDIA_TYPE_MISMATCH, "A video needs a video stream.");
                    if (probe.durationMs() != null) duration = probe.durationMs();
                    w = probe.width();
                    h = probe.height();
                    // The poster is decoded by ffmpeg: only for frames within the image pixel limit.
                    if (w != null && h != null && (long) w * h <= media.maxImagePixels()) {
                        poster = unlessTimedOut(() -> ffmpeg.poster(part, type, POSTER_MAX_SIDE, work, budget));
                        if (poster != null) {
                            produced.add(poster);
                            int[] d = ImageProcessing.dimensions(poster);
                            thumb = ImageProcessing.thumbnail(poster, d[0], d[1], 1, media.thumbnailSize(), work);
                            if (thumb != null) produced.add(thumb);
                        }
                    }
                }
                return new Processed(part, sha256, Files.size(part), w, h, duration, null, thumb, thumbnailType(thumb), poster);
            }
            default -> {
                return new Processed(part, sha256, Files.size(part), null, null, null, null, null, null, null);
            }
        }
    }

    /**
     * ffprobe's reading, or null without ffmpeg or when its time ran out (then the upload is stored as without
     * ffmpeg); a file ffprobe cannot read is not the type it starts as.
     */
    private Ffmpeg.Probe probe(Path part, String type, Ffmpeg.Budget budget) throws IOException {
        try {
            return unlessTimedOut(() -> ffmpeg.probe(part, type, budget));
        } catch (Ffmpeg.Unreadable e) {
            throw new ParleyException(ErrorCode.MEDIA_TYPE_MISMATCH, "The bytes are not readable as " + type + ".");
        }
    }

    private interface FfmpegWork<T> {
        T run() throws IOException;
    }

    /** What ffmpeg computed, or null when the upload's ffmpeg time ran out: derived data is best effort. */
    private static <T> T unlessTimedOut(FfmpegWork<T> work) throws IOException {
        try {
            return work.run();
        } catch (Ffmpeg.TimedOut e) {
            log.info("Media: {}; the upload is stored without it", e.getMessage());
            return null;
        }
    }

    private static String thumbnailType(Path thumb) throws IOException {
        if (thumb == null) return null;
        try (InputStream in = Files.newInputStream(thumb)) {
            return (in.read() & 0xFF) == 0x89 ? "image/png" : "image/jpeg";
        }
    }

    /** Blobs first, then the row; a failure in between deletes the blobs no row uses. */
    private MediaView record(MediaRecords.UploadRow u, String type, Processed p) throws IOException {
        String thumbSha = p.thumbnail() == null ? null : hash(p.thumbnail());
        Long thumbSize = p.thumbnail() == null ? null : Files.size(p.thumbnail());
        String posterSha = p.poster() == null ? null : hash(p.poster());
        Long posterSize = p.poster() == null ? null : Files.size(p.poster());
        var row = new MediaRecords.MediaRow(MediaUploads.randomId(), u.userId(), u.kind().wire(), u.name(), p.size(), type, p.sha256(),
                p.width(), p.height(), p.durationMs(), p.waveform(), thumbSha, thumbSize, p.thumbnailType(), posterSha, posterSize,
                clock.millis());
        List<ReentrantLock> held = lock(p.sha256(), thumbSha, posterSha);
        try {
            try {
                if (thumbSha != null) store.put(thumbSha, p.thumbnail());
                if (posterSha != null) store.put(posterSha, p.poster());
                store.put(p.sha256(), p.stored());
                db.write(tx -> {
                    records.insertMedia(tx, row, u.id(), u.size());
                    records.deleteUpload(tx, u.id());
                    return null;
                });
            } catch (IOException | RuntimeException e) {
                for (String sha : new String[] {p.sha256(), thumbSha, posterSha}) {
                    if (sha != null && !db.read(tx -> records.blobInUse(tx, sha))) deleteBlobQuietly(sha);
                }
                throw e;
            }
        } finally {
            held.forEach(ReentrantLock::unlock);
        }
        log.debug("Stored media {} ({}, {} bytes)", row.id(), type, p.size());
        return row.view();
    }

    /** The stripes of the given hashes, locked in index order (no deadlock between two completions). */
    private List<ReentrantLock> lock(String... shas) {
        List<Integer> idx = Arrays.stream(shas).filter(s -> s != null).map(s -> Integer.parseInt(s.substring(0, 2), 16) % stripes.length)
                .distinct().sorted().toList();
        List<ReentrantLock> held = new ArrayList<>();
        for (int i : idx) {
            stripes[i].lock();
            held.add(stripes[i]);
        }
        return held;
    }

    private void deleteBlobQuietly(String sha) {
        try {
            store.delete(sha);
        } catch (IOException e) {
            log.warn("Could not delete unused blob {}: {}", sha, e.toString());
        }
    }

    static String hash(Path file) throws IOException {
        try (InputStream in = new DigestInputStream(Files.newInputStream(file), sha256())) {
            in.transferTo(java.io.OutputStream.nullOutputStream());
            return HexFormat.of().formatHex(((DigestInputStream) in).getMessageDigest().digest());
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void deleteQuietly(Path f) {
        try {
            Files.deleteIfExists(f);
        } catch (IOException ignored) {
            // a work file left behind is removed at the next start
        }
    }
}
