package dev.parley.media.internal;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PushbackInputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

/**
 * Removes metadata (EXIF with its GPS position, XMP, comments, trailing data) from images without re-encoding them:
 * the pixels stay byte for byte. Each method reads one format's container structure and copies only what rendering
 * needs; a file whose structure is broken fails with {@link Corrupt}.
 */
final class MetadataStripping {
    private MetadataStripping() {}

    static final class Corrupt extends IOException {
        Corrupt(String message) {
            super(message);
        }
    }

    /**
     * JPEG (ITU T.81 segments): drops APP1 (EXIF, XMP), APP3 to APP13, APP15, COM, and anything after EOI. Keeps
     * APP0 (JFIF), APP2 ICC profiles and APP14 (Adobe: needed to decode CMYK/YCCK correctly). The EXIF orientation
     * is kept, alone, in a minimal EXIF segment, so the picture still shows the right way up. Returns the
     * orientation (1 when none).
     */
    static int jpeg(Path source, OutputStream out) throws IOException {
        try (InputStream raw = Files.newInputStream(source)) {
            PushbackInputStream pin = new PushbackInputStream(new BufferedInputStream(raw, 65536), 2);
            DataInputStream in = new DataInputStream(pin);
            if (in.readUnsignedByte() != 0xFF || in.readUnsignedByte() != 0xD8) throw new Corrupt("no SOI");
            out.write(0xFF);
            out.write(0xD8);
            int orientation = 1;
            // Segments before the first scan are held (each at most 64 KiB) so the orientation segment can go first.
            ByteArrayOutputStream head = new ByteArrayOutputStream();
            boolean jfifFirst = false;
            boolean scanned = false;
            while (true) {
                int marker = nextMarker(in);
                if (marker == 0xD9) { // EOI: done; trailing data (e.g. an appended video) is dropped
                    if (!scanned) throw new Corrupt("no scan");
                    out.write(0xFF);
                    out.write(0xD9);
                    return orientation;
                }
                if ((marker >= 0xD0 && marker <= 0xD7) || marker == 0x01 || marker == 0xD8) throw new Corrupt("misplaced marker");
                int len = in.readUnsignedShort();
                if (len < 2) throw new Corrupt("bad segment length");
                byte[] payload = new byte[len - 2];
                in.readFully(payload);
                boolean keep = switch (marker) {
                    case 0xE0, 0xEE -> true;
                    case 0xE2 -> startsWith(payload, "ICC_PROFILE\0");
                    case 0xE1 -> {
                        if (!scanned && startsWith(payload, "Exif\0\0")) orientation = exifOrientation(payload);
                        yield false;
                    }
                    default -> !(marker >= 0xE3 && marker <= 0xEF) && marker != 0xFE;
                };
                if (!keep) continue;
                if (!scanned && marker == 0xE0 && head.size() == 0) jfifFirst = true;
                OutputStream target = scanned ? out : head;
                if (!scanned && head.size() > 16 * 1024 * 1024) throw new Corrupt("header too large");
                target.write(0xFF);
                target.write(marker);
                target.write(len >> 8);
                target.write(len);
                target.write(payload);
                if (marker == 0xDA) {
                    if (!scanned) {
                        writeHead(out, head.toByteArray(), jfifFirst, orientation);
                        scanned = true;
                    }
                    copyScan(pin, out);
                }
            }
        } catch (EOFException e) {
            throw new Corrupt("truncated");
        }
    }

    /** The held segments, with the minimal EXIF segment (orientation alone, when not 1) after APP0 or first. */
    private static void writeHead(OutputStream out, byte[] head, boolean jfifFirst, int orientation) throws IOException {
        int split = 0;
        if (jfifFirst) split = 2 + (((head[2] & 0xFF) << 8) | (head[3] & 0xFF));
        out.write(head, 0, split);
        if (orientation >= 2 && orientation <= 8) {
            byte[] tiff = {'E', 'x', 'i', 'f', 0, 0, 'M', 'M', 0, 42, 0, 0, 0, 8, // TIFF header, big-endian, IFD0 at 8
                    0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1, 0, (byte) orientation, 0, 0, // one entry: Orientation, SHORT, 1
                    0, 0, 0, 0}; // no next IFD
            out.write(0xFF);
            out.write(0xE1);
            out.write((tiff.length + 2) >> 8);
            out.write(tiff.length + 2);
            out.write(tiff);
        }
        out.write(head, split, head.length - split);
    }

    /**
     * Entropy-coded data after SOS: copied until the next real marker (0xFF followed by neither 0x00 stuffing nor a
     * restart marker), which is pushed back for the segment loop.
     */
    private static void copyScan(PushbackInputStream in, OutputStream out) throws IOException {
        while (true) {
            int b = in.read();
            if (b < 0) throw new EOFException();
            if (b != 0xFF) {
                out.write(b);
                continue;
            }
            int n = in.read();
            while (n == 0xFF) n = in.read(); // fill bytes
            if (n < 0) throw new EOFException();
            if (n == 0x00 || (n >= 0xD0 && n <= 0xD7)) {
                out.write(0xFF);
                out.write(n);
                continue;
            }
            in.unread(n);
            in.unread(0xFF);
            return;
        }
    }

    private static int nextMarker(DataInputStream in) throws IOException {
        int b = in.readUnsignedByte();
        if (b != 0xFF) throw new Corrupt("expected a marker");
        int m = in.readUnsignedByte();
        while (m == 0xFF) m = in.readUnsignedByte();
        return m;
    }

    /** The Orientation tag (0x0112) of IFD0 in an APP1 "Exif" payload; 1 when absent or unreadable. */
    static int exifOrientation(byte[] p) {
        try {
            int t = 6;
            boolean le = p[t] == 'I' && p[t + 1] == 'I';
            if (!le && !(p[t] == 'M' && p[t + 1] == 'M')) return 1;
            long ifd = u32(p, t + 4, le);
            int at = (int) (t + ifd);
            int count = u16(p, at, le);
            for (int i = 0; i < count && i < 1000; i++) {
                int e = at + 2 + i * 12;
                if (u16(p, e, le) == 0x0112) {
                    int v = u16(p, e + 8, le);
                    return v >= 1 && v <= 8 ? v : 1;
                }
            }
        } catch (IndexOutOfBoundsException ignored) {
            // malformed EXIF: no orientation
        }
        return 1;
    }

    private static int u16(byte[] p, int at, boolean le) {
        int a = p[at] & 0xFF, b = p[at + 1] & 0xFF;
        return le ? a | b << 8 : a << 8 | b;
    }

    private static long u32(byte[] p, int at, boolean le) {
        long a = p[at] & 0xFF, b = p[at + 1] & 0xFF, c = p[at + 2] & 0xFF, d = p[at + 3] & 0xFF;
        return le ? a | b << 8 | c << 16 | d << 24 : a << 24 | b << 16 | c << 8 | d;
    }

    private static final Set<String> PNG_KEEP = Set.of("IHDR", "PLTE", "IDAT", "IEND", "tRNS", "gAMA", "cHRM", "sRGB", "iCCP",
            "sBIT", "bKGD", "pHYs", "hIST", "sPLT", "acTL", "fcTL", "fdAT", "cICP", "mDCv", "cLLi");

    /**
     * PNG (ISO/IEC 15948): keeps the chunks that affect rendering (including APNG animation chunks) and drops the
     * rest: tEXt, zTXt, iTXt (often XMP), eXIf, tIME, private chunks, and anything after IEND.
     */
    static void png(Path source, OutputStream out) throws IOException {
        try (InputStream raw = Files.newInputStream(source)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 65536));
            byte[] sig = new byte[8];
            in.readFully(sig);
            out.write(sig);
            byte[] buf = new byte[65536];
            boolean first = true;
            while (true) {
                long len = in.readInt() & 0xFFFFFFFFL;
                byte[] type = new byte[4];
                in.readFully(type);
                String t = new String(type, StandardCharsets.ISO_8859_1);
                if (len > Integer.MAX_VALUE || !t.chars().allMatch(Character::isLetter)) throw new Corrupt("bad chunk");
                if (first && !t.equals("IHDR")) throw new Corrupt("IHDR must come first");
                first = false;
                boolean keep = PNG_KEEP.contains(t);
                if (keep) {
                    out.write((int) (len >>> 24));
                    out.write((int) (len >>> 16));
                    out.write((int) (len >>> 8));
                    out.write((int) len);
                    out.write(type);
                }
                long left = len + 4; // data and CRC
                while (left > 0) {
                    int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                    if (n < 0) throw new EOFException();
                    if (keep) out.write(buf, 0, n);
                    left -= n;
                }
                if (t.equals("IEND")) return;
            }
        } catch (EOFException e) {
            throw new Corrupt("truncated");
        }
    }

    /**
     * WebP (RIFF container, RFC 9649): drops the EXIF and XMP chunks, clears their flags in VP8X, rewrites the RIFF
     * size, and drops anything past the RIFF payload. The image chunks are copied as they are. Two passes over the
     * file: the first adds up the kept chunks for the new RIFF size, the second copies them.
     */
    static void webp(Path source, OutputStream out) throws IOException {
        long kept = webpPass(source, null);
        if (kept <= 4) throw new Corrupt("no image chunk");
        out.write(new byte[] {'R', 'I', 'F', 'F', (byte) kept, (byte) (kept >> 8), (byte) (kept >> 16), (byte) (kept >> 24),
                'W', 'E', 'B', 'P'});
        webpPass(source, out);
    }

    /** Walks the chunks; copies the kept ones to {@code out} when given. Returns 4 + the kept chunks' sizes. */
    private static long webpPass(Path source, OutputStream out) throws IOException {
        try (InputStream raw = Files.newInputStream(source)) {
            DataInputStream in = new DataInputStream(new BufferedInputStream(raw, 65536));
            byte[] header = new byte[12];
            in.readFully(header);
            long riffSize = le32(header, 4);
            if (riffSize + 8 > Files.size(source) || riffSize < 4) throw new Corrupt("RIFF size");
            long total = 4;
            long left = riffSize - 4;
            while (left >= 8) {
                byte[] ch = new byte[8];
                in.readFully(ch);
                String fourcc = new String(ch, 0, 4, StandardCharsets.ISO_8859_1);
                long size = le32(ch, 4);
                long padded = size + (size & 1);
                if (padded + 8 > left) throw new Corrupt("chunk size");
                left -= 8 + padded;
                if (fourcc.equals("EXIF") || fourcc.equals("XMP ")) {
                    in.skipNBytes(padded);
                    continue;
                }
                total += 8 + padded;
                if (out == null) {
                    in.skipNBytes(padded);
                } else if (fourcc.equals("VP8X") && padded >= 1) {
                    byte[] payload = new byte[(int) padded];
                    in.readFully(payload);
                    payload[0] &= (byte) ~0x0C; // the EXIF (0x08) and XMP (0x04) flags
                    out.write(ch);
                    out.write(payload);
                } else {
                    out.write(ch);
                    copy(in, out, padded);
                }
            }
            return total;
        } catch (EOFException e) {
            throw new Corrupt("truncated");
        }
    }

    private static void copy(InputStream in, OutputStream out, long n) throws IOException {
        byte[] buf = new byte[65536];
        while (n > 0) {
            int r = in.read(buf, 0, (int) Math.min(buf.length, n));
            if (r < 0) throw new EOFException();
            out.write(buf, 0, r);
            n -= r;
        }
    }

    private static long le32(byte[] b, int at) {
        return (b[at] & 0xFFL) | (b[at + 1] & 0xFFL) << 8 | (b[at + 2] & 0xFFL) << 16 | (b[at + 3] & 0xFFL) << 24;
    }

    private static boolean startsWith(byte[] p, String s) {
        if (p.length < s.length()) return false;
        for (int i = 0; i < s.length(); i++) if ((p[i] & 0xFF) != s.charAt(i)) return false;
        return true;
    }
}
