package dev.parley.platform;

/** A failure a client caused or may see; carries a documented {@link ErrorCode}. Never carries a stack trace to the wire. */
public class ParleyException extends RuntimeException {
    private final ErrorCode code;

    public ParleyException(ErrorCode code) {
        this(code, code.defaultMessage());
    }

    public ParleyException(ErrorCode code, String message) {
        super(message, null, false, false);
        this.code = code;
    }

    public ErrorCode code() { return code; }

    public static ParleyException invalid(String message) {
        return new ParleyException(ErrorCode.INVALID_FIELD, message);
    }
}
