package dev.parley.media.internal;

import dev.parley.platform.ParleyProperties;
import dev.parley.platform.SecretKeys;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.Base64;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.springframework.stereotype.Component;

/**
 * Paths that work without an Authorization header, for {@code <img>}, {@code <video>} and {@code <audio>}:
 * HMAC-SHA256 over the media id, the variant (content, thumbnail, poster), the user, the device session and the
 * expiry. The server still checks, on every use, that the device session is live (cached like access tokens) and
 * that this user may see the media. The key is {@code parley.media.url-signing-key}
 * (at least 32 bytes; set the same on every node of a cluster), else 32 random bytes generated once into
 * {@code <data>/media-url-signing.key}, like the token signing key. Never logged.
 */
@Component
class SignedUrls {
    private final byte[] key;

    SignedUrls(MediaProperties media, ParleyProperties props) throws IOException {
        this.key = SecretKeys.configuredOrGenerated(media.urlSigningKey(), "parley.media.url-signing-key", props.dataDir(),
                "media-url-signing.key").bytes();
    }

    String sign(String mediaId, String variant, long userId, long sessionId, long expiresAt) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            byte[] sig = mac.doFinal((mediaId + "\n" + variant + "\n" + userId + "\n" + sessionId + "\n" + expiresAt).getBytes(StandardCharsets.UTF_8));
            return Base64.getUrlEncoder().withoutPadding().encodeToString(sig);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    boolean valid(String mediaId, String variant, long userId, long sessionId, long expiresAt, String signature) {
        if (signature == null) return false;
        return MessageDigest.isEqual(sign(mediaId, variant, userId, sessionId, expiresAt).getBytes(StandardCharsets.US_ASCII),
                signature.getBytes(StandardCharsets.US_ASCII));
    }
}
