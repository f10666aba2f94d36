package dev.parley.platform;

/** Checks on client-supplied fields; each failure is an {@code invalid_field} error naming the field. */
public final class Fields {
    private Fields() {}

    public static String required(String field, String value) {
        if (value == null) throw ParleyException.invalid("Field '" + field + "' is required.");
        return checkText(field, value);
    }

    public static String optional(String field, String value) {
        return value == null ? null : checkText(field, value);
    }

    public static String bounded(String field, String value, int maxCodePoints) {
        required(field, value);
        if (value.codePointCount(0, value.length()) > maxCodePoints) {
            throw ParleyException.invalid("Field '" + field + "' is longer than " + maxCodePoints + " characters.");
        }
        return value;
    }

    public static long requiredId(String field, Long value) {
        if (value == null) throw ParleyException.invalid("Field '" + field + "' is required.");
        if (value <= 0) throw ParleyException.invalid("Field '" + field + "' must be a positive id.");
        return value;
    }

    /**
     * Text is kept byte-for-byte, control characters included, with two exceptions that no database can store
     * faithfully: U+0000 (PostgreSQL text refuses it) and unpaired UTF-16 surrogates (not encodable as UTF-8).
     */
    public static String checkText(String field, String value) {
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == 0) throw ParleyException.invalid("Field '" + field + "' may not contain U+0000.");
            if (Character.isHighSurrogate(c)) {
                if (i + 1 < value.length() && Character.isLowSurrogate(value.charAt(i + 1))) { i++; continue; }
                throw ParleyException.invalid("Field '" + field + "' contains an unpaired surrogate.");
            }
            if (Character.isLowSurrogate(c)) {
                throw ParleyException.invalid("Field '" + field + "' contains an unpaired surrogate.");
            }
        }
        return value;
    }
}
