package dev.parley.media.internal;

import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.AffineTransform;
import java.awt.image.BufferedImage;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Images: dimensions from the header before any decoding, refused over the pixel limit (the decompression-bomb
 * defence: a few KB of PNG can declare 20000 x 20000 pixels, 1.6 GB once decoded); metadata stripped without
 * re-encoding ({@link MetadataStripping}); animated GIFs kept exactly as uploaded; a thumbnail decoded with
 * subsampling so that even a 50-megapixel image never needs more than a few MB of heap.
 */
final class ImageProcessing {
    private static final Logger log = LoggerFactory.getLogger(ImageProcessing.class);

    private ImageProcessing() {}

    /** {@code stored}: the file to store (may be {@code source} itself); width and height as displayed. */
    record Result(Path stored, int width, int height, Path thumbnail) {}

    static Result process(Path source, String contentType, long maxPixels, int thumbnailSize, Path work) throws IOException {
        int[] dims = dimensions(source);
        int w = dims[0], h = dims[1];
        if (contentType.equals("image/gif")) { // the logical screen may be larger than the first frame
            byte[] head = readHead(source, 10);
            w = Math.max(w, (head[6] & 0xFF) | (head[7] & 0xFF) << 8);
            h = Math.max(h, (head[8] & 0xFF) | (head[9] & 0xFF) << 8);
        }
        if (w <= 0 || h <= 0) throw mismatch();
        if ((long) w * h > maxPixels) {
            throw new ParleyException(ErrorCode.IMAGE_TOO_MANY_PIXELS,
                    "The image has " + w + " x " + h + " pixels; at most " + maxPixels + " are allowed.");
        }
        Path stored = source;
        int orientation = 1;
        if (!contentType.equals("image/gif")) {
            stored = Files.createTempFile(work, "strip-", ".part", dev.parley.platform.PrivateFiles.fileAttributes());
            try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(stored), 65536)) {
                switch (contentType) {
                    case "image/jpeg" -> orientation = MetadataStripping.jpeg(source, out);
                    case "image/png" -> MetadataStripping.png(source, out);
                    case "image/webp" -> MetadataStripping.webp(source, out);
                    default -> throw new IllegalStateException(contentType);
                }
            } catch (MetadataStripping.Corrupt e) {
                Files.deleteIfExists(stored);
                throw mismatch();
            } catch (IOException | RuntimeException e) {
                Files.deleteIfExists(stored);
                throw e;
            }
        }
        boolean turned = orientation >= 5; // EXIF orientations 5 to 8 swap width and height
        Path thumb = thumbnail(stored, w, h, orientation, thumbnailSize, work);
        return new Result(stored, turned ? h : w, turned ? w : h, thumb);
    }

    private static ParleyException mismatch() {
        return new ParleyException(ErrorCode.MEDIA_TYPE_MISMATCH, "The bytes are not a readable image of the type they start as.");
    }

    /** Width and height of the first image, read from the header by ImageIO without decoding pixels. */
    static int[] dimensions(Path file) throws IOException {
        try (ImageInputStream iis = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) throw mismatch();
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                return new int[] {reader.getWidth(0), reader.getHeight(0)};
            } catch (IOException | RuntimeException e) {
                throw mismatch();
            } finally {
                reader.dispose();
            }
        }
    }

    /**
     * A JPEG (or PNG, when the image has transparency) at most {@code size} pixels on its longer side, turned by
     * the EXIF orientation. Decoded with source subsampling so the decoder's raster stays small. Null when the
     * image cannot be decoded (an unusual colour model, say): the image is still stored, without a thumbnail.
     */
    static Path thumbnail(Path file, int w, int h, int orientation, int size, Path work) throws IOException {
        BufferedImage img;
        try (ImageInputStream iis = ImageIO.createImageInputStream(file.toFile())) {
            Iterator<ImageReader> readers = ImageIO.getImageReaders(iis);
            if (!readers.hasNext()) return null;
            ImageReader reader = readers.next();
            try {
                reader.setInput(iis, true, true);
                ImageReadParam param = reader.getDefaultReadParam();
                int step = Math.max(1, Math.max(w, h) / (size * 2));
                if (step > 1) param.setSourceSubsampling(step, step, 0, 0);
                img = reader.read(0, param);
            } finally {
                reader.dispose();
            }
        } catch (IOException | RuntimeException e) {
            log.debug("No thumbnail: {}", e.toString());
            return null;
        }
        return writeThumbnail(img, orientation, size, work);
    }

    /** Scales {@code img} to fit {@code size}, applies the orientation, writes JPEG (opaque) or PNG (alpha). */
    static Path writeThumbnail(BufferedImage img, int orientation, int size, Path work) throws IOException {
        double scale = Math.min(1.0, (double) size / Math.max(img.getWidth(), img.getHeight()));
        int tw = Math.max(1, (int) Math.round(img.getWidth() * scale));
        int th = Math.max(1, (int) Math.round(img.getHeight() * scale));
        boolean alpha = img.getColorModel().hasAlpha();
        boolean turned = orientation >= 5;
        int ow = turned ? th : tw, oh = turned ? tw : th;
        BufferedImage out = new BufferedImage(ow, oh, alpha ? BufferedImage.TYPE_INT_ARGB : BufferedImage.TYPE_INT_RGB);
        Graphics2D g = out.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_INTERPOLATION, RenderingHints.VALUE_INTERPOLATION_BILINEAR);
            g.setRenderingHint(RenderingHints.KEY_RENDERING, RenderingHints.VALUE_RENDER_QUALITY);
            g.transform(orientationTransform(orientation, tw, th));
            g.drawImage(img, 0, 0, tw, th, null);
        } finally {
            g.dispose();
        }
        Path file = Files.createTempFile(work, "thumb-", ".part", dev.parley.platform.PrivateFiles.fileAttributes());
        boolean written;
        // Through a stream: ImageIO.write(..., File) deletes the file and creates a new one, with the umask's mode.
        try (OutputStream os = Files.newOutputStream(file)) {
            written = ImageIO.write(out, alpha ? "png" : "jpeg", os);
        }
        if (!written) {
            Files.deleteIfExists(file);
            return null;
        }
        return file;
    }

    /** EXIF orientation (TIFF 6.0 tag 274) as a transform of a {@code w} x {@code h} image into its display frame. */
    private static AffineTransform orientationTransform(int o, int w, int h) {
        AffineTransform t = new AffineTransform();
        switch (o) {
            case 2 -> { t.translate(w, 0); t.scale(-1, 1); }
            case 3 -> { t.translate(w, h); t.rotate(Math.PI); }
            case 4 -> { t.translate(0, h); t.scale(1, -1); }
            case 5 -> { t.rotate(-Math.PI / 2); t.scale(-1, 1); }
            case 6 -> { t.translate(h, 0); t.rotate(Math.PI / 2); }
            case 7 -> { t.scale(-1, 1); t.translate(-h, 0); t.translate(0, w); t.rotate(3 * Math.PI / 2); }
            case 8 -> { t.translate(0, w); t.rotate(3 * Math.PI / 2); }
            default -> { }
        }
        return t;
    }

    private static byte[] readHead(Path file, int n) throws IOException {
        try (InputStream in = Files.newInputStream(file)) {
            byte[] b = in.readNBytes(n);
            if (b.length < n) throw mismatch();
            return b;
        }
    }
}
