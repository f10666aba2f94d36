package dev.parley.account;

import com.nimbusds.jose.JOSEException;
import com.nimbusds.jose.JWSAlgorithm;
import com.nimbusds.jose.JWSHeader;
import com.nimbusds.jose.crypto.MACSigner;
import com.nimbusds.jose.crypto.MACVerifier;
import com.nimbusds.jwt.JWTClaimsSet;
import com.nimbusds.jwt.SignedJWT;
import dev.parley.account.internal.SigningKey;
import dev.parley.delivery.Connection;
import dev.parley.delivery.ConnectionListener;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import java.text.ParseException;
import java.time.Clock;
import java.util.Date;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.springframework.stereotype.Component;

/**
 * Short-lived access tokens: HS256-signed JWTs (RFC 7519) with the user ({@code sub}) and device session
 * ({@code sid}). Verification also checks the session is still live, so a revoked session's tokens stop
 * working at once rather than at expiry.
 */
@Component
public class AccessTokens implements ConnectionListener {
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

    /**
     * Checks signature, expiry and that the device session is live. Blocking: one indexed read, unless this node
     * found the session live in the last {@link #LIVE_FOR_MILLIS}, or had a connection of it open then (a reconnect
     * storm checks every session at once, and REST calls check on every request). A revocation on this node takes effect at once ({@link #forget});
     * one on another node, after at most that long (until revocations are shared between nodes).
     */
    public Caller verify(String token) {
        Caller caller = verifySignatureAndExpiry(token);
        if (!sessionLive(caller.userId(), caller.sessionId())) throw new ParleyException(ErrorCode.TOKEN_REVOKED);
        return caller;
    }

    /**
     * Whether the user's device session is neither revoked (logout, password change, refresh token reuse) nor expired:
     * for credentials bound to a session other than its access tokens (signed media paths). Blocking, and as cheap as
     * {@link #verify}: a session found live in the last {@link #LIVE_FOR_MILLIS} is not read again.
     */
    public boolean sessionLive(long userId, long sessionId) {
        long now = clock.millis();
        Live known = live.get(sessionId);
        if (known != null && known.userId() == userId && now - known.checkedAt() < LIVE_FOR_MILLIS && known.expiresAt() > now) {
            return true;
        }
        long generation = revocations.get();
        Optional<Long> expiresAt = db.readOne(tx -> tx.queryOne(
                "SELECT expires_at FROM device_sessions WHERE id = ? AND user_id = ? AND revoked_at IS NULL AND expires_at > ?",
                rs -> rs.getLong(1), sessionId, userId, now));
        if (expiresAt.isEmpty()) return false;
        // Not if a revocation ran meanwhile: this read may have come before it.
        if (revocations.get() == generation) {
            if (live.size() >= MAX_LIVE) live.values().removeIf(l -> now - l.checkedAt() >= LIVE_FOR_MILLIS);
            live.put(sessionId, new Live(userId, expiresAt.get(), now));
        }
        return true;
    }

    /** After a device session was revoked (committed): its tokens stop working on this node at once. */
    public void forget(long sessionId) {
        revocations.incrementAndGet();
        live.remove(sessionId);
    }

    @Override
    public void opened(Connection connection) {}

    /**
     * A session whose connection was open on this node until now was live until now: every revocation on this node
     * forgets the session before it closes the session's connections, so a session still remembered here was not
     * revoked here. The session counts as checked now, and a reconnect within {@link #LIVE_FOR_MILLIS} (a dropped
     * network, a reconnect storm after a load balancer restart) needs no read. A forgotten session stays forgotten.
     */
    @Override
    public void closed(Connection connection) {
        long now = clock.millis();
        live.computeIfPresent(connection.sessionId(),
                (id, l) -> l.userId() == connection.userId() ? new Live(l.userId(), l.expiresAt(), now) : l);
    }

    /** How long a session found live is taken as live without reading it again. */
    static final long LIVE_FOR_MILLIS = 10_000;
    /** Past this many remembered sessions, the stale ones are dropped (about 80 bytes each). */
    static final int MAX_LIVE = 50_000;

    private record Live(long userId, long expiresAt, long checkedAt) {}

    private final ConcurrentHashMap<Long, Live> live = new ConcurrentHashMap<>();
    private final AtomicLong revocations = new AtomicLong();

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
