package dev.parley.account.internal;

import dev.parley.account.AccessTokens;
import dev.parley.account.Caller;
import dev.parley.account.UserDirectory;
import dev.parley.account.UserSummary;
import dev.parley.delivery.CloseReason;
import dev.parley.delivery.Delivery;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.ParleyProperties;
import dev.parley.platform.Tx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.springframework.stereotype.Component;

/**
 * Log in, refresh, log out, and the device sessions behind them. A refresh token is 32 random bytes, stored only
 * as its SHA-256; each use rotates it, and presenting a token that was already used revokes the whole device
 * session (the token was stolen or replayed: RFC 9700 §4.14.2, refresh token rotation).
 */
@Component
class DeviceSessions {
    record Tokens(String accessToken, long expiresIn, String refreshToken, long sessionId, UserSummary user) {}

    record SessionView(long id, String deviceName, long createdAt, long lastSeenAt, boolean current) {}

    private static final int MAX_DEVICE_NAME = 200;
    private final SecureRandom random = new SecureRandom();
    private final Db db;
    private final PasswordHasher hasher;
    private final LoginThrottle throttle;
    private final AccessTokens accessTokens;
    private final Delivery delivery;
    private final UserDirectory users;
    private final Clock clock;
    private final long refreshTtl;
    private final String decoyHash;

    DeviceSessions(Db db, PasswordHasher hasher, LoginThrottle throttle, AccessTokens accessTokens,
                   Delivery delivery, UserDirectory users, Clock clock, ParleyProperties props) {
        this.users = users;
        this.db = db;
        this.hasher = hasher;
        this.throttle = throttle;
        this.accessTokens = accessTokens;
        this.delivery = delivery;
        this.clock = clock;
        this.refreshTtl = props.security().refreshTokenTtl().toMillis();
        this.decoyHash = hasher.decoy();
    }

    record Credentials(long id, String passwordHash) {}

    Tokens login(String rawUsername, String password, String deviceName, String address) {
        // The shape of a username first: nothing that could never be an account reaches the throttle or the database.
        String username = Registration.normalizeUsername(Fields.required("username", rawUsername));
        Fields.required("password", password);
        // No stored password is longer: refuse before hashing (Argon2 reads every byte of it).
        if (password.length() > 2 * Registration.MAX_PASSWORD || password.codePointCount(0, password.length()) > Registration.MAX_PASSWORD) {
            throw ParleyException.invalid("Field 'password' is longer than " + Registration.MAX_PASSWORD + " characters.");
        }
        throttle.check(username, address);
        Optional<Credentials> creds = db.read(tx -> tx.queryOne(
                "SELECT id, password_hash FROM users WHERE username = ?",
                rs -> new Credentials(rs.getLong(1), rs.getString(2)), username));
        boolean ok = hasher.verify(password, creds.map(Credentials::passwordHash).orElse(decoyHash)) && creds.isPresent();
        if (!ok) {
            throttle.recordFailure(username, address);
            throw new ParleyException(ErrorCode.BAD_CREDENTIALS);
        }
        throttle.recordSuccess(username, address);
        String device = deviceName(deviceName);
        long userId = creds.get().id();
        String refresh = newRefreshToken();
        long now = clock.millis();
        long sessionId = db.write(tx -> {
            long sid = tx.updateReturningLong(
                    "INSERT INTO device_sessions (user_id, device_name, created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?) RETURNING id",
                    userId, device, now, now, now + refreshTtl);
            tx.update("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)", sha256(refresh), sid, now);
            return sid;
        });
        return tokens(userId, sessionId, refresh);
    }

    record RefreshOutcome(Tokens tokens, Long revokedUser, Long revokedSession) {}

    Tokens refresh(String refreshToken) {
        String presented = Fields.required("refreshToken", refreshToken);
        String hash = sha256(presented);
        String next = newRefreshToken();
        long now = clock.millis();
        RefreshOutcome out = db.write(tx -> {
            record Row(long sessionId, long userId, Long usedAt, Long revokedAt, long expiresAt) {}
            Optional<Row> row = tx.queryOne("""
                    SELECT t.session_id, s.user_id, t.used_at, s.revoked_at, s.expires_at
                    FROM refresh_tokens t JOIN device_sessions s ON s.id = t.session_id WHERE t.token_hash = ?""",
                    rs -> new Row(rs.getLong(1), rs.getLong(2), Tx.nullableLong(rs, 3),
                            Tx.nullableLong(rs, 4), rs.getLong(5)), hash);
            if (row.isEmpty()) throw new ParleyException(ErrorCode.TOKEN_INVALID);
            Row r = row.get();
            if (r.revokedAt() != null) throw new ParleyException(ErrorCode.TOKEN_REVOKED);
            if (r.expiresAt() <= now) throw new ParleyException(ErrorCode.TOKEN_EXPIRED);
            if (r.usedAt() != null) {
                // Reuse of a rotated token: revoke the whole device session, committed, then refuse.
                revoke(tx, r.sessionId(), now);
                return new RefreshOutcome(null, r.userId(), r.sessionId());
            }
            if (tx.update("UPDATE refresh_tokens SET used_at = ? WHERE token_hash = ? AND used_at IS NULL", now, hash) == 0) {
                // A concurrent refresh with the same token won: this one is a reuse.
                revoke(tx, r.sessionId(), now);
                return new RefreshOutcome(null, r.userId(), r.sessionId());
            }
            tx.update("INSERT INTO refresh_tokens (token_hash, session_id, created_at) VALUES (?, ?, ?)", sha256(next), r.sessionId(), now);
            tx.update("UPDATE device_sessions SET last_seen_at = ?, expires_at = ? WHERE id = ?", now, now + refreshTtl, r.sessionId());
            return new RefreshOutcome(new Tokens(null, 0, next, r.sessionId(), null), r.userId(), null);
        });
        if (out.revokedSession() != null) {
            accessTokens.forget(out.revokedSession());
            delivery.closeSession(out.revokedUser(), out.revokedSession(), CloseReason.SESSION_REVOKED);
            throw new ParleyException(ErrorCode.TOKEN_REVOKED, "This refresh token was already used; the device session is revoked.");
        }
        return tokens(out.revokedUser(), out.tokens().sessionId(), next);
    }

    void logout(Caller caller) {
        revokeOwn(caller.userId(), caller.sessionId());
    }

    List<SessionView> list(Caller caller) {
        return db.read(tx -> tx.query("""
                SELECT id, device_name, created_at, last_seen_at FROM device_sessions
                WHERE user_id = ? AND revoked_at IS NULL AND expires_at > ? ORDER BY last_seen_at DESC""",
                rs -> new SessionView(rs.getLong(1), rs.getString(2), rs.getLong(3), rs.getLong(4),
                        rs.getLong(1) == caller.sessionId()),
                caller.userId(), clock.millis()));
    }

    void revokeOwn(long userId, long sessionId) {
        long now = clock.millis();
        int n = db.write(tx -> tx.update(
                "UPDATE device_sessions SET revoked_at = ? WHERE id = ? AND user_id = ? AND revoked_at IS NULL", now, sessionId, userId));
        if (n == 0) throw new ParleyException(ErrorCode.SESSION_NOT_FOUND);
        accessTokens.forget(sessionId);
        delivery.closeSession(userId, sessionId, CloseReason.SESSION_REVOKED);
    }

    void changePassword(Caller caller, String current, String next) {
        Fields.required("currentPassword", current);
        Registration.checkPassword("newPassword", next);
        String stored = db.read(tx -> tx.queryOne("SELECT password_hash FROM users WHERE id = ?", rs -> rs.getString(1), caller.userId()))
                .orElseThrow(() -> new ParleyException(ErrorCode.UNAUTHORIZED));
        // A stolen access token must not allow unlimited guessing: wrong current passwords count like failed logins.
        String username = db.read(tx -> users.find(tx, caller.userId())).orElseThrow().username();
        throttle.check(username, "session:" + caller.sessionId());
        if (!hasher.verify(current, stored)) {
            throttle.recordFailure(username, "session:" + caller.sessionId());
            throw new ParleyException(ErrorCode.BAD_CREDENTIALS, "The current password is wrong.");
        }
        String hash = hasher.hash(next);
        long now = clock.millis();
        List<Long> others = db.write(tx -> {
            tx.update("UPDATE users SET password_hash = ? WHERE id = ?", hash, caller.userId());
            List<Long> ids = tx.query("SELECT id FROM device_sessions WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
                    rs -> rs.getLong(1), caller.userId(), caller.sessionId());
            tx.update("UPDATE device_sessions SET revoked_at = ? WHERE user_id = ? AND id <> ? AND revoked_at IS NULL",
                    now, caller.userId(), caller.sessionId());
            return ids;
        });
        for (long sid : others) {
            accessTokens.forget(sid);
            delivery.closeSession(caller.userId(), sid, CloseReason.SESSION_REVOKED);
        }
    }

    private Tokens tokens(long userId, long sessionId, String refresh) {
        UserSummary user = db.read(tx -> users.find(tx, userId)).orElseThrow();
        return new Tokens(accessTokens.issue(userId, sessionId), accessTokens.ttlSeconds(), refresh, sessionId, user);
    }

    private static void revoke(Tx tx, long sessionId, long now) throws SQLException {
        tx.update("UPDATE device_sessions SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL", now, sessionId);
    }

    private static String deviceName(String raw) {
        if (raw == null || raw.isBlank()) return "unknown device";
        String s = Fields.checkText("deviceName", raw);
        return s.codePointCount(0, s.length()) <= MAX_DEVICE_NAME ? s : s.substring(0, s.offsetByCodePoints(0, MAX_DEVICE_NAME));
    }

    private String newRefreshToken() {
        byte[] b = new byte[32];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
