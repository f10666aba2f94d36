package dev.parley.media.internal;

import dev.parley.platform.ErrorCode;
import dev.parley.platform.Fields;
import dev.parley.platform.ParleyException;
import java.nio.charset.StandardCharsets;

/**
 * File names are shown to other users and offered as download names, so they must be one plain name: no path
 * separators ({@code /}, {@code \}), no control characters (C0, DEL, C1, line and paragraph separators, bidi
 * overrides that disguise extensions), not {@code .} or {@code ..}, 1 to 255 code points.
 */
final class FileNames {
    private FileNames() {}

    static final int MAX_CODE_POINTS = 255;

    static String check(String name) {
        if (name == null) throw ParleyException.invalid("Field 'name' is required.");
        Fields.checkText("name", name);
        if (name.isBlank() || name.equals(".") || name.equals("..") || name.codePointCount(0, name.length()) > MAX_CODE_POINTS) {
            throw bad();
        }
        for (int i = 0; i < name.length(); i++) {
            char c = name.charAt(i);
            if (c == '/' || c == '\\' || c < 0x20 || (c >= 0x7F && c <= 0x9F) || c == 0x2028 || c == 0x2029
                    || (c >= 0x202A && c <= 0x202E) || (c >= 0x2066 && c <= 0x2069)) {
                throw bad();
            }
        }
        return name;
    }

    private static ParleyException bad() {
        return new ParleyException(ErrorCode.INVALID_FILE_NAME,
                "File names are 1 to " + MAX_CODE_POINTS + " characters without path separators or control characters.");
    }

    /**
     * A Content-Disposition header (RFC 6266) carrying the name twice: an ASCII fallback in {@code filename} (other
     * characters and quotes replaced by {@code _}) and the exact name in {@code filename*} (RFC 8187 UTF-8
     * percent-encoding).
     */
    static String contentDisposition(String type, String name) {
        StringBuilder ascii = new StringBuilder();
        name.codePoints().forEach(cp -> ascii.append(cp >= 0x20 && cp < 0x7F && cp != '"' && cp != '\\' && cp != '%' ? (char) cp : '_'));
        StringBuilder ext = new StringBuilder();
        for (byte b : name.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || "!#$&+-.^_`|~".indexOf(c) >= 0) {
                ext.append((char) c);
            } else {
                ext.append('%').append(String.format("%02X", c));
            }
        }
        return type + "; filename=\"" + ascii + "\"; filename*=UTF-8''" + ext;
    }
}
