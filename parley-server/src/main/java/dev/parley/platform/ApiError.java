package dev.parley.platform;

/** The body of every error answer, over REST and inside WebSocket error frames. */
public record ApiError(String code, String message) {
    public static ApiError of(ParleyException e) {
        return new ApiError(e.code().code(), e.getMessage());
    }
}
