package dev.parley.account.internal;

import dev.parley.account.Caller;
import dev.parley.account.UserDirectory;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.platform.Tx;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.sql.SQLException;
import java.time.Clock;
import java.util.Base64;
import java.util.List;
import org.springframework.stereotype.Component;

/**
 * Registration tokens (as in Synapse): each has a number of uses and an expiry. Admins
 * ({@code parley.registration.admins}) create them without limits; other users only when
 * {@code users-may-create-tokens} is on, with at most {@code max-tokens-per-user} live tokens of at most
 * {@code max-uses-per-user-token} uses and {@code max-user-token-lifetime}.
 */
@Component
class RegistrationTokens {
    /** A token as its creator sees it; {@code maxUses} and {@code expiresAt} null mean unlimited. */
    record View(String token, long createdBy, long createdAt, Long expiresAt, Integer maxUses, int uses, boolean usable) {}

    private static final int MAX_LISTED = 200;
    private static final int MAX_ADMIN_USES = 1_000_000;
    private static final String COLUMNS = "token, created_by, created_at, expires_at, max_uses, uses";
    private final SecureRandom random = new SecureRandom();
    private final Db db;
    private final UserDirectory users;
    private final RegistrationSettings settings;
    private final Clock clock;

    RegistrationTokens(Db db, UserDirectory users, RegistrationSettings settings, Clock clock) {
        this.db = db;
        this.users = users;
        this.settings = settings;
        this.clock = clock;
    }

    View create(Caller caller, Integer maxUses, Long expiresInSeconds) {
        boolean admin = isAdmin(caller);
        if (!admin && !settings.usersMayCreateTokens()) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "Only this server's admins may create registration tokens.");
        }
        long now = clock.millis();
        Integer uses;
        Long expiresAt;
        if (admin) {
            if (maxUses != null && (maxUses < 1 || maxUses > MAX_ADMIN_USES)) throw ParleyException.invalid("Field 'maxUses' must be 1 to " + MAX_ADMIN_USES + ".");
            if (expiresInSeconds != null && expiresInSeconds < 1) throw ParleyException.invalid("Field 'expiresIn' must be a positive number of seconds.");
            uses = maxUses;
            expiresAt = expiresInSeconds == null ? null : now + Math.min(expiresInSeconds, 100L * 365 * 86_400) * 1000;
        } else {
            int cap = settings.maxUsesPerUserToken();
            long life = settings.maxUserTokenLifetime().toSeconds();
            if (maxUses != null && (maxUses < 1 || maxUses > cap)) throw ParleyException.invalid("Field 'maxUses' must be 1 to " + cap + ".");
            if (expiresInSeconds != null && (expiresInSeconds < 1 || expiresInSeconds > life)) throw ParleyException.invalid("Field 'expiresIn' must be 1 to " + life + " seconds.");
            uses = maxUses == null ? 1 : maxUses;
            expiresAt = now + (expiresInSeconds == null ? life : expiresInSeconds) * 1000;
        }
        String token = newToken();
        db.write(tx -> {
            if (!admin) {
                // The caller's row lock serializes this user's concurrent creations, so the cap holds under races.
                tx.update("UPDATE users SET event_seq = event_seq WHERE id = ?", caller.userId());
                long live = tx.queryLong("SELECT COUNT(*) FROM registration_tokens WHERE created_by = ? AND " + LIVE, caller.userId(), now);
                if (live >= settings.maxTokensPerUser()) throw new ParleyException(ErrorCode.REGISTRATION_TOKEN_LIMIT);
            }
            return tx.update("INSERT INTO registration_tokens (token, created_by, created_at, expires_at, max_uses) VALUES (?, ?, ?, ?, ?)",
                    token, caller.userId(), now, expiresAt, uses);
        });
        return new View(token, caller.userId(), now, expiresAt, uses, 0, true);
    }

    /** Own tokens (an admin: everybody's), not revoked, newest first. */
    List<View> list(Caller caller) {
        boolean admin = isAdmin(caller);
        if (!admin && !settings.usersMayCreateTokens()) {
            throw new ParleyException(ErrorCode.FORBIDDEN, "Only this server's admins may create registration tokens.");
        }
        long now = clock.millis();
        return db.read(tx -> tx.query("SELECT " + COLUMNS + " FROM registration_tokens WHERE revoked_at IS NULL"
                        + (admin ? "" : " AND created_by = ?") + " ORDER BY created_at DESC, token LIMIT " + MAX_LISTED,
                rs -> {
                    Long expiresAt = Tx.nullableLong(rs, 4);
                    int max = rs.getInt(5);
                    Integer maxUses = rs.wasNull() ? null : max;
                    int used = rs.getInt(6);
                    boolean usable = (expiresAt == null || expiresAt > now) && (maxUses == null || used < maxUses);
                    return new View(rs.getString(1), rs.getLong(2), rs.getLong(3), expiresAt, maxUses, used, usable);
                }, admin ? new Object[0] : new Object[] {caller.userId()}));
    }

    void revoke(Caller caller, String token) {
        boolean admin = isAdmin(caller);
        int n = db.write(tx -> admin
                ? tx.update("UPDATE registration_tokens SET revoked_at = ? WHERE token = ? AND revoked_at IS NULL", clock.millis(), token)
                : tx.update("UPDATE registration_tokens SET revoked_at = ? WHERE token = ? AND created_by = ? AND revoked_at IS NULL",
                        clock.millis(), token, caller.userId()));
        if (n == 0) throw new ParleyException(ErrorCode.NOT_FOUND, "No such registration token of yours.");
    }

    boolean isBootstrap(String token) {
        return settings.bootstrapToken() != null && token != null
                && MessageDigest.isEqual(settings.bootstrapToken().getBytes(StandardCharsets.UTF_8), token.getBytes(StandardCharsets.UTF_8));
    }

    /** A cheap look before hashing a password: is this token usable right now? */
    boolean usable(String token) {
        if (isBootstrap(token)) return true;
        if (!plausible(token)) return false;
        return db.readOne(tx -> tx.exists("SELECT 1 FROM registration_tokens WHERE token = ? AND " + LIVE, token, clock.millis()));
    }

    /**
     * Takes one use of {@code token} inside the registering transaction; false when it is not usable. One
     * conditional UPDATE: concurrent registrations serialize on the row, and the last use goes to exactly one.
     */
    boolean use(Tx tx, String token, long now) throws SQLException {
        if (isBootstrap(token)) return true;
        if (!plausible(token)) return false;
        return tx.update("UPDATE registration_tokens SET uses = uses + 1 WHERE token = ? AND " + LIVE, token, now) == 1;
    }

    /** Not revoked, not expired (the one parameter: now), uses left. */
    private static final String LIVE = "revoked_at IS NULL AND (expires_at IS NULL OR expires_at > ?) AND (max_uses IS NULL OR uses < max_uses)";

    private static boolean plausible(String token) {
        return token != null && token.length() <= 32 && token.matches("[A-Za-z0-9_-]+");
    }

    private boolean isAdmin(Caller caller) {
        return db.readOne(tx -> users.find(tx, caller.userId())).map(u -> settings.isAdmin(u.username())).orElse(false);
    }

    private String newToken() {
        byte[] b = new byte[16];
        random.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }
}
