package dev.parley.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.util.Date;

/** Mints access tokens the way the server does, so that tests can make expired, forged or odd ones. */
public final class Tokens {
    private Tokens() {}

    /** A token signed with the test servers' key ({@link ParleyServer#SIGNING_KEY}). */
    public static String sign(long userId, long sessionId, long issuedAtMillis, long expiresAtMillis) {
        return sign(ParleyServer.SIGNING_KEY, JWSAlgorithm.HS256, userId, sessionId, issuedAtMillis, expiresAtMillis);
    }

    public static String sign(String key, JWSAlgorithm alg, long userId, long sessionId, long issuedAtMillis, long expiresAtMillis) {
        JWTClaimsSet claims = new JWTClaimsSet.Builder()
                .subject(Long.toString(userId))
                .claim("sid", sessionId)
                .issueTime(new Date(issuedAtMillis))
                .expirationTime(new Date(expiresAtMillis))
                .build();
        SignedJWT jwt = new SignedJWT(new JWSHeader(alg), claims);
        try {
            jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }
}
