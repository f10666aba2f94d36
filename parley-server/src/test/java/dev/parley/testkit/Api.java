package dev.parley.testkit;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for the REST API: JSON in, status and JSON out. */
public final class Api {
    public static final JsonMapper JSON = JsonMapper.builder().build();
    private static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public record Response(int status, JsonNode body, String raw, java.net.http.HttpHeaders headers) {
        public Response(int status, JsonNode body, String raw) {
            this(status, body, raw, java.net.http.HttpHeaders.of(java.util.Map.of(), (a, b) -> true));
        }

        /** The first value of a response header, or null. */
        public String header(String name) {
            return headers.firstValue(name).orElse(null);
        }

        public String code() {
            return body != null && body.has("code") ? body.get("code").asString() : null;
        }
    }

    private final String base;

    public Api(ParleyServer server) {
        this.base = server.http();
    }

    public Response get(String path, String token) {
        return send("GET", path, token, null, null);
    }

    public Response post(String path, String token, Object body) {
        return send("POST", path, token, body == null ? null : JSON.writeValueAsString(body), "application/json");
    }

    public Response postRaw(String path, String token, String raw, String contentType) {
        return send("POST", path, token, raw, contentType);
    }

    public Response patch(String path, String token, Object body) {
        return send("PATCH", path, token, JSON.writeValueAsString(body), "application/json");
    }

    public Response put(String path, String token) {
        return send("PUT", path, token, null, null);
    }

    public Response put(String path, String token, Object body) {
        return send("PUT", path, token, JSON.writeValueAsString(body), "application/json");
    }

    public Response delete(String path, String token) {
        return send("DELETE", path, token, null, null);
    }

    /** A GET with a raw {@code Authorization} header value (another scheme, a malformed bearer). */
    public Response getWithAuthorization(String path, String authorization) {
        return exchange("GET", path, authorization, null, null);
    }

    public Response send(String method, String path, String token, String body, String contentType) {
        return exchange(method, path, token == null ? null : "Bearer " + token, body, contentType);
    }

    private Response exchange(String method, String path, String authorization, String body, String contentType) {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(40));
        if (authorization != null) b.header("Authorization", authorization);
        if (contentType != null) b.header("Content-Type", contentType);
        b.method(method, body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        try {
            HttpResponse<String> r = HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
            boolean json = r.headers().firstValue("content-type").map(t -> t.contains("json")).orElse(false);
            JsonNode node = !json || r.body() == null || r.body().isBlank() ? null : JSON.readTree(r.body());
            return new Response(r.statusCode(), node, r.body(), r.headers());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
