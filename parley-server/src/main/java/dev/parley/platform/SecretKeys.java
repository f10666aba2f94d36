package dev.parley.platform;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Secret keys that are configured, or else generated once into the data folder (token signing, media URL signing).
 * A configured key must have at least 32 bytes (HS256 wants a key as long as its output). A generated one is 32
 * random bytes, Base64 in {@code <data>/<fileName>}, created readable by the owner only. In a cluster every node
 * must be configured with the same key.
 */
public final class SecretKeys {
    static final int MIN_BYTES = 32;

    private SecretKeys() {}

    /** The key and whether it was generated just now (callers log that; the key itself is never logged). */
    public record Key(byte[] bytes, boolean generated, Path file) {}

    public static Key configuredOrGenerated(String configured, String property, Path dataDir, String fileName) throws IOException {
        if (configured != null && !configured.isBlank()) {
            byte[] b = configured.getBytes(StandardCharsets.UTF_8);
            if (b.length < MIN_BYTES) throw new IllegalArgumentException(property + " needs at least " + MIN_BYTES + " bytes");
            return new Key(b, false, null);
        }
        Path dir = PrivateFiles.dataDir(dataDir);
        Path file = dir.resolve(fileName);
        if (Files.exists(file)) return new Key(Base64.getDecoder().decode(Files.readString(file).trim()), false, file);
        byte[] b = new byte[MIN_BYTES];
        new SecureRandom().nextBytes(b);
        PrivateFiles.createFile(file);
        Files.writeString(file, Base64.getEncoder().encodeToString(b));
        return new Key(b, true, file);
    }
}
