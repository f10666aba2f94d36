package dev.parley.media;

import java.util.List;

/**
 * A stored media item as clients see it (protocol.md §15): the media view of an upload and the attachment view of a
 * message. {@code id} is unguessable (128 random bits); {@code size}, {@code contentType} and {@code sha256} describe
 * the stored bytes (images: after metadata stripping). Absent fields are left out of the JSON.
 */
public record MediaView(
        String id,
        String kind,
        String name,
        long size,
        String contentType,
        String sha256,
        Integer width,
        Integer height,
        Long durationMs,
        List<Integer> waveform,
        boolean thumbnail,
        boolean poster) {}
