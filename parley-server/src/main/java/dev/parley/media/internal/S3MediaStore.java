package dev.parley.media.internal;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Blobs in a bucket of any S3-compatible service (AWS S3, MinIO, Ceph, S3Proxy...), path-style
 * ({@code <endpoint>/<bucket>/<prefix><sha256>}), over the JDK's HTTP client with AWS Signature Version 4
 * (header auth). The payload hash that SigV4 signs is the blob's key itself, since blobs are named by their
 * SHA-256: the service checks the bytes it receives against it. Creates the bucket at start if it is missing.
 */
final class S3MediaStore implements MediaStore {
    private static final String EMPTY_SHA256 = "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855";
    private static final DateTimeFormatter AMZ_DATE = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10))
            .version(HttpClient.Version.HTTP_1_1).build();
    private final URI endpoint;
    private final String host;
    private final String bucket;
    private final String region;
    private final String accessKey;
    private final byte[] secretKey;
    private final String prefix;

    S3MediaStore(MediaProperties.S3 c) throws IOException {
        if (c == null || blank(c.endpoint()) || blank(c.bucket()) || blank(c.accessKey()) || blank(c.secretKey())) {
            throw new IllegalArgumentException("parley.media.store=s3 needs parley.media.s3.endpoint, bucket, access-key and secret-key");
        }
        String e = c.endpoint().endsWith("/") ? c.endpoint().substring(0, c.endpoint().length() - 1) : c.endpoint();
        this.endpoint = URI.create(e);
        int port = endpoint.getPort();
        boolean defaultPort = port == -1 || (port == 80 && "http".equals(endpoint.getScheme())) || (port == 443 && "https".equals(endpoint.getScheme()));
        this.host = defaultPort ? endpoint.getHost() : endpoint.getHost() + ":" + port;
        this.bucket = c.bucket();
        this.region = blank(c.region()) ? "us-east-1" : c.region();
        this.accessKey = c.accessKey();
        this.secretKey = ("AWS4" + c.secretKey()).getBytes(StandardCharsets.UTF_8);
        this.prefix = c.prefix() == null ? "" : c.prefix();
        ensureBucket();
    }

    private void ensureBucket() throws IOException {
        int head = send(request("HEAD", "/" + bucket, EMPTY_SHA256, Map.of()).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (head == 200) return;
        HttpResponse<String> put = send(request("PUT", "/" + bucket, EMPTY_SHA256, Map.of()).PUT(HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.ofString());
        if (put.statusCode() != 200 && put.statusCode() != 409) {
            throw new IOException("S3: bucket " + bucket + " missing and not created: HTTP " + put.statusCode() + " " + clip(put.body()));
        }
    }

    private String objectPath(String key) {
        if (!key.matches("[0-9a-f]{64}")) throw new IllegalArgumentException("not a SHA-256 key");
        return "/" + bucket + "/" + encodePath(prefix + key);
    }

    @Override
    public void put(String key, Path source) throws IOException {
        try {
            if (exists(key)) return;
            HttpResponse<String> r = send(request("PUT", objectPath(key), key, Map.of("content-type", "application/octet-stream"))
                    .PUT(HttpRequest.BodyPublishers.ofFile(source)), HttpResponse.BodyHandlers.ofString());
            if (r.statusCode() != 200) throw new IOException("S3 PUT " + key + ": HTTP " + r.statusCode() + " " + clip(r.body()));
        } finally {
            Files.deleteIfExists(source);
        }
    }

    @Override
    public boolean exists(String key) throws IOException {
        int s = send(request("HEAD", objectPath(key), EMPTY_SHA256, Map.of()).method("HEAD", HttpRequest.BodyPublishers.noBody()),
                HttpResponse.BodyHandlers.discarding()).statusCode();
        if (s == 200) return true;
        if (s == 404) return false;
        throw new IOException("S3 HEAD " + key + ": HTTP " + s);
    }

    @Override
    public void delete(String key) throws IOException {
        int s = send(request("DELETE", objectPath(key), EMPTY_SHA256, Map.of()).DELETE(), HttpResponse.BodyHandlers.discarding()).statusCode();
        if (s != 204 && s != 200 && s != 404) throw new IOException("S3 DELETE " + key + ": HTTP " + s);
    }

    @Override
    public InputStream open(String key, long start, long length) throws IOException {
        if (length == 0) return InputStream.nullInputStream();
        HttpRequest.Builder b = request("GET", objectPath(key), EMPTY_SHA256, Map.of()).GET()
                .header("Range", "bytes=" + start + "-" + (start + length - 1));
        HttpResponse<InputStream> r = send(b, HttpResponse.BodyHandlers.ofInputStream());
        if (r.statusCode() != 206 && r.statusCode() != 200) {
            r.body().close();
            throw new IOException("S3 GET " + key + ": HTTP " + r.statusCode());
        }
        InputStream in = r.body();
        if (r.statusCode() == 200 && start > 0) in.skipNBytes(start); // a service that ignored the range
        return in;
    }

    @Override
    public Path localFile(String key) {
        return null;
    }

    @Override
    public String describe() {
        return "S3 bucket " + bucket + " at " + endpoint;
    }

    private <T> HttpResponse<T> send(HttpRequest.Builder b, HttpResponse.BodyHandler<T> handler) throws IOException {
        try {
            return http.send(b.timeout(Duration.ofMinutes(10)).build(), handler);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    /** A request with SigV4 headers (host, x-amz-content-sha256, x-amz-date and the {@code extra} ones signed). */
    private HttpRequest.Builder request(String method, String path, String payloadSha256, Map<String, String> extra) {
        String amzDate = ZonedDateTime.now(ZoneOffset.UTC).format(AMZ_DATE);
        String day = amzDate.substring(0, 8);
        TreeMap<String, String> headers = new TreeMap<>(extra);
        headers.put("host", host);
        headers.put("x-amz-content-sha256", payloadSha256);
        headers.put("x-amz-date", amzDate);
        StringBuilder canonicalHeaders = new StringBuilder();
        headers.forEach((k, v) -> canonicalHeaders.append(k).append(':').append(v.trim()).append('\n'));
        String signedHeaders = String.join(";", headers.keySet());
        String canonicalRequest = method + "\n" + path + "\n" + "" + "\n" + canonicalHeaders + "\n" + signedHeaders + "\n" + payloadSha256;
        String scope = day + "/" + region + "/s3/aws4_request";
        String toSign = "AWS4-HMAC-SHA256\n" + amzDate + "\n" + scope + "\n" + hex(sha256(canonicalRequest));
        byte[] k = hmac(secretKey, day);
        k = hmac(k, region);
        k = hmac(k, "s3");
        k = hmac(k, "aws4_request");
        String signature = hex(hmac(k, toSign));
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(endpoint + path));
        headers.forEach((name, value) -> {
            if (!name.equals("host")) b.header(name, value); // the client sets Host itself, to the same value
        });
        b.header("Authorization", "AWS4-HMAC-SHA256 Credential=" + accessKey + "/" + scope + ", SignedHeaders=" + signedHeaders
                + ", Signature=" + signature);
        return b;
    }

    /** RFC 3986 encoding of each path segment, as SigV4 wants it for S3 (slashes kept, no double encoding). */
    private static String encodePath(String s) {
        StringBuilder out = new StringBuilder();
        for (byte b : s.getBytes(StandardCharsets.UTF_8)) {
            int c = b & 0xFF;
            if ((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.' || c == '~' || c == '/') {
                out.append((char) c);
            } else {
                out.append('%').append(String.format("%02X", c));
            }
        }
        return out.toString();
    }

    private static byte[] hmac(byte[] key, String data) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(data.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] sha256(String s) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String hex(byte[] b) {
        return HexFormat.of().formatHex(b);
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
    }

    private static String clip(String s) {
        return s == null ? "" : s.length() > 300 ? s.substring(0, 300) : s;
    }
}
