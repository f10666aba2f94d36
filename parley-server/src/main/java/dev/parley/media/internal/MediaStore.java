package dev.parley.media.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;

/**
 * Where media bytes live, content-addressed: the key of a blob is the lower-case hex SHA-256 of its bytes, so the
 * same bytes are stored once however often they are uploaded. Two implementations: {@link LocalMediaStore} (the
 * default, under the data folder) and {@link S3MediaStore} (any S3-compatible service, for clusters). All methods
 * block: call them from virtual threads.
 */
interface MediaStore {
    /**
     * Stores {@code source} (whose SHA-256 is {@code key}) unless a blob with that key is already there. Takes
     * ownership of {@code source}: it is moved or deleted either way.
     */
    void put(String key, Path source) throws IOException;

    boolean exists(String key) throws IOException;

    void delete(String key) throws IOException;

    /** {@code length} bytes from {@code start}; the caller closes the stream. */
    InputStream open(String key, long start, long length) throws IOException;

    /** The blob as a local file, when the store has one (served with zero-copy {@code sendfile}); else null. */
    Path localFile(String key);

    /** For the start-up report: where blobs go. */
    String describe();
}
