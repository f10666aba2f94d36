package dev.parley.testkit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Media over real HTTP: resumable uploads (raw bytes, chosen offsets, cut connections) and ranged downloads. */
public final class MediaClient {
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    /** An answer with its bytes and headers. */
    public record Bytes(int status, HttpHeaders headers, byte[] body) {
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public JsonNode json() {
            return Api.JSON.readTree(body);
        }

        public String code() {
            JsonNode j = json();
            return j.has("code") ? j.get("code").asString() : null;
        }

        public String text() {
            return new String(body, StandardCharsets.UTF_8);
        }
    }

    private final ParleyServer server;
    private final Api api;

    public MediaClient(ParleyServer server) {
        this.server = server;
        this.api = new Api(server);
    }

    public Api.Response create(String token, String kind, String name, long size, String contentType) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("kind", kind);
        body.put("size", size);
        body.put("name", name);
        if (contentType != null) body.put("contentType", contentType);
        return api.post("/api/v1/media/uploads", token, body);
    }

    public Api.Response create(String token, Map<String, Object> body) {
        return api.post("/api/v1/media/uploads", token, body);
    }

    /** One PATCH with {@code data} at {@code offset}. */
    public Bytes patch(String token, String uploadId, long offset, byte[] data) {
        return send(HttpRequest.newBuilder(URI.create(server.http() + "/api/v1/media/uploads/" + uploadId))
                .header("Authorization", "Bearer " + token)
                .header("Content-Type", "application/offset+octet-stream")
                .header("Upload-Offset", Long.toString(offset))
                .method("PATCH", HttpRequest.BodyPublishers.ofByteArray(data)));
    }

    /** The whole upload in PATCHes of {@code chunk} bytes; returns the final answer (the media view under "media"). */
    public Bytes upload(String token, String kind, String name, byte[] data, String contentType, int chunk) {
        Api.Response c = create(token, kind, name, data.length, contentType);
        assertThat(c.status()).as(c.raw()).isEqualTo(201);
        return sendAll(token, c.body().get("uploadId").asString(), data, chunk);
    }

    public Bytes sendAll(String token, String uploadId, byte[] data, int chunk) {
        Bytes last = null;
        for (int off = 0; off < data.length; off += chunk) {
            last = patch(token, uploadId, off, Arrays.copyOfRange(data, off, Math.min(data.length, off + chunk)));
            if (last.status() != 200) return last;
        }
        return last;
    }

    /** Uploads and returns the media view, asserting success. */
    public JsonNode uploaded(String token, String kind, String name, byte[] data, String contentType) {
        Bytes b = upload(token, kind, name, data, contentType, 64 * 1024);
        assertThat(b.status()).as(b.text()).isEqualTo(200);
        JsonNode media = b.json().get("media");
        assertThat(media).as(b.text()).isNotNull();
        return media;
    }

    /**
     * A PATCH that announces {@code data.length} bytes but sends only the first {@code sent}, then drops the TCP
     * connection, like a phone losing its network mid-upload.
     */
    public void patchAndDrop(String token, String uploadId, long offset, byte[] data, int sent) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            OutputStream out = s.getOutputStream();
            String head = "PATCH /api/v1/media/uploads/" + uploadId + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: " + offset + "\r\nContent-Length: " + data.length + "\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            out.write(data, 0, sent);
            out.flush();
            try {
                Thread.sleep(500); // let the server read what was sent before the connection dies
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            s.setSoLinger(true, 0); // RST rather than FIN: the connection is lost, not closed
        }
    }

    /** A PATCH sent with chunked transfer encoding (no Content-Length), as a streaming client would. */
    public Bytes patchChunked(String token, String uploadId, long offset, byte[] data) throws IOException {
        try (Socket s = new Socket("127.0.0.1", server.port())) {
            s.setSoTimeout(30_000);
            OutputStream out = s.getOutputStream();
            String head = "PATCH /api/v1/media/uploads/" + uploadId + " HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer " + token
                    + "\r\nContent-Type: application/offset+octet-stream\r\nUpload-Offset: " + offset
                    + "\r\nTransfer-Encoding: chunked\r\nConnection: close\r\n\r\n";
            out.write(head.getBytes(StandardCharsets.US_ASCII));
            for (int off = 0; off < data.length; off += 4096) {
                int n = Math.min(4096, data.length - off);
                out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
                out.write(data, off, n);
                out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            }
            out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            InputStream in = s.getInputStream();
            String response = new String(in.readAllBytes(), StandardCharsets.UTF_8);
            int status = Integer.parseInt(response.substring(9, 12));
            int bodyAt = response.indexOf("\r\n\r\n") + 4;
            String body = response.substring(bodyAt);
            if (response.toLowerCase().contains("transfer-encoding: chunked")) body = dechunk(body);
            return new Bytes(status, HttpHeaders.of(Map.of(), (a, b) -> true), body.getBytes(StandardCharsets.UTF_8));
        }
    }

    private static String dechunk(String s) {
        StringBuilder out = new StringBuilder();
        int i = 0;
        while (i < s.length()) {
            int eol = s.indexOf("\r\n", i);
            if (eol < 0) break;
            int n = Integer.parseInt(s.substring(i, eol).trim(), 16);
            if (n == 0) break;
            out.append(s, eol + 2, eol + 2 + n);
            i = eol + 2 + n + 2;
        }
        return out.toString();
    }

    public Api.Response status(String token, String uploadId) {
        return api.get("/api/v1/media/uploads/" + uploadId, token);
    }

    public Api.Response cancel(String token, String uploadId) {
        return api.delete("/api/v1/media/uploads/" + uploadId, token);
    }

    /** A GET of {@code path} with the bearer header (when {@code token} is given) and any other headers. */
    public Bytes get(String path, String token, String... headers) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(server.http() + path)).GET();
        if (token != null) b.header("Authorization", "Bearer " + token);
        for (int i = 0; i + 1 < headers.length; i += 2) b.header(headers[i], headers[i + 1]);
        return send(b);
    }

    private static Bytes send(HttpRequest.Builder b) {
        try {
            HttpResponse<byte[]> r = HTTP.send(b.timeout(Duration.ofSeconds(120)).build(), HttpResponse.BodyHandlers.ofByteArray());
            return new Bytes(r.statusCode(), r.headers(), r.body());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** A test fixture from {@code src/test/resources/media/}. */
    public static byte[] fixture(String name) {
        try (InputStream in = MediaClient.class.getResourceAsStream("/media/" + name)) {
            if (in == null) throw new IllegalArgumentException("no fixture " + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
