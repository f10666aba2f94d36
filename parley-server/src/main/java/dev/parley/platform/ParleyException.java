package dev.parley.platform;

/** A failure a client caused or may see; carries a documented {@link ErrorCode}. Never carries a stack trace to the wire. */
public class ParleyException extends RuntimeException {
    private final ErrorCode code;
    private final Long retryAfter;

    public ParleyException(ErrorCode code) {
        this(code, code.defaultMessage());
    }

    public ParleyException(ErrorCode code, String message) {
        this(code, message, null);
    }

    protected ParleyException(ErrorCode code, String message, Long retryAfter) {
        super(message, null, false, false);
        this.code = code;
        this.retryAfter = retryAfter;
    }

    public ErrorCode code() { return code; }

    /** Seconds after which the same request may succeed (a refusal by a limit), or null. */
    public Long retryAfter() { return retryAfter; }

    public static ParleyException invalid(String message) {
        return new ParleyException(ErrorCode.INVALID_FIELD, message);
    }

    /** A refusal by a limit that lifts after {@code seconds} (at least 1, so that clients never retry at once). */
    public static ParleyException retryAfter(ErrorCode code, long seconds) {
        return new RateLimited(code, code.defaultMessage(), seconds);
    }
}
