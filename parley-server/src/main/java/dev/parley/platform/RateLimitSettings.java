package dev.parley.platform;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * {@code parley.rate-limits.*}: per-user budgets of the actions that cost the server or other users the most, each a
 * token bucket of {@code per-second} and {@code burst} (in the spirit of Synapse's {@code rc_*} settings). The frame
 * budget is {@code parley.limits.frames-per-second} and {@code frame-burst}, also per user.
 */
@ConfigurationProperties("parley.rate-limits")
public record RateLimitSettings(
        Rate sends,
        Rate friendRequests,
        Rate groupCreations,
        Rate groupJoins,
        Rate inviteCreations,
        Rate uploads,
        Rate searches,
        int maxUsers) {

    /** Refills {@code perSecond} (may be below 1: 0.05 is 3 a minute), holds at most {@code burst}. */
    public record Rate(double perSecond, int burst) {}
}
