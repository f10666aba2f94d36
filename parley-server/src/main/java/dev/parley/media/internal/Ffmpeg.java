package dev.parley.media.internal;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * ffprobe and ffmpeg (Debian's {@code ffmpeg} package) for voice and video: duration, dimensions, a poster frame
 * and a waveform. Probed once at start-up; when they are missing every method answers "nothing" and uploads go on
 * without these (client-supplied duration and waveform are used instead). Each run is a child process reading only
 * local files ({@code -protocol_whitelist file}), with the demuxer chosen from the type we detected rather than by
 * ffmpeg's own probing, decoding on one thread.
 *
 * <p>A small file can decode for a long time (a 6 MB Opus file of three hours took 13 s of a core), so: at most
 * {@code parley.media.ffmpeg-max-processes} processes run at once on this node, and the work on one upload has a
 * {@link Budget} of {@code parley.media.ffmpeg-timeout} of wall-clock time, waiting for a process included. Past it
 * the process (and anything it started) is killed and the method throws {@link TimedOut}; the upload is then stored
 * without what was not computed, as if ffmpeg were missing. The waveform decodes at most
 * {@link #WAVEFORM_MAX_SECONDS} of audio and the poster at most {@link #POSTER_MAX_SECONDS} of input.
 */
@Component
class Ffmpeg {
    private static final Logger log = LoggerFactory.getLogger(Ffmpeg.class);
    static final int WAVEFORM_BUCKETS = 64;
    /** Audio longer than this gets no waveform from the server (the client's, if it sent one, is kept). */
    static final int WAVEFORM_MAX_SECONDS = 1800;
    /** The poster is the first frame: no more than this much of the input is read to find it. */
    static final int POSTER_MAX_SECONDS = 30;

    private final String ffmpeg;
    private final String ffprobe;
    private final boolean available;
    private final Semaphore slots;
    private final int maxProcesses;
    private final Duration timeout;
    private final JsonMapper json = JsonMapper.builder().build();

    Ffmpeg(MediaProperties props) {
        this.ffmpeg = props.ffmpeg();
        this.ffprobe = props.ffprobe();
        this.available = works(ffmpeg) && works(ffprobe);
        this.maxProcesses = props.ffmpegProcesses();
        this.slots = new Semaphore(maxProcesses, true);
        this.timeout = props.ffmpegTimeout() == null ? Duration.ofSeconds(20) : props.ffmpegTimeout();
        if (available) log.info("Media: ffmpeg found ({}, {}): durations, waveforms and poster frames are computed", ffmpeg, ffprobe);
        else log.info("Media: ffmpeg not found ({}): voice and video are stored without server-side duration, waveform or poster", ffmpeg);
    }

    boolean available() { return available; }

    /** The wall-clock time left for the ffmpeg work on one upload: one per upload, shared by all its runs. */
    static final class Budget {
        private final long deadlineNanos;

        private Budget(Duration d) {
            this.deadlineNanos = System.nanoTime() + d.toNanos();
        }

        long leftNanos() {
            return deadlineNanos - System.nanoTime();
        }
    }

    Budget budget() {
        return new Budget(timeout);
    }

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
    Probe probe(Path file, String contentType, Budget budget) throws IOException {
        if (!available) return null;
        List<String> cmd = new ArrayList<>(List.of(ffprobe, "-v", "error", "-protocol_whitelist", "file"));
        cmd.addAll(demuxer(contentType));
        cmd.addAll(List.of("-print_format", "json", "-show_format", "-show_streams", "file:" + file));
        byte[] out = run(cmd, 1 << 20, budget);
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
     * ffmpeg to 8 kHz mono 16-bit PCM, read as a stream (10 ms windows), never held whole. Null for audio longer
     * than {@link #WAVEFORM_MAX_SECONDS} (only that much is decoded: a container's stated duration may lie).
     */
    int[] waveform(Path file, String contentType, Budget budget) throws IOException {
        if (!available) return null;
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-v", "error", "-protocol_whitelist", "file", "-threads", "1"));
        cmd.addAll(demuxer(contentType));
        cmd.addAll(List.of("-t", Integer.toString(WAVEFORM_MAX_SECONDS), "-i", "file:" + file, "-vn", "-ac", "1", "-ar", "8000",
                "-f", "s16le", "-acodec", "pcm_s16le", "pipe:1"));
        Run run = start(cmd, budget);
        Process p = run.process;
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
            }
        } finally {
            run.finish();
        }
        if (p.exitValue() != 0 || windows.isEmpty()) return null;
        if (windows.size() >= WAVEFORM_MAX_SECONDS * 100L - 1) return null; // cut off by -t: longer than we decode
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
    Path poster(Path file, String contentType, int maxSide, Path work, Budget budget) throws IOException {
        if (!available) return null;
        Path out = Files.createTempFile(work, "poster-", ".jpg", dev.parley.platform.PrivateFiles.fileAttributes());
        List<String> cmd = new ArrayList<>(List.of(ffmpeg, "-nostdin", "-v", "error", "-y", "-protocol_whitelist", "file", "-threads", "1"));
        cmd.addAll(demuxer(contentType));
        String scale = "scale=w='if(gt(iw,ih),min(" + maxSide + ",iw),-2)':h='if(gt(iw,ih),-2,min(" + maxSide + ",ih))'";
        cmd.addAll(List.of("-t", Integer.toString(POSTER_MAX_SECONDS), "-i", "file:" + file, "-an", "-frames:v", "1", "-vf", scale,
                "-f", "image2", "-c:v", "mjpeg", "-q:v", "4", "file:" + out));
        try {
            if (run(cmd, 1 << 16, budget) == null || Files.size(out) == 0) {
                Files.deleteIfExists(out);
                return null;
            }
        } catch (IOException e) {
            Files.deleteIfExists(out);
            throw e;
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

    /** Runs to completion within the budget; stdout (at most {@code maxOut} bytes) or null on failure. */
    private byte[] run(List<String> cmd, int maxOut, Budget budget) throws IOException {
        Run run = start(cmd, budget);
        byte[] out;
        try (InputStream in = run.process.getInputStream()) {
            out = in.readNBytes(maxOut);
            in.transferTo(java.io.OutputStream.nullOutputStream());
        } finally {
            run.finish();
        }
        return run.process.exitValue() == 0 ? out : null;
    }

    /**
     * Waits for a free process slot (within the budget), then starts {@code cmd} with a watchdog that kills it at the
     * budget's end (a blocked read of its output then ends too). {@link Run#finish} releases the slot.
     */
    private Run start(List<String> cmd, Budget budget) throws IOException {
        try {
            if (!slots.tryAcquire(Math.max(0, budget.leftNanos()), TimeUnit.NANOSECONDS)) {
                throw new TimedOut("no ffmpeg process free within the time limit");
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        Process p;
        try {
            p = new ProcessBuilder(cmd).redirectError(ProcessBuilder.Redirect.DISCARD).start();
        } catch (IOException | RuntimeException e) {
            slots.release();
            throw e;
        }
        Run run = new Run(p, budget);
        Thread.ofVirtual().name("parley-ffmpeg-watchdog").start(run::watch);
        return run;
    }

    /** One running process, holding a slot. */
    private final class Run {
        final Process process;
        final Budget budget;
        volatile boolean killed;

        Run(Process process, Budget budget) {
            this.process = process;
            this.budget = budget;
        }

        void watch() {
            try {
                if (process.waitFor(Math.max(0, budget.leftNanos()), TimeUnit.NANOSECONDS)) return;
            } catch (InterruptedException e) {
                // fall through: kill
            }
            kill();
        }

        void kill() {
            killed = true;
            process.descendants().forEach(ProcessHandle::destroyForcibly);
            process.destroyForcibly();
        }

        /** Waits for the end (killing at the budget's end), frees the slot; throws {@link TimedOut} if it was killed. */
        void finish() throws IOException {
            try {
                if (!process.waitFor(Math.max(0, budget.leftNanos()), TimeUnit.NANOSECONDS)) kill();
                if (!process.waitFor(5, TimeUnit.SECONDS)) throw new IOException("ffmpeg did not stop");
            } catch (InterruptedException e) {
                kill();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted", e);
            } finally {
                if (!process.isAlive()) slots.release();
            }
            if (killed) throw new TimedOut("ffmpeg ran past the time limit");
        }
    }

    /** The upload's ffmpeg time ran out (waiting for a process, or running one): go on without what it would give. */
    static final class TimedOut extends IOException {
        TimedOut(String message) {
            super(message);
        }
    }

    /** ffprobe could not read the file as the type its first bytes claim. */
    static final class Unreadable extends IOException {
        Unreadable() {
            super("unreadable media");
        }
    }
}
