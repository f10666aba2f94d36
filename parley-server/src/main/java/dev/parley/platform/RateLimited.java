package dev.parley.platform;

/**
 * A refusal because a rate or a cool-down ran out: {@code rate_limited} (or another code of status 429) with the
 * seconds after which the same request may succeed, sent as {@code retryAfter} (and {@code Retry-After} over REST).
 */
public final class RateLimited extends ParleyException {
    public RateLimited(ErrorCode code, String message, long retryAfterSeconds) {
        super(code, message, Math.max(1, retryAfterSeconds));
    }

    /** {@code rate_limited} after a bucket said how many nanoseconds until its next token. */
    public static RateLimited afterNanos(String message, long nanos) {
        return new RateLimited(ErrorCode.RATE_LIMITED, message, UserRateLimits.retryAfterSeconds(nanos));
    }

    public long retryAfterSeconds() { return retryAfter(); }
}
