package dev.parley.platform;

/**
 * The body of every error answer, over REST and inside WebSocket error frames. {@code retryAfter} (seconds) is
 * present only on refusals by a limit that lifts with time.
 */
public record ApiError(String code, String message, Long retryAfter) {
    public ApiError(String code, String message) {
        this(code, message, null);
    }

    public static ApiError of(ParleyException e) {
        return new ApiError(e.code().code(), e.getMessage(), e.retryAfter());
    }
}
