package dev.parley.testkit;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.PlainJWT;
import com.nimbusds.jwt.SignedJWT;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Date;

/** Access tokens made by hand: expired, forged or malformed ones, to check that the server refuses them. */
public final class Tokens {
    private Tokens() {}

    /** A token as the server would issue it, with the given validity window, signed with {@code key}. */
    public static String mint(String key, Object subject, Object sessionId, Date issuedAt, Date expires) {
        JWTClaimsSet.Builder claims = new JWTClaimsSet.Builder().issueTime(issuedAt);
        if (subject != null) claims.subject(subject.toString());
        if (sessionId != null) claims.claim("sid", sessionId);
        if (expires != null) claims.expirationTime(expires);
        SignedJWT jwt = new SignedJWT(new JWSHeader(JWSAlgorithm.HS256), claims.build());
        try {
            jwt.sign(new MACSigner(key.getBytes(StandardCharsets.UTF_8)));
        } catch (JOSEException e) {
            throw new IllegalStateException(e);
        }
        return jwt.serialize();
    }

    /** Correctly signed with the test server's key but expired {@code ago}. */
    public static String expired(Users.Device d, Duration ago) {
        long now = System.currentTimeMillis();
        return mint(ParleyServer.SIGNING_KEY, d.user().id(), d.sessionId(),
                new Date(now - ago.toMillis() - 900_000), new Date(now - ago.toMillis()));
    }

    /** Valid claims for the device, signed with a key the server does not know. */
    public static String forged(Users.Device d) {
        long now = System.currentTimeMillis();
        return mint("someone-elses-signing-key-0123456789abcdef", d.user().id(), d.sessionId(), new Date(now), new Date(now + 900_000));
    }

    /** Valid claims for the device, signed correctly, for tweaking one claim at a time. */
    public static String valid(Object subject, Object sessionId) {
        long now = System.currentTimeMillis();
        return mint(ParleyServer.SIGNING_KEY, subject, sessionId, new Date(now), new Date(now + 900_000));
    }

    /** An unsecured JWT ({@code "alg":"none"}) carrying the device's claims: must never be accepted. */
    public static String unsigned(Users.Device d) {
        long now = System.currentTimeMillis();
        return new PlainJWT(new JWTClaimsSet.Builder().subject(Long.toString(d.user().id())).claim("sid", d.sessionId())
                .issueTime(new Date(now)).expirationTime(new Date(now + 900_000)).build()).serialize();
    }

    /** A token signed with the test servers' key ({@link ParleyServer#SIGNING_KEY}). */
    public static String sign(long userId, long sessionId, long issuedAtMillis, long expiresAtMillis) {
        return sign(ParleyServer.SIGNING_KEY, JWSAlgorithm.HS256, userId, sessionId, issuedAtMillis, expiresAtMillis);
    }

    /** A token with any HMAC algorithm and key (for wrong-key and wrong-algorithm cases). */
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
