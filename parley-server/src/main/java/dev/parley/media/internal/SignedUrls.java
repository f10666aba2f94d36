package dev.parley.media.internal;

import dev.parley.platform.ParleyProperties;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Paths that work without an Authorization header, for {@code <img>}, {@code <video>} and {@code <audio>}:
 * HMAC-SHA256 over the media id, the variant (content, thumbnail, poster), the user and the expiry. The server
 * still checks, on every use, that this user may see the media. The key is {@code parley.media.url-signing-key}
 * (at least 32 bytes; set the same on every node of a cluster), else 32 random bytes generated once into
 * {@code <data>/media-url-signing.key}, like the token signing key. Never logged.
 */
@Component
class SignedUrls {
    private final byte[] key;

    SignedUrls(MediaProperties media, ParleyProperties props) throws IOException {
        String configured = media.urlSigningKey();
        if (configured != null && !configured.isBlank()) {
            byte[] b = configured.getBytes(StandardCharsets.UTF_8);
            if (b.length < 32) throw new IllegalArgumentException("parley.media.url-signing-key needs at least 32 bytes");
            this.key = b;
            return;
        }
        Path dir = props.dataDir().toAbsolutePath().normalize();
        Files.createDirectories(dir);
        Path file = dir.resolve("media-url-signing.key");
        if (Files.exists(file)) {
            this.key = Base64.getDecoder().decode(Files.readString(file).trim());
        } else {
            byte[] b = new byte[32];
            new SecureRandom().nextBytes(b);
            Files.writeString(file, Base64.getEncoder().encodeToString(b));
            try {
                Files.setPosixFilePermissions(file, PosixFilePermissions.fromString("rw-------"));
            } catch (UnsupportedOperationException ignored) {
                // not a POSIX file system: the folder's own permissions guard it
            }
            this.key = b;
        }
    }

    String sign(String mediaId, String variant, long userId, long expiresAt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((mediaId + "\n" + variant + "\n" + userId + "\n" + expiresAt).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean valid(String mediaId, String variant, long userId, long expiresAt, String signature) {
        if (signature == null) return false;
        return MessageDigest.isEqual(sign(mediaId, variant, userId, expiresAt).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
