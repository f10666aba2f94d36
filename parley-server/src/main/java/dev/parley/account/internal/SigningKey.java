package dev.parley.account.internal;

import dev.parley.platform.ParleyProperties;
import dev.parley.platform.SecretKeys;
import java.io.IOException;
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
        SecretKeys.Key key = SecretKeys.configuredOrGenerated(props.security().tokenSigningKey(),
                "parley.security.token-signing-key", props.dataDir(), "token-signing.key");
        if (key.generated()) log.info("Generated a token signing key in {}", key.file());
        this.bytes = key.bytes();
    }

    public byte[] bytes() { return bytes.clone(); }
}
