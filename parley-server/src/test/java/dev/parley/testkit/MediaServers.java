package dev.parley.testkit;

import java.util.HashMap;
import java.util.Map;

/**
 * The servers the media tests run on, per database and store: the shared server of the database for the local
 * store, and a second shared server per database on S3 (S3Proxy), both started on first use and kept for the run.
 * Also servers with other media settings (small limits, no ffmpeg), one per database, store and purpose.
 */
public final class MediaServers {
    private static final Map<String, ParleyServer> SERVERS = new HashMap<>();

    private MediaServers() {}

    public static ParleyServer server(Backend backend, Store store) {
        if (store == Store.LOCAL) return backend.server();
        return other(backend, store, "shared", Map.of());
    }

    /** A server with {@code settings} on top of the store's, shared by all tests that ask for the same purpose. */
    public static synchronized ParleyServer other(Backend backend, Store store, String purpose, Map<String, Object> settings) {
        String key = backend + "/" + store + "/" + purpose;
        ParleyServer s = SERVERS.get(key);
        if (s != null) return s;
        Map<String, Object> all = new HashMap<>(store.settings(backend));
        if (store == Store.S3) all.put("parley.media.s3.bucket", bucketFor(backend, purpose));
        all.putAll(settings);
        try {
            s = ParleyServer.dedicated(backend, all);
        } catch (Exception e) {
            throw new IllegalStateException("could not start a media server " + key, e);
        }
        ParleyServer started = s;
        Runtime.getRuntime().addShutdownHook(new Thread(started::stop));
        SERVERS.put(key, s);
        return s;
    }

    /**
     * A server with small limits and no ffmpeg (a path that does not exist), for the limit, quota, expiry and
     * fallback tests: image 200 KB, voice 100 KB, video and file 300 KB, quota 600 KB, 1 megapixel, uploads expire
     * after 4 s and are swept every second.
     */
    public static ParleyServer restricted(Backend backend, Store store) {
        return other(backend, store, "restricted", Map.of(
                "parley.media.max-image-size", "200KB",
                "parley.media.max-voice-size", "100KB",
                "parley.media.max-video-size", "300KB",
                "parley.media.max-file-size", "300KB",
                "parley.media.quota-per-user", "600KB",
                "parley.media.max-image-pixels", "1000000",
                "parley.media.upload-expiry", "4s",
                "parley.media.sweep-interval", "1s",
                "parley.media.ffmpeg", "/nonexistent/ffmpeg",
                "parley.media.ffprobe", "/nonexistent/ffprobe"));
    }

    public static String bucketFor(Backend backend, String purpose) {
        return ("parley-" + backend.name() + "-" + purpose).toLowerCase();
    }
}
