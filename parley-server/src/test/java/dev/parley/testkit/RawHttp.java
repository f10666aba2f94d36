package dev.parley.testkit;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * HTTP/1.1 over a plain socket bound to a source address of the test's choosing (any of 127.0.0.0/8 reaches a
 * server on 127.0.0.1), with any headers: to look like another client, or to send forwarded headers as a proxy
 * (or an impostor) would. One request per connection.
 */
public final class RawHttp {
    public record Response(int status, Map<String, List<String>> headers, String raw, JsonNode body) {
        public String code() { return body != null && body.has("code") ? body.get("code").asString() : null; }

        public String header(String name) {
            List<String> v = headers.get(name.toLowerCase(Locale.ROOT));
            return v == null || v.isEmpty() ? null : v.get(0);
        }

        /** As an {@link Api.Response}, for the usual assertions. */
        public Api.Response api() { return new Api.Response(status, body, raw); }
    }

    private final int port;
    private final String from;

    /** Requests to {@code server} from the source address {@code from} (e.g. "127.0.0.2"). */
    public RawHttp(ParleyServer server, String from) {
        this.port = server.port();
        this.from = from;
    }

    public Response post(String path, String token, Object body, Map<String, String> headers) {
        return send("POST", path, token, body == null ? null : Api.JSON.writeValueAsString(body), headers);
    }

    public Response send(String method, String path, String token, String body, Map<String, String> headers) {
        try (Socket s = new Socket()) {
            s.bind(new InetSocketAddress(InetAddress.getByName(from), 0));
            s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
            s.setSoTimeout(30_000);
            byte[] payload = body == null ? new byte[0] : body.getBytes(StandardCharsets.UTF_8);
            StringBuilder req = new StringBuilder(method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port
                    + "\r\nConnection: close\r\nAccept: application/json\r\n");
            if (token != null) req.append("Authorization: Bearer ").append(token).append("\r\n");
            if (body != null) req.append("Content-Type: application/json\r\n");
            req.append("Content-Length: ").append(payload.length).append("\r\n");
            headers.forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
            req.append("\r\n");
            OutputStream out = s.getOutputStream();
            out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
            out.write(payload);
            out.flush();
            return parse(s.getInputStream());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path + " from " + from + " failed", e);
        }
    }

    private static Response parse(InputStream in) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        in.transferTo(all); // Connection: close: the answer ends with the stream
        String text = all.toString(StandardCharsets.ISO_8859_1);
        int end = text.indexOf("\r\n\r\n");
        String[] lines = text.substring(0, end).split("\r\n");
        int status = Integer.parseInt(lines[0].split(" ")[1]);
        Map<String, List<String>> headers = new LinkedHashMap<>();
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.computeIfAbsent(lines[i].substring(0, colon).trim().toLowerCase(Locale.ROOT), k -> new ArrayList<>())
                    .add(lines[i].substring(colon + 1).trim());
        }
        byte[] rest = all.toByteArray();
        byte[] bodyBytes = java.util.Arrays.copyOfRange(rest, end + 4, rest.length);
        if ("chunked".equalsIgnoreCase(String.join(",", headers.getOrDefault("transfer-encoding", List.of())))) {
            bodyBytes = dechunk(bodyBytes);
        }
        String body = new String(bodyBytes, StandardCharsets.UTF_8);
        boolean json = headers.getOrDefault("content-type", List.of()).stream().anyMatch(t -> t.contains("json"));
        return new Response(status, headers, body, json && !body.isBlank() ? Api.JSON.readTree(body) : null);
    }

    private static byte[] dechunk(byte[] b) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        int i = 0;
        while (i < b.length) {
            int lineEnd = i;
            while (lineEnd + 1 < b.length && !(b[lineEnd] == '\r' && b[lineEnd + 1] == '\n')) lineEnd++;
            String sizeLine = new String(b, i, lineEnd - i, StandardCharsets.ISO_8859_1).split(";")[0].trim();
            int size = Integer.parseInt(sizeLine, 16);
            if (size == 0) break;
            out.write(b, lineEnd + 2, size);
            i = lineEnd + 2 + size + 2;
        }
        return out.toByteArray();
    }
}
