package dev.parley.platform;

import com.fasterxml.jackson.annotation.JsonInclude;

/**
 * The body of every error answer, over REST and inside WebSocket error frames. {@code retryAfter} (seconds) only on
 * refusals that say when to try again ({@link RateLimited}).
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ApiError(String code, String message, Long retryAfter) {
    public ApiError(String code, String message) {
        this(code, message, null);
    }

    public static ApiError of(ParleyException e) {
        return new ApiError(e.code().code(), e.getMessage(), e.retryAfter());
    }
}
