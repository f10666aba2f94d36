package dev.parley.platform;

/** A unique constraint refused a write; the transaction that saw it is rolled back. */
public class UniqueViolation extends RuntimeException {
    public UniqueViolation(Throwable cause) {
        super(cause.getMessage(), cause, false, false);
    }
}
