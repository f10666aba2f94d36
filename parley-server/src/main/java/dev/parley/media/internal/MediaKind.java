package dev.parley.media.internal;

import dev.parley.platform.ParleyException;
import java.util.Locale;
import java.util.Set;

/**
 * The four kinds a client declares at upload, each with its size limit and the content types (detected from the
 * bytes) it accepts. {@code file} takes documents and the media types, never executables.
 */
enum MediaKind {
    IMAGE(Set.of("image/jpeg", "image/png", "image/gif", "image/webp")),
    VOICE(Set.of("audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav")),
    VIDEO(Set.of("video/mp4", "video/webm", "video/quicktime")),
    FILE(Set.of("application/pdf", "text/plain", "application/zip",
            "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
            "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            "application/vnd.openxmlformats-officedocument.presentationml.presentation",
            "application/vnd.oasis.opendocument.text",
            "application/vnd.oasis.opendocument.spreadsheet",
            "application/vnd.oasis.opendocument.presentation",
            "image/jpeg", "image/png", "image/gif", "image/webp",
            "audio/webm", "audio/ogg", "audio/mp4", "audio/mpeg", "audio/wav",
            "video/mp4", "video/webm", "video/quicktime"));

    final Set<String> allowed;

    MediaKind(Set<String> allowed) {
        this.allowed = allowed;
    }

    String wire() { return name().toLowerCase(Locale.ROOT); }

    static MediaKind parse(String s) {
        if (s == null) throw ParleyException.invalid("Field 'kind' is required.");
        return switch (s) {
            case "image" -> IMAGE;
            case "voice" -> VOICE;
            case "video" -> VIDEO;
            case "file" -> FILE;
            default -> throw ParleyException.invalid("Field 'kind' must be image, voice, video or file.");
        };
    }

    static MediaKind fromWire(String s) {
        return valueOf(s.toUpperCase(Locale.ROOT));
    }

    long maxBytes(MediaProperties p) {
        return switch (this) {
            case IMAGE -> p.maxImageSize().toBytes();
            case VOICE -> p.maxVoiceSize().toBytes();
            case VIDEO -> p.maxVideoSize().toBytes();
            case FILE -> p.maxFileSize().toBytes();
        };
    }

    /** Images, voice and video are shown inline; files are only ever downloaded. */
    boolean inline() { return this != FILE; }
}
