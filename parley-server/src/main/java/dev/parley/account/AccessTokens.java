package dev.parley.account;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.account.internal.SigningKey;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import org.springframework.stereotype.Component;

/**
 * Short-lived access tokens: HS256-signed JWTs (RFC 7519) with the user ({@code sub}) and device session
 * ({@code sid}). Verification also checks the session is still live, so a revoked session's tokens stop
 * working at once rather than at expiry.
 */
@Component
public class AccessTokens {
    private final MACSigner signer;
    private final MACVerifier verifier;
    private final Db db;
    private final Clock clock;
    private final long ttlMillis;

    public AccessTokens(SigningKey key, Db db, Clock clock, ParleyProperties props) throws JOSEException {
        this.signer = new MACSigner(key.bytes());
        this.verifier = new MACVerifier(key.bytes());
        this.db = db;
        this.clock = clock;
        this.ttlMillis = props.security().accessTokenTtl().toMillis();
    }

    public long ttlSeconds() { return ttlMillis / 1000; }

    public String issue(long userId, long sessionId) {
        long now = clock.millis();
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(Long.toString(userId))
                .claim("sid", sessionId)
                .issueTime(new Date(now))
                .expirationTime(new Date(now + ttlMillis))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims);
        try {
            jwt.sign(signer);
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Checks signature, expiry and that the device session is live. Blocking (one indexed read). */
    public Caller verify(String token) {
        Caller caller = verifySignatureAndExpiry(token);
        boolean live = db.read(tx -> tx.exists(
                "SELECT 1 FROM device_sessions WHERE id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?",
                caller.sessionId(), caller.userId(), clock.millis()));
        if (!live) throw new ParleyException(ErrorCode.TOKEN_REVOKED);
        return caller;
    }

    Caller verifySignatureAndExpiry(String token) {
        if (token == null || token.isBlank()) throw new ParleyException(ErrorCode.UNAUTHORIZED);
        try {
            SignedJWT jwt = SignedJWT.parse(token.trim());
            if (!JWSAlgorithm.HS256.equals(jwt.getHeader().getAlgorithm()) || !jwt.verify(verifier)) {
                throw new ParleyException(ErrorCode.TOKEN_INVALID);
            }
            JWTClaimsSet c = jwt.getJWTClaimsSet();
            Date exp = c.getExpirationTime();
            if (exp == null || c.getSubject() == null || c.getClaim("sid") == null) {
                throw new ParleyException(ErrorCode.TOKEN_INVALID);
            }
            if (exp.getTime() <= clock.millis()) throw new ParleyException(ErrorCode.TOKEN_EXPIRED);
            return new Caller(Long.parseLong(c.getSubject()), c.getLongClaim("sid"));
        } catch (ParseException | JOSEException | NumberFormatException e) {
            throw new ParleyException(ErrorCode.TOKEN_INVALID);
        }
    }
}
