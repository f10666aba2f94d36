package dev.parley.media;

import static dev.parley.testkit.MediaClient.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.MediaClient;
import dev.parley.testkit.MediaServers;
import dev.parley.testkit.OnDatabasesAndStores;
import dev.parley.testkit.Users.Device;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * What the server does with each kind, on both databases and both stores: images (dimensions, EXIF/GPS, XMP and
 * text chunks stripped, orientation kept, thumbnails, animated GIFs kept animated, WebP), voice (duration and
 * waveform from ffmpeg, or from the client without it), video (duration, size, poster with ffmpeg; a clean
 * fallback without). Fixtures are in src/test/resources/media/ (a few KB each).
 */
@ParameterizedClass
@MethodSource("dev.parley.testkit.OnDatabasesAndStores#all")
class MediaProcessingTest extends OnDatabasesAndStores {

    @BeforeAll
    static void ffmpegIsInstalled() throws Exception {
        // .ci/run and ./parley test install Debian's ffmpeg; the fallback tests below use a server configured without it.
        Process p = new ProcessBuilder("ffprobe", "-version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        assertThat(p.waitFor()).as("ffprobe must be installed for the media tests (apt-get install ffmpeg)").isZero();
    }

    private static boolean contains(byte[] haystack, String needle) {
        return new String(haystack, StandardCharsets.ISO_8859_1).contains(needle);
    }

    private static BufferedImage decode(byte[] b) throws Exception {
        BufferedImage img = ImageIO.read(new ByteArrayInputStream(b));
        assertThat(img).as("decodable image").isNotNull();
        return img;
    }

    @Test
    void jpegLosesItsExifGpsXmpAndCommentButKeepsItsOrientation() throws Exception {
        Device alice = users.newUserDevice("jpeg");
        byte[] original = fixture("photo-gps.jpg");
        assertThat(contains(original, "ParleyCam")).isTrue(); // the fixture does carry them
        JsonNode m = media.uploaded(alice.accessToken(), "image", "holiday.jpg", original, "image/jpeg");

        assertThat(m.get("contentType").asString()).isEqualTo("image/jpeg");
        // 64 x 48 pixels stored, EXIF orientation 6 (turned 90°): shown 48 wide and 64 high.
        assertThat(m.get("width").asInt()).isEqualTo(48);
        assertThat(m.get("height").asInt()).isEqualTo(64);
        assertThat(m.get("thumbnail").asBoolean()).isTrue();

        MediaClient.Bytes stored = media.get("/api/v1/media/" + m.get("id").asString(), alice.accessToken());
        assertThat(stored.status()).isEqualTo(200);
        byte[] b = stored.body();
        assertThat(contains(b, "ParleyCam")).as("camera make").isFalse();
        assertThat(contains(b, "xap/1.0")).as("XMP").isFalse();
        assertThat(contains(b, "secret comment")).as("COM segment").isFalse();
        assertThat(contains(b, "Exif")).as("the minimal EXIF with the orientation").isTrue();
        assertThat(exifOrientation(b)).isEqualTo(6);
        assertThat(b.length).isLessThan(original.length).isEqualTo(m.get("size").asInt());
        assertThat(m.get("sha256").asString()).isEqualTo(MediaUploadTest.sha256(b)).isNotEqualTo(MediaUploadTest.sha256(original));
        BufferedImage pixels = decode(b);
        assertThat(pixels.getWidth()).isEqualTo(64);
        assertThat(pixels.getHeight()).isEqualTo(48);

        MediaClient.Bytes thumb = media.get("/api/v1/media/" + m.get("id").asString() + "/thumbnail", alice.accessToken());
        assertThat(thumb.status()).isEqualTo(200);
        assertThat(thumb.header("Content-Type")).isEqualTo("image/jpeg");
        BufferedImage t = decode(thumb.body());
        assertThat(t.getWidth()).as("thumbnail turned upright").isEqualTo(48);
        assertThat(t.getHeight()).isEqualTo(64);
        assertNoStrayUploadFiles();
    }

    /** The Orientation value of the first EXIF segment (big-endian TIFF, as the server writes it). */
    private static int exifOrientation(byte[] jpeg) {
        String s = new String(jpeg, StandardCharsets.ISO_8859_1);
        int exif = s.indexOf("Exif\0\0");
        int tiff = exif + 6;
        assertThat(s.substring(tiff, tiff + 2)).isEqualTo("MM");
        int ifd = tiff + ((jpeg[tiff + 4] & 0xFF) << 24 | (jpeg[tiff + 5] & 0xFF) << 16 | (jpeg[tiff + 6] & 0xFF) << 8 | (jpeg[tiff + 7] & 0xFF));
        int count = (jpeg[ifd] & 0xFF) << 8 | (jpeg[ifd + 1] & 0xFF);
        assertThat(count).as("only the orientation is left").isEqualTo(1);
        assertThat((jpeg[ifd + 2] & 0xFF) << 8 | (jpeg[ifd + 3] & 0xFF)).isEqualTo(0x0112);
        return (jpeg[ifd + 10] & 0xFF) << 8 | (jpeg[ifd + 11] & 0xFF);
    }

    @Test
    void pngLosesItsTextAndExifChunks() throws Exception {
        Device alice = users.newUserDevice("png");
        byte[] original = fixture("meta.png");
        assertThat(contains(original, "tEXt")).isTrue();
        JsonNode m = media.uploaded(alice.accessToken(), "image", "screen.png", original, null);
        assertThat(m.get("contentType").asString()).isEqualTo("image/png");
        assertThat(m.get("width").asInt()).isEqualTo(40);
        assertThat(m.get("height").asInt()).isEqualTo(30);
        byte[] b = media.get("/api/v1/media/" + m.get("id").asString(), alice.accessToken()).body();
        assertThat(contains(b, "tEXt")).isFalse();
        assertThat(contains(b, "eXIf")).isFalse();
        assertThat(contains(b, "secret")).isFalse();
        assertThat(b).isEqualTo(fixture("plain.png")); // exactly the image without its metadata chunks
        assertThat(decode(b).getWidth()).isEqualTo(40);
        assertThat(media.get("/api/v1/media/" + m.get("id").asString() + "/thumbnail", alice.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void animatedGifIsStoredAsUploadedAndStaysAnimated() throws Exception {
        Device alice = users.newUserDevice("gif");
        byte[] original = fixture("animated.gif");
        JsonNode m = media.uploaded(alice.accessToken(), "image", "dance.gif", original, "image/gif");
        assertThat(m.get("contentType").asString()).isEqualTo("image/gif");
        assertThat(m.get("sha256").asString()).isEqualTo(MediaUploadTest.sha256(original));
        assertThat(m.get("width").asInt()).isEqualTo(32);
        assertThat(m.get("height").asInt()).isEqualTo(24);
        byte[] b = media.get("/api/v1/media/" + m.get("id").asString(), alice.accessToken()).body();
        assertThat(b).isEqualTo(original);
        assertThat(frames(b)).isEqualTo(3);
        MediaClient.Bytes thumb = media.get("/api/v1/media/" + m.get("id").asString() + "/thumbnail", alice.accessToken());
        assertThat(thumb.status()).isEqualTo(200);
        assertThat(frames(thumb.body())).as("the thumbnail is the first frame").isEqualTo(1);
    }

    private static int frames(byte[] image) throws Exception {
        try (ImageInputStream in = ImageIO.createImageInputStream(new ByteArrayInputStream(image))) {
            ImageReader r = ImageIO.getImageReaders(in).next();
            r.setInput(in);
            return r.getNumImages(true);
        }
    }

    @Test
    void webpIsMeasuredAndGetsAThumbnail() throws Exception {
        Device alice = users.newUserDevice("webp");
        JsonNode m = media.uploaded(alice.accessToken(), "image", "sticker.webp", fixture("image.webp"), "image/webp");
        assertThat(m.get("contentType").asString()).isEqualTo("image/webp");
        assertThat(m.get("width").asInt()).isEqualTo(48);
        assertThat(m.get("height").asInt()).isEqualTo(32);
        assertThat(m.get("thumbnail").asBoolean()).isTrue();
        assertThat(decode(media.get("/api/v1/media/" + m.get("id").asString() + "/thumbnail", alice.accessToken()).body()).getWidth())
                .isEqualTo(48);
    }

    @Test
    void voiceGetsDurationAndWaveformFromFfmpeg() {
        Device alice = users.newUserDevice("voice");
        JsonNode m = media.uploaded(alice.accessToken(), "voice", "note.webm", fixture("voice.webm"), "audio/webm;codecs=opus");
        assertThat(m.get("contentType").asString()).isEqualTo("audio/webm");
        assertThat(m.get("durationMs").asLong()).isBetween(1400L, 1600L);
        List<Integer> wave = new ArrayList<>();
        m.get("waveform").forEach(v -> wave.add(v.asInt()));
        assertThat(wave).hasSize(64).allMatch(v -> v >= 0 && v <= 255).contains(255);
        // The fixture is quiet (20 %) for its first half, loud for the second.
        double first = wave.subList(2, 28).stream().mapToInt(Integer::intValue).average().orElseThrow();
        double second = wave.subList(36, 62).stream().mapToInt(Integer::intValue).average().orElseThrow();
        assertThat(first).isLessThan(second * 0.5);
        assertThat(m.get("thumbnail").asBoolean()).isFalse();

        JsonNode ogg = media.uploaded(alice.accessToken(), "voice", "note.ogg", fixture("voice.ogg"), null);
        assertThat(ogg.get("contentType").asString()).isEqualTo("audio/ogg");
        assertThat(ogg.get("durationMs").asLong()).isBetween(900L, 1100L);
    }

    @Test
    void videoGetsDurationDimensionsAndAPosterFromFfmpeg() throws Exception {
        Device alice = users.newUserDevice("video");
        JsonNode m = media.uploaded(alice.accessToken(), "video", "clip.mp4", fixture("video.mp4"), "video/mp4");
        assertThat(m.get("contentType").asString()).isEqualTo("video/mp4");
        assertThat(m.get("width").asInt()).isEqualTo(64);
        assertThat(m.get("height").asInt()).isEqualTo(48);
        assertThat(m.get("durationMs").asLong()).isBetween(900L, 1100L);
        assertThat(m.get("poster").asBoolean()).isTrue();
        assertThat(m.get("thumbnail").asBoolean()).isTrue();
        MediaClient.Bytes poster = media.get("/api/v1/media/" + m.get("id").asString() + "/poster", alice.accessToken());
        assertThat(poster.status()).isEqualTo(200);
        assertThat(poster.header("Content-Type")).isEqualTo("image/jpeg");
        assertThat(decode(poster.body()).getWidth()).isEqualTo(64);
        assertNoStrayUploadFiles();
    }

    @Test
    void withoutFfmpegVoiceTakesTheClientsDurationAndWaveformAndVideoHasNoPoster() {
        use(MediaServers.restricted(backend, store));
        Device alice = users.newUserDevice("noff");
        byte[] voice = fixture("voice.webm");
        List<Integer> wave = new ArrayList<>();
        for (int i = 0; i < 64; i++) wave.add(i * 4);
        var c = media.create(alice.accessToken(), Map.of("kind", "voice", "size", voice.length, "name", "v.webm", "durationMs", 1234, "waveform", wave));
        assertThat(c.status()).as(c.raw()).isEqualTo(201);
        MediaClient.Bytes done = media.sendAll(alice.accessToken(), c.body().get("uploadId").asString(), voice, 1000);
        assertThat(done.status()).as(done.text()).isEqualTo(200);
        JsonNode m = done.json().get("media");
        assertThat(m.get("durationMs").asLong()).isEqualTo(1234);
        assertThat(m.get("waveform").get(63).asInt()).isEqualTo(252);

        JsonNode bare = media.uploaded(alice.accessToken(), "voice", "v2.webm", voice, null);
        assertThat(bare.has("durationMs")).isFalse();
        assertThat(bare.has("waveform")).isFalse();

        JsonNode video = media.uploaded(alice.accessToken(), "video", "c.mp4", fixture("video.mp4"), null);
        assertThat(video.get("contentType").asString()).isEqualTo("video/mp4");
        assertThat(video.get("poster").asBoolean()).isFalse();
        assertThat(video.get("thumbnail").asBoolean()).isFalse();
        assertThat(video.has("width")).isFalse();
        assertThat(media.get("/api/v1/media/" + video.get("id").asString() + "/poster", alice.accessToken()).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + video.get("id").asString(), alice.accessToken()).body()).isEqualTo(fixture("video.mp4"));
    }

    @Test
    void clientDurationAndWaveformAreChecked() {
        Device alice = users.newUserDevice("wavecheck");
        assertThat(media.create(alice.accessToken(), Map.of("kind", "voice", "size", 10, "name", "v.webm", "durationMs", -1)).code())
                .isEqualTo("invalid_field");
        assertThat(media.create(alice.accessToken(), Map.of("kind", "voice", "size", 10, "name", "v.webm", "waveform", List.of(1, 2, 3))).code())
                .isEqualTo("invalid_field");
        List<Integer> loud = new ArrayList<>();
        for (int i = 0; i < 64; i++) loud.add(256);
        assertThat(media.create(alice.accessToken(), Map.of("kind", "voice", "size", 10, "name", "v.webm", "waveform", loud)).code())
                .isEqualTo("invalid_field");
    }

    @Test
    void filesAreStoredByteForByteWithTheirDetectedType() {
        Device alice = users.newUserDevice("files");
        JsonNode pdf = media.uploaded(alice.accessToken(), "file", "doc.pdf", fixture("doc.pdf"), "application/pdf");
        assertThat(pdf.get("contentType").asString()).isEqualTo("application/pdf");
        // An image sent as a file is kept exactly as sent (no stripping): the sender chose "file".
        JsonNode jpeg = media.uploaded(alice.accessToken(), "file", "raw.jpg", fixture("photo-gps.jpg"), null);
        assertThat(jpeg.get("contentType").asString()).isEqualTo("image/jpeg");
        assertThat(media.get("/api/v1/media/" + jpeg.get("id").asString(), alice.accessToken()).body()).isEqualTo(fixture("photo-gps.jpg"));
    }
}
