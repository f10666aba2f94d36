package dev.parley.account.internal;

import dev.parley.account.UserSummary;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import dev.parley.platform.UniqueViolation;
import java.time.Clock;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.stereotype.Component;

@Component
class Registration {
    static final Pattern USERNAME = Pattern.compile("[a-z0-9_.]{3,32}");
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 1024;
    static final int MAX_DISPLAY_NAME = 64;

    private final Db db;
    private final PasswordHasher hasher;
    private final Clock clock;

    Registration(Db db, PasswordHasher hasher, Clock clock) {
        this.db = db;
        this.hasher = hasher;
        this.clock = clock;
    }

    UserSummary register(String rawUsername, String rawDisplayName, String password) {
        String username = normalizeUsername(Fields.required("username", rawUsername));
        String displayName = rawDisplayName == null || rawDisplayName.isEmpty()
                ? username : displayName(rawDisplayName);
        checkPassword("password", password);
        String hash = hasher.hash(password); // outside the transaction: ~tens of ms of CPU
        long now = clock.millis();
        try {
            long id = db.write(tx -> tx.updateReturningLong(
                    "INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                    username, displayName, hash, now));
            return new UserSummary(id, username, displayName);
        } catch (UniqueViolation e) {
            throw new ParleyException(ErrorCode.USERNAME_TAKEN);
        }
    }

    static String normalizeUsername(String raw) {
        String u = raw.toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(u).matches()) throw new ParleyException(ErrorCode.INVALID_USERNAME);
        return u;
    }

    static String displayName(String raw) {
        Fields.bounded("displayName", raw, MAX_DISPLAY_NAME);
        if (raw.isBlank()) throw ParleyException.invalid("Field 'displayName' may not be blank.");
        return raw;
    }

    static void checkPassword(String field, String password) {
        Fields.required(field, password);
        int n = password.codePointCount(0, password.length());
        if (n < MIN_PASSWORD) throw new ParleyException(ErrorCode.WEAK_PASSWORD);
        if (n > MAX_PASSWORD) throw ParleyException.invalid("Field '" + field + "' is longer than " + MAX_PASSWORD + " characters.");
    }
}
