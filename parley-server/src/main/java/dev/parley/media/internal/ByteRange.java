package dev.parley.media.internal;

/**
 * One byte range of a representation of {@code size} bytes (RFC 9110 §14). {@link #parse} reads a {@code Range}
 * header: a single {@code bytes=first-last}, {@code bytes=first-} or {@code bytes=-suffix}. Null means "send it
 * all" (no header, another unit, several ranges, or bad syntax: §14.2 lets a server ignore them);
 * {@link #UNSATISFIABLE} means 416.
 */
record ByteRange(long start, long length) {
    static final ByteRange UNSATISFIABLE = new ByteRange(-1, -1);

    long end() { return start + length - 1; }

    static ByteRange parse(String header, long size) {
        if (header == null) return null;
        String h = header.trim();
        if (!h.regionMatches(true, 0, "bytes=", 0, 6)) return null;
        String spec = h.substring(6).trim();
        if (spec.contains(",")) return null;
        int dash = spec.indexOf('-');
        if (dash < 0) return null;
        String a = spec.substring(0, dash).trim(), b = spec.substring(dash + 1).trim();
        try {
            if (a.isEmpty()) { // suffix: the last b bytes
                if (b.isEmpty() || !digits(b)) return null;
                long n = Long.parseLong(b);
                if (n == 0 || size == 0) return UNSATISFIABLE;
                n = Math.min(n, size);
                return new ByteRange(size - n, n);
            }
            if (!digits(a) || (!b.isEmpty() && !digits(b))) return null;
            long first = Long.parseLong(a);
            if (!b.isEmpty() && Long.parseLong(b) < first) return null; // invalid: ignored
            if (first >= size) return UNSATISFIABLE;
            long last = b.isEmpty() ? size - 1 : Math.min(Long.parseLong(b), size - 1);
            return new ByteRange(first, last - first + 1);
        } catch (NumberFormatException tooBig) {
            return null;
        }
    }

    private static boolean digits(String s) {
        for (int i = 0; i < s.length(); i++) if (s.charAt(i) < '0' || s.charAt(i) > '9') return false;
        return !s.isEmpty() && s.length() <= 18;
    }
}
