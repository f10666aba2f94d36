package dev.parley.account.internal;

import dev.parley.platform.ParleyProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.Base64;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The HS256 key that signs access tokens: {@code parley.security.token-signing-key} when set (at least 32 bytes),
 * else 32 random bytes generated on first start and kept in {@code <data>/token-signing.key}. Never logged.
 * In a cluster, configure the same key on every node.
 */
@Component
public class SigningKey {
    private static final Logger log = LoggerFactory.getLogger(SigningKey.class);
    private final byte[] bytes;

    public SigningKey(ParleyProperties props) throws IOException {
        String configured = props.security().tokenSigningKey();
        if (configured != null && !configured.isBlank()) {
            byte[] b = configured.getBytes(StandardCharsets.UTF_8);
            if (b.length < 32) throw new IllegalArgumentException("parley.security.token-signing-key needs at least 32 bytes");
            this.bytes = b;
            return;
        }
        Path dir = props.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path file = dir.resolve("token-signing.key");
        if (Files.exists(file)) {
            this.bytes = Base64.getDecoder().decode(Files.readString(file).trim());
        } else {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            Files.writeString(file, Base64.getEncoder().encodeToString(b));
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the folder's own permissions guard it
            }
            log.info("Generated a token signing key in {}", file);
            this.bytes = b;
        }
    }

    public byte[] bytes() { return bytes.clone(); }
}
