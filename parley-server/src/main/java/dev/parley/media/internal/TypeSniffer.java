package dev.parley.media.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Enumeration;
import java.util.Locale;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

/**
 * Detects a file's type from its bytes (magic numbers), never from its name or the client's word. Knows exactly the
 * types of the allow-lists ({@link MediaKind}) and recognises executables so that they are refused by name.
 * Containers that hold audio or video alike (WebM, MP4) are resolved with the declared kind.
 */
final class TypeSniffer {
    private TypeSniffer() {}

    static final String EXECUTABLE = "executable";
    private static final int HEAD = 64 * 1024;

    /** What the bytes are: a content type, {@link #EXECUTABLE}, or null when unknown. */
    static String sniff(Path file, MediaKind kind) throws IOException {
        byte[] h;
        try (InputStream in = Files.newInputStream(file)) {
            h = in.readNBytes(HEAD);
        }
        long size = Files.size(file);
        if (h.length == 0) return null;
        if (starts(h, 0xFF, 0xD8, 0xFF)) return "image/jpeg";
        if (starts(h, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) return "image/png";
        if (ascii(h, 0, "GIF87a") || ascii(h, 0, "GIF89a")) return "image/gif";
        if (ascii(h, 0, "RIFF") && ascii(h, 8, "WEBP")) return "image/webp";
        if (ascii(h, 0, "RIFF") && ascii(h, 8, "WAVE")) return "audio/wav";
        if (starts(h, 0x1A, 0x45, 0xDF, 0xA3)) return webm(h) ? (kind == MediaKind.VOICE ? "audio/webm" : "video/webm") : null;
        if (ascii(h, 0, "OggS")) return indexOf(h, "OpusHead") >= 0 ? "audio/ogg" : null;
        if (ascii(h, 4, "ftyp")) return isoBrand(h, kind);
        if (ascii(h, 0, "ID3") || (h.length > 1 && (h[0] & 0xFF) == 0xFF && (h[1] & 0xE6) == 0xE2)) return "audio/mpeg";
        if (ascii(h, 0, "%PDF-")) return "application/pdf";
        if (ascii(h, 0, "MZ") || starts(h, 0x7F, 'E', 'L', 'F') || machO(h) || ascii(h, 0, "#!")) return EXECUTABLE;
        if (ascii(h, 0, "PK\u0003\u0004")) return zip(file);
        if (text(h, size)) return "text/plain";
        return null;
    }

    /** Matroska's EBML header names its DocType (element 0x4282); only "webm" is on the allow-lists. */
    private static boolean webm(byte[] h) {
        for (int j = 4; j + 7 <= Math.min(h.length, 64); j++) {
            if ((h[j] & 0xFF) == 0x42 && (h[j + 1] & 0xFF) == 0x82) {
                return (h[j + 2] & 0xFF) == 0x84 && ascii(h, j + 3, "webm"); // size 0x84: a 4-byte string
            }
        }
        return false;
    }

    /** ISO base media file (MP4, M4A, MOV): the major brand of the ftyp box. */
    private static String isoBrand(byte[] h, MediaKind kind) {
        if (h.length < 12) return null;
        String brand = new String(h, 8, 4, StandardCharsets.ISO_8859_1);
        if (brand.equals("qt  ")) return "video/quicktime";
        if (brand.startsWith("M4A") || brand.startsWith("M4B")) return "audio/mp4";
        if (brand.startsWith("3g") || brand.equals("heic") || brand.equals("heix") || brand.equals("avif") || brand.equals("mif1")) return null;
        return kind == MediaKind.VOICE ? "audio/mp4" : "video/mp4";
    }

    private static boolean machO(byte[] h) {
        return starts(h, 0xFE, 0xED, 0xFA, 0xCE) || starts(h, 0xFE, 0xED, 0xFA, 0xCF)
                || starts(h, 0xCE, 0xFA, 0xED, 0xFE) || starts(h, 0xCF, 0xFA, 0xED, 0xFE);
    }

    /**
     * Office documents are ZIP files whose entries say what they are (OOXML: [Content_Types].xml and the part
     * folder; ODF: the mimetype entry). Java archives and Android packages are executables.
     */
    private static String zip(Path file) {
        boolean contentTypes = false, word = false, xl = false, ppt = false, jar = false;
        String odf = null;
        try (ZipFile z = new ZipFile(file.toFile())) {
            Enumeration<? extends ZipEntry> entries = z.entries();
            int n = 0;
            while (entries.hasMoreElements() && n++ < 100_000) {
                ZipEntry e = entries.nextElement();
                String name = e.getName();
                if (name.equals("[Content_Types].xml")) contentTypes = true;
                else if (name.startsWith("word/")) word = true;
                else if (name.startsWith("xl/")) xl = true;
                else if (name.startsWith("ppt/")) ppt = true;
                else if (name.equals("META-INF/MANIFEST.MF") || name.endsWith(".class") || name.equals("classes.dex")
                        || name.equals("AndroidManifest.xml")) jar = true;
                else if (name.equals("mimetype") && e.getSize() < 200) {
                    try (InputStream in = z.getInputStream(e)) {
                        odf = new String(in.readNBytes(200), StandardCharsets.US_ASCII).trim();
                    }
                }
            }
        } catch (IOException e) {
            return null; // not a readable ZIP after all
        }
        if (jar) return EXECUTABLE;
        if (contentTypes && word) return "application/vnd.openxmlformats-officedocument.wordprocessingml.document";
        if (contentTypes && xl) return "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        if (contentTypes && ppt) return "application/vnd.openxmlformats-officedocument.presentationml.presentation";
        if (odf != null && odf.startsWith("application/vnd.oasis.opendocument.")) {
            String t = odf.toLowerCase(Locale.ROOT);
            if (t.equals("application/vnd.oasis.opendocument.text") || t.equals("application/vnd.oasis.opendocument.spreadsheet")
                    || t.equals("application/vnd.oasis.opendocument.presentation")) return t;
        }
        return "application/zip";
    }

    /**
     * Plain text: the first 64 KiB are valid UTF-8 (a sequence cut at the end of the sample is fine) without NUL or
     * control characters other than tab, line feed, form feed, carriage return and escape.
     */
    private static boolean text(byte[] h, long size) {
        int n = h.length;
        if (size > n) { // the sample may end inside a multi-byte sequence
            int back = 0;
            while (back < 3 && n - back - 1 >= 0 && (h[n - back - 1] & 0xC0) == 0x80) back++;
            if (n - back - 1 >= 0 && (h[n - back - 1] & 0xC0) == 0xC0) n = n - back - 1;
        }
        for (int i = 0; i < n; i++) {
            int b = h[i] & 0xFF;
            if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != 0x0C && b != 0x1B) return false;
            if (b == 0x7F) return false;
        }
        try {
            StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(java.nio.ByteBuffer.wrap(h, 0, n));
            return true;
        } catch (CharacterCodingException e) {
            return false;
        }
    }

    private static boolean starts(byte[] h, int... b) {
        if (h.length < b.length) return false;
        for (int i = 0; i < b.length; i++) if ((h[i] & 0xFF) != b[i]) return false;
        return true;
    }

    private static boolean ascii(byte[] h, int at, String s) {
        if (h.length < at + s.length()) return false;
        for (int i = 0; i < s.length(); i++) if ((h[at + i] & 0xFF) != s.charAt(i)) return false;
        return true;
    }

    private static int indexOf(byte[] h, String s) {
        outer:
        for (int i = 0; i + s.length() <= h.length; i++) {
            for (int j = 0; j < s.length(); j++) if ((h[i + j] & 0xFF) != s.charAt(j)) continue outer;
            return i;
        }
        return -1;
    }

    /** The client's claimed type, normalised: lower case, no parameters, common aliases folded. Null when no claim. */
    static String normaliseClaim(String claimed) {
        if (claimed == null) return null;
        String t = claimed.split(";", 2)[0].trim().toLowerCase(Locale.ROOT);
        if (t.isEmpty() || t.equals("application/octet-stream")) return null;
        return switch (t) {
            case "image/jpg", "image/pjpeg" -> "image/jpeg";
            case "audio/x-wav", "audio/wave", "audio/vnd.wave" -> "audio/wav";
            case "audio/mp3", "audio/mpeg3", "audio/x-mpeg" -> "audio/mpeg";
            case "audio/x-m4a", "audio/m4a", "audio/aac", "video/x-m4v" -> "audio/mp4";
            case "application/ogg", "audio/opus" -> "audio/ogg";
            case "application/x-pdf" -> "application/pdf";
            case "application/x-zip-compressed" -> "application/zip";
            default -> t;
        };
    }

    /** Does a claim agree with the detected type? Audio and video flavours of one container are the same bytes. */
    static boolean claimMatches(String claim, String detected) {
        if (claim == null || claim.equals(detected)) return true;
        return family(claim).equals(family(detected));
    }

    private static String family(String t) {
        return switch (t) {
            case "audio/webm", "video/webm" -> "webm";
            case "audio/mp4", "video/mp4" -> "mp4";
            default -> t;
        };
    }
}
