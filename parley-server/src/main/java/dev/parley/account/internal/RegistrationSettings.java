package dev.parley.account.internal;

import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Who may create an account ({@code parley.registration.*}).
 *
 * @param mode                  {@code open} (anyone, at most {@code maxPerAddress} per address per
 *                              {@code perAddressWindow}), {@code invite} (a registration token is needed) or
 *                              {@code closed}
 * @param admins                usernames that may create registration tokens without limits, list and revoke all
 * @param usersMayCreateTokens  whether other users may create tokens too (within the caps below)
 * @param bootstrapToken        a secret accepted as a registration token with no use limit (to create the first
 *                              admin account of an invite-only server); empty: none
 */
@ConfigurationProperties("parley.registration")
public record RegistrationSettings(
        String mode,
        Integer maxPerAddress,
        Duration perAddressWindow,
        List<String> admins,
        Boolean usersMayCreateTokens,
        Integer maxTokensPerUser,
        Integer maxUsesPerUserToken,
        Duration maxUserTokenLifetime,
        String bootstrapToken) {

    public enum Mode { OPEN, INVITE, CLOSED }

    public RegistrationSettings {
        mode = mode == null || mode.isBlank() ? "open" : mode.trim().toLowerCase(Locale.ROOT);
        if (!List.of("open", "invite", "closed").contains(mode)) {
            throw new IllegalArgumentException("parley.registration.mode must be open, invite or closed, not " + mode);
        }
        if (maxPerAddress == null || maxPerAddress < 1) maxPerAddress = 5;
        if (perAddressWindow == null || perAddressWindow.isZero() || perAddressWindow.isNegative()) perAddressWindow = Duration.ofHours(1);
        admins = admins == null ? List.of() : admins.stream().filter(a -> !a.isBlank()).map(a -> a.trim().toLowerCase(Locale.ROOT)).toList();
        if (usersMayCreateTokens == null) usersMayCreateTokens = false;
        if (maxTokensPerUser == null || maxTokensPerUser < 0) maxTokensPerUser = 5;
        if (maxUsesPerUserToken == null || maxUsesPerUserToken < 1) maxUsesPerUserToken = 5;
        if (maxUserTokenLifetime == null || maxUserTokenLifetime.isZero() || maxUserTokenLifetime.isNegative()) maxUserTokenLifetime = Duration.ofDays(7);
        bootstrapToken = bootstrapToken == null || bootstrapToken.isBlank() ? null : bootstrapToken;
        if (bootstrapToken != null && bootstrapToken.length() < 16) {
            throw new IllegalArgumentException("parley.registration.bootstrap-token must have at least 16 characters");
        }
    }

    public Mode modeEnum() { return Mode.valueOf(mode.toUpperCase(Locale.ROOT)); }

    public boolean isAdmin(String username) { return admins.contains(username); }
}
