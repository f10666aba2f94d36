package dev.parley.platform;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.stereotype.Component;

/**
 * The per-user rate limits: one bucket per user for frames (all of a user's WebSocket connections and long-poll
 * sessions together) and one per action. Feature modules check the action in their operation, so REST and
 * connections are covered alike; a refusal is {@code rate_limited} with {@code retryAfter}. Each check is one
 * lookup and allocates nothing unless it refuses. Counted in this node's memory.
 */
@Component
@EnableConfigurationProperties(RateLimitSettings.class)
public class RateLimits {
    public enum Action {
        SENDS("Too many messages; slow down."),
        FRIEND_REQUESTS("Too many friend requests; try again later."),
        GROUP_CREATIONS("Too many new groups; try again later."),
        GROUP_JOINS("Too many groups joined; try again later."),
        INVITE_CREATIONS("Too many invite links; try again later."),
        UPLOADS("Too many uploads started; try again later."),
        SEARCHES("Too many searches; slow down.");

        final String message;

        Action(String message) {
            this.message = message;
        }
    }

    private final UserRateLimits frames;
    private final UserRateLimits[] actions = new UserRateLimits[Action.values().length];

    public RateLimits(ParleyProperties props, RateLimitSettings settings) {
        int maxUsers = settings.maxUsers() > 0 ? settings.maxUsers() : 1_000_000;
        this.frames = new UserRateLimits(props.limits().framesPerSecond(), props.limits().frameBurst(), maxUsers);
        for (Action a : Action.values()) {
            RateLimitSettings.Rate r = switch (a) {
                case SENDS -> settings.sends();
                case FRIEND_REQUESTS -> settings.friendRequests();
                case GROUP_CREATIONS -> settings.groupCreations();
                case GROUP_JOINS -> settings.groupJoins();
                case INVITE_CREATIONS -> settings.inviteCreations();
                case UPLOADS -> settings.uploads();
                case SEARCHES -> settings.searches();
            };
            if (r == null) throw new IllegalStateException("parley.rate-limits." + a.name().toLowerCase().replace('_', '-') + " is not set");
            actions[a.ordinal()] = new UserRateLimits(r.perSecond(), r.burst(), maxUsers);
        }
    }

    /** The frame budget shared by all of a user's connections: 0 when a frame may go, else nanoseconds to wait. */
    public long takeFrame(long userId) {
        return frames.tryTake(userId);
    }

    public double framesPerSecond() { return frames.ratePerSecond(); }

    public int frameBurst() { return frames.burst(); }

    /** Counts one {@code action} of {@code userId}; throws {@link RateLimited} past its budget. */
    public void check(Action action, long userId) {
        long wait = actions[action.ordinal()].tryTake(userId);
        if (wait != 0) throw RateLimited.afterNanos(action.message, wait);
    }
}
