package dev.parley.bench;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * Media throughput and memory: a 200 MB upload in one streamed PATCH (resumable protocol, as a client on a good
 * link would send it), then its download, over loopback, {@code runs} times with different bytes (no
 * deduplication); then one more upload during which the server's heap and RSS are sampled. Bounded: each transfer
 * has a 10-minute limit.
 */
final class MediaScenario {
    record Run(double uploadMBps, double downloadMBps) {}

    record Memory(long baseHeapKib, long baseRssKib, long peakHeapKib, long heldHeapKib, long peakRssKib, int samples) {}

    record Result(List<Run> runs, Memory memory, long sizeBytes) {}

    private final ServerProcess server;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).version(HttpClient.Version.HTTP_1_1).build();
    private final String base;

    MediaScenario(ServerProcess server) {
        this.server = server;
        this.base = "http://127.0.0.1:" + server.port + "/api/v1";
    }

    Result run(int sizeMb, int runs, Path work) throws Exception {
        Accounts.User user = new Accounts(server.port).create("media_" + System.nanoTime() % 100000, 1, 1).users().get(0);
        long size = sizeMb * 1_000_000L;
        List<Run> out = new ArrayList<>();
        for (int i = 0; i <= runs; i++) { // run 0 warms up and is not reported
            Path file = makeFile(work, size, i);
            long t0 = System.nanoTime();
            String id = upload(user.token(), file, size);
            double up = size / 1e6 / ((System.nanoTime() - t0) / 1e9);
            t0 = System.nanoTime();
            long got = download(user.token(), id);
            double down = got / 1e6 / ((System.nanoTime() - t0) / 1e9);
            if (got != size) throw new IllegalStateException("downloaded " + got + " of " + size + " bytes");
            Files.delete(file);
            if (i > 0) out.add(new Run(up, down));
            System.out.printf("media run %d: upload %.0f MB/s, download %.0f MB/s%n", i, up, down);
        }
        Memory memory = memoryDuringUpload(user.token(), work, size);
        Files.deleteIfExists(work);
        return new Result(out, memory, size);
    }

    /**
     * Heap (no GC forced, so the peak includes garbage) and RSS every 100 ms during an upload sent at 40 MB/s (a
     * fast client link; long enough to sample), and once 2 s in after a full GC: what the upload really holds.
     */
    private Memory memoryDuringUpload(String token, Path work, long size) throws Exception {
        Path file = makeFile(work, size, 999);
        long baseHeap = server.heapUsedAfterGcKib();
        long baseRss = server.rssKib();
        AtomicBoolean done = new AtomicBoolean();
        AtomicLong peakHeap = new AtomicLong(), peakRss = new AtomicLong(), held = new AtomicLong(-1);
        int[] samples = {0};
        long started = System.nanoTime();
        Thread sampler = Thread.ofPlatform().start(() -> {
            try {
                while (!done.get()) {
                    peakHeap.accumulateAndGet(server.heapUsedKib(), Math::max);
                    peakRss.accumulateAndGet(server.rssKib(), Math::max);
                    samples[0]++;
                    if (held.get() < 0 && System.nanoTime() - started > 2_000_000_000L) held.set(server.heapUsedAfterGcKib());
                    Thread.sleep(100);
                }
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        try {
            upload(token, file, size, 40_000_000);
        } finally {
            done.set(true);
            sampler.join();
            Files.delete(file);
        }
        return new Memory(baseHeap, baseRss, peakHeap.get(), held.get(), peakRss.get(), samples[0]);
    }

    /** Distinct printable text per run (a "file" upload: detected as text/plain, no processing beyond hashing). */
    private static Path makeFile(Path dir, long size, int seed) throws IOException {
        Path f = Files.createTempFile(dir, "media-", ".txt");
        Random r = new Random(seed);
        byte[] line = new byte[100];
        try (OutputStream out = new BufferedOutputStream(Files.newOutputStream(f), 1 << 20)) {
            for (long written = 0; written < size; written += line.length) {
                for (int i = 0; i < 99; i++) line[i] = (byte) ('a' + r.nextInt(26));
                line[99] = '\n';
                out.write(line, 0, (int) Math.min(line.length, size - written));
            }
        }
        return f;
    }

    private String upload(String token, Path file, long size) throws Exception {
        return upload(token, file, size, 0);
    }

    /** Creates the upload and sends the file in one PATCH; at most {@code bytesPerSecond} when that is not 0. */
    private String upload(String token, Path file, long size, long bytesPerSecond) throws Exception {
        HttpResponse<String> c = http.send(HttpRequest.newBuilder(URI.create(base + "/media/uploads")).timeout(Duration.ofSeconds(30))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString("{\"kind\":\"file\",\"size\":" + size + ",\"name\":\"bench.txt\"}")).build(),
                HttpResponse.BodyHandlers.ofString());
        if (c.statusCode() != 201) throw new IllegalStateException("create: " + c.statusCode() + " " + c.body());
        String uploadId = Accounts.JSON.readTree(c.body()).get("uploadId").asString();
        HttpResponse<String> p = http.send(HttpRequest.newBuilder(URI.create(base + "/media/uploads/" + uploadId)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token).header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", "0").method("PATCH", bytesPerSecond == 0 ? HttpRequest.BodyPublishers.ofFile(file)
                        : HttpRequest.BodyPublishers.fromPublisher(HttpRequest.BodyPublishers.ofInputStream(() -> throttled(file, bytesPerSecond)), size))
                .build(),
                HttpResponse.BodyHandlers.ofString());
        if (p.statusCode() != 200) throw new IllegalStateException("patch: " + p.statusCode() + " " + p.body());
        JsonNode media = Accounts.JSON.readTree(p.body()).get("media");
        if (media == null) throw new IllegalStateException("no media view: " + p.body());
        return media.get("id").asString();
    }

    private static InputStream throttled(Path file, long bytesPerSecond) {
        try {
            InputStream in = Files.newInputStream(file);
            long start = System.nanoTime();
            return new java.io.FilterInputStream(in) {
                long sent;

                @Override
                public int read(byte[] b, int off, int len) throws IOException {
                    long due = start + sent * 1_000_000_000L / bytesPerSecond;
                    long wait = due - System.nanoTime();
                    if (wait > 0) {
                        try {
                            Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                            throw new IOException(e);
                        }
                    }
                    int n = super.read(b, off, Math.min(len, 64 * 1024));
                    if (n > 0) sent += n;
                    return n;
                }
            };
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private long download(String token, String id) throws Exception {
        HttpResponse<InputStream> r = http.send(HttpRequest.newBuilder(URI.create(base + "/media/" + id)).timeout(Duration.ofMinutes(10))
                .header("Authorization", "Bearer " + token).GET().build(), HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 200) throw new IllegalStateException("download: " + r.statusCode());
        long n = 0;
        byte[] buf = new byte[1 << 16];
        try (InputStream in = r.body()) {
            for (int k; (k = in.read(buf)) > 0; ) n += k;
        }
        return n;
    }
}
