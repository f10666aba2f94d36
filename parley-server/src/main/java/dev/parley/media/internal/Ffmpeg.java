package dev.parley.media.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ffprobe and ffmpeg (Debian's {@code ffmpeg} package) for voice and video: duration, dimensions, a poster frame
 * and a waveform. Probed once at start-up; when they are missing every method answers "nothing" and uploads go on
 * without these (client-supplied duration and waveform are used instead). Each run is a child process with a time
 * limit, reading only local files ({@code -protocol_whitelist file}), with the demuxer chosen from the type we
 * detected rather than by ffmpeg's own probing.
 */
@Component
class Ffmpeg {
    private static final Logger log = LoggerFactory.getLogger(Ffmpeg.class);
    private static final long TIMEOUT_SECONDS = 60;
    static final int WAVEFORM_BUCKETS = 64;

    private final String ffmpeg;
    private final String ffprobe;
    private final boolean available;
    private final JsonMapper json = JsonMapper.builder().build();

    Ffmpeg(MediaProperties props) {
        this.ffmpeg = props.ffmpeg();
        this.ffprobe = props.ffprobe();
        this.available = works(ffmpeg) && works(ffprobe);
        if (available) log.info("Media: ffmpeg found ({}, {}): durations, waveforms and poster frames are computed", ffmpeg, ffprobe);
        else log.info("Media: ffmpeg not found ({}): voice and video are stored without server-side duration, waveform or poster", ffmpeg);
    }

    boolean available() { return available; }

    private static boolean works(String binary) {
        if (binary == null || binary.isBlank()) return false;
        try {
            Process p = new ProcessBuilder(binary, "-version").redirectErrorStream(true).start();
            p.getInputStream().transferTo(java.io.OutputStream.nullOutputStream());
            return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
        } catch (IOException e) {
            return false;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    /** What ffprobe says: duration, the first video stream's display size, and whether there is audio or video. */
    record Probe(Long durationMs, Integer width, Integer height, boolean hasAudio, boolean hasVideo) {}

    /** Null when ffmpeg is missing; throws {@link Unreadable} when ffprobe cannot read the file. */
    Probe probe(Path file, String contentType) throws IOException {
        if (!available) return null;
        List<String> cmd = new ArrayList<>(List.of(ffprobe, "-v", "error", "-protocol_whitelist", "file"));
        cmd.addAll(demuxer(contentType));
        cmd.addAll(List.of("-print_format", "json", "-show_format", "-show_streams", "file:" + file));
        byte[] out = run(cmd, 1 << 20);
        if (out == null) throw new Unreadable();
        JsonNode root = json.readTree(out);
        Long duration = null;
        JsonNode d = root.path("format").path("duration");
        if (d.isString() || d.isNumber()) {
            try {
                duration = Math.round(Double.parseDouble(d.asString()) * 1000);
            } catch (NumberFormatException ignored) {
                // "N/A"
            }
        }
        Integer w = null, h = null;
        boolean audio = false, video = false;
        for (JsonNode s : root.path("streams")) {
            String type = s.path("codec_type").asString("");
            if (type.equals("audio")) audio = true;
            if (type.equals("video") && !s.path("disposition").path("attached_pic").asBoolean(false)) {
                if (!video && s.path("width").asInt(0) > 0) {
                    w = s.path("width").asInt();
                    h = s.path("height").asInt();
                    if (rotated(s)) { int t = w; w = h; h = t; }
                }
                video = true;
            }
        }
        if (!audio && !video) throw new Unreadable();
        return new Probe(duration != null && duration > 0 ? duration : null, w, h, audio, video);
    }

    /** A stream shown turned by 90 or 270 degrees (display matrix side data, or the older rotate tag). */
    private static boolean rotated(JsonNode stream) {
        int r = stream.path("tags").path("rotate").asInt(0);
        for (JsonNode sd : stream.path("side_data_list")) {
            if (sd.has("rotation")) r = sd.path("rotation").asInt(0);
        }
        return Math.abs(r) % 180 == 90;
    }

    /**
     * 64 buckets, 0..255: the RMS level of each 64th of the audio, scaled so the loudest bucket is 255. Decoded by
     * ffmpeg to 8 kHz mono 16-bit PCM, read as a stream (10 ms windows), never held whole.
     */
    int[] waveform(Path file, String contentType) throws IOException {
        if (!available) return null;
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-v", "error", "-protocol_whitelist", "file"));
        cmd.addAll(demuxer(contentType));
        cmd.addAll(List.of("-i", "file:" + file, "-vn", "-ac", "1", "-ar", "8000", "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"));
        Process p = watched(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        List<Double> windows = new ArrayList<>(); // sum of squares per 80-sample window
        try (InputStream in = new java.io.BufferedInputStream(p.getInputStream(), 65536)) {
            byte[] buf = new byte[160];
            while (true) {
                int n = in.readNBytes(buf, 0, buf.length);
                if (n <= 1) break;
                double sum = 0;
                for (int i = 0; i + 1 < n; i += 2) {
                    int s = (short) ((buf[i] & 0xFF) | buf[i + 1] << 8);
                    sum += (double) s * s;
                }
                windows.add(sum / (n / 2));
                if (windows.size() > 8_640_000) { // a day of audio
                    p.destroyForcibly();
                    return null;
                }
            }
        } finally {
            finish(p);
        }
        if (p.exitValue() != 0 || windows.isEmpty()) return null;
        double[] rms = new double[WAVEFORM_BUCKETS];
        for (int b = 0; b < WAVEFORM_BUCKETS; b++) {
            int from = (int) ((long) b * windows.size() / WAVEFORM_BUCKETS);
            int to = Math.max(from + 1, (int) ((long) (b + 1) * windows.size() / WAVEFORM_BUCKETS));
            double sum = 0;
            int count = 0;
            for (int i = from; i < to && i < windows.size(); i++) { sum += windows.get(i); count++; }
            rms[b] = count == 0 ? 0 : Math.sqrt(sum / count);
        }
        double max = 0;
        for (double v : rms) max = Math.max(max, v);
        int[] out = new int[WAVEFORM_BUCKETS];
        for (int b = 0; b < WAVEFORM_BUCKETS; b++) out[b] = max == 0 ? 0 : (int) Math.round(rms[b] / max * 255);
        return out;
    }

    /** The first frame as a JPEG at most {@code maxSide} pixels on its longer side, or null. */
    Path poster(Path file, String contentType, int maxSide, Path work) throws IOException {
        if (!available) return null;
        Path out = Files.createTempFile(work, "poster-", ".jpg");
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-v", "error", "-y", "-protocol_whitelist", "file"));
        cmd.addAll(demuxer(contentType));
        String scale = "scale=w='if(gt(iw,ih),min(" + maxSide + ",iw),-2)':h='if(gt(iw,ih),-2,min(" + maxSide + ",ih))'";
        cmd.addAll(List.of("-i", "file:" + file, "-an", "-frames:v", "1", "-vf", scale, "-f", "image2", "-c:v", "mjpeg", "-q:v", "4",
                "file:" + out));
        if (run(cmd, 1 << 16) == null || Files.size(out) == 0) {
            Files.deleteIfExists(out);
            return null;
        }
        return out;
    }

    /** The demuxer for a type we detected, so ffmpeg never guesses a format (or a playlist) on its own. */
    private static List<String> demuxer(String contentType) {
        String f = switch (contentType) {
            case "audio/webm", "video/webm" -> "matroska,webm";
            case "audio/ogg" -> "ogg";
            case "audio/mp4", "video/mp4", "video/quicktime" -> "mov,mp4,m4a,3gp,3g2,mj2";
            case "audio/mpeg" -> "mp3";
            case "audio/wav" -> "wav";
            default -> null;
        };
        return f == null ? List.of() : List.of("-f", f);
    }

    /** Runs to completion within the time limit; stdout (at most {@code maxOut} bytes) or null on failure. */
    private static byte[] run(List<String> cmd, int maxOut) throws IOException {
        Process p = watched(new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start());
        byte[] out;
        try (InputStream in = p.getInputStream()) {
            out = in.readNBytes(maxOut);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } finally {
            finish(p);
        }
        return p.exitValue() == 0 ? out : null;
    }

    /** Kills {@code p} once it has run past the time limit (so a blocked read of its output ends too). */
    private static Process watched(Process p) {
        Thread.ofVirtual().name("parley-ffmpeg-watchdog").start(() -> {
            try {
                if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) p.destroyForcibly();
            } catch (InterruptedException e) {
                p.destroyForcibly();
            }
        });
        return p;
    }

    private static void finish(Process p) throws IOException {
        try {
            if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
                p.destroyForcibly();
                p.waitFor(5, TimeUnit.SECONDS);
            }
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        if (p.isAlive()) throw new IOException("ffmpeg did not stop");
    }

    /** ffprobe could not read the file as the type its first bytes claim. */
    static final class Unreadable extends IOException {
        Unreadable() {
            super("unreadable media");
        }
    }
}
