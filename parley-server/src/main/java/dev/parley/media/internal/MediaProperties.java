package dev.parley.media.internal;

import java.time.Duration;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/** {@code parley.media.*} in application.yml (protocol.md §11 lists every key and its environment variable). */
@ConfigurationProperties("parley.media")
public record MediaProperties(
        String store,
        DataSize maxImageSize,
        DataSize maxVoiceSize,
        DataSize maxVideoSize,
        DataSize maxFileSize,
        DataSize quotaPerUser,
        long maxImagePixels,
        int thumbnailSize,
        Duration uploadExpiry,
        Duration urlTtl,
        String urlSigningKey,
        String ffmpeg,
        String ffprobe,
        int maxOpenUploads,
        int ffmpegMaxProcesses,
        Duration ffmpegTimeout,
        S3 s3) {

    /** Any S3-compatible service, addressed path-style ({@code endpoint/bucket/key}), signed with AWS SigV4. */
    public record S3(String endpoint, String bucket, String region, String accessKey, String secretKey, String prefix) {}

    /** The cap on ffmpeg and ffprobe processes at once: the setting, or the number of cores when it is 0 or less. */
    int ffmpegProcesses() {
        return ffmpegMaxProcesses > 0 ? ffmpegMaxProcesses : Runtime.getRuntime().availableProcessors();
    }

    boolean s3Store() {
        return "s3".equalsIgnoreCase(store);
    }
}
