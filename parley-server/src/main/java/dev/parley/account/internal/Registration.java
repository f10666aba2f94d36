package dev.parley.account.internal;

import dev.parley.account.UserSummary;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.KeyedRateLimits;
import dev.parley.platform.ParleyException;
import dev.parley.platform.UniqueViolation;
import java.time.Clock;
import java.util.Locale;
import java.util.regex.Pattern;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * Sign-up, as the registration policy allows: {@code open} (at most {@code max-per-address} accounts per client
 * address per {@code per-address-window}), {@code invite} (a registration token, used up atomically with the
 * insert; the per-address limit applies too) or {@code closed}. The cheap checks come before the password is
 * hashed, so that refused sign-ups cost no Argon2.
 */
@Component
@EnableConfigurationProperties(RegistrationSettings.class)
class Registration {
    static final Pattern USERNAME = Pattern.compile("[a-z0-9_.]{3,32}");
    static final int MIN_PASSWORD = 8;
    static final int MAX_PASSWORD = 1024;
    static final int MAX_DISPLAY_NAME = 64;
    private static final int MAX_TRACKED_ADDRESSES = 100_000;

    private final Db db;
    private final PasswordHasher hasher;
    private final Clock clock;
    private final RegistrationSettings settings;
    private final RegistrationTokens tokens;
    private final KeyedRateLimits perAddress;

    Registration(Db db, PasswordHasher hasher, Clock clock, RegistrationSettings settings, RegistrationTokens tokens) {
        this.db = db;
        this.hasher = hasher;
        this.clock = clock;
        this.settings = settings;
        this.tokens = tokens;
        this.perAddress = new KeyedRateLimits(settings.maxPerAddress() / (double) settings.perAddressWindow().toSeconds(),
                settings.maxPerAddress(), MAX_TRACKED_ADDRESSES);
    }

    RegistrationSettings.Mode mode() { return settings.modeEnum(); }

    UserSummary register(String rawUsername, String rawDisplayName, String password, String token, String address) {
        RegistrationSettings.Mode mode = settings.modeEnum();
        if (mode == RegistrationSettings.Mode.CLOSED) throw new ParleyException(ErrorCode.REGISTRATION_CLOSED);
        String username = normalizeUsername(Fields.required("username", rawUsername));
        String displayName = rawDisplayName == null || rawDisplayName.isEmpty()
                ? username : displayName(rawDisplayName);
        checkPassword("password", password);
        boolean invite = mode == RegistrationSettings.Mode.INVITE;
        if (invite && (token == null || token.isEmpty())) {
            throw new ParleyException(ErrorCode.REGISTRATION_TOKEN_INVALID, "This server needs a registration token to sign up.");
        }
        if (invite && !tokens.usable(token)) throw new ParleyException(ErrorCode.REGISTRATION_TOKEN_INVALID);
        if (!perAddress.tryTake(address)) {
            throw ParleyException.retryAfter(ErrorCode.RATE_LIMITED, Math.max(1, perAddress.secondsUntilNext(address)));
        }
        String hash = hasher.hash(password); // outside the transaction: ~tens of ms of CPU
        long now = clock.millis();
        try {
            long id = db.write(tx -> {
                if (invite && !tokens.use(tx, token, now)) throw new ParleyException(ErrorCode.REGISTRATION_TOKEN_INVALID);
                return tx.updateReturningLong(
                        "INSERT INTO users (username, display_name, password_hash, created_at) VALUES (?, ?, ?, ?) RETURNING id",
                        username, displayName, hash, now);
            });
            return new UserSummary(id, username, displayName);
        } catch (UniqueViolation e) {
            throw new ParleyException(ErrorCode.USERNAME_TAKEN); // rolled back: the token's use too
        }
    }

    static String normalizeUsername(String raw) {
        if (raw.length() > 32) throw new ParleyException(ErrorCode.INVALID_USERNAME); // before copying a huge string
        String u = raw.toLowerCase(Locale.ROOT);
        if (!USERNAME.matcher(u).matches()) throw new ParleyException(ErrorCode.INVALID_USERNAME);
        return u;
    }

    /**
     * At most 64 code points, not blank, and nothing that hides or reorders what others see: bidirectional
     * embeddings, overrides and isolates (U+202A–U+202E, U+2066–U+2069) could make a name read as someone else's
     * or flip the text around it (the "Trojan Source" trick, CVE-2021-42574), and control, format and other
     * invisible characters make names that look identical or empty. Joiners stay allowed: emoji sequences and
     * several scripts need U+200D and U+200C.
     */
    static String displayName(String raw) {
        Fields.bounded("displayName", raw, MAX_DISPLAY_NAME);
        if (raw.isBlank()) throw ParleyException.invalid("Field 'displayName' may not be blank.");
        for (int i = 0; i < raw.length(); ) {
            int cp = raw.codePointAt(i);
            if (forbiddenInName(cp)) {
                throw ParleyException.invalid(String.format(Locale.ROOT,
                        "Field 'displayName' may not contain U+%04X (control, bidirectional or invisible characters).", cp));
            }
            i += Character.charCount(cp);
        }
        return raw;
    }

    static boolean forbiddenInName(int cp) {
        if (cp == 0x200C || cp == 0x200D) return false; // ZWNJ, ZWJ: needed by emoji sequences and several scripts
        int type = Character.getType(cp);
        return type == Character.CONTROL || type == Character.FORMAT // Cc, Cf: includes U+202A–E, U+2066–9, LRM, RLM, BOM, soft hyphen, tags
                || type == Character.LINE_SEPARATOR || type == Character.PARAGRAPH_SEPARATOR
                || type == Character.SURROGATE
                || cp == 0x034F // combining grapheme joiner
                || cp == 0x115F || cp == 0x1160 || cp == 0x3164 || cp == 0xFFA0 // Hangul fillers: blank-looking letters
                || cp == 0x2800; // braille blank
    }

    static void checkPassword(String field, String password) {
        Fields.required(field, password);
        int n = password.codePointCount(0, password.length());
        if (n < MIN_PASSWORD) throw new ParleyException(ErrorCode.WEAK_PASSWORD);
        if (n > MAX_PASSWORD) throw ParleyException.invalid("Field '" + field + "' is longer than " + MAX_PASSWORD + " characters.");
    }
}
