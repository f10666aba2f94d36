package dev.parley.testkit;

import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Predicate;
import tools.jackson.databind.JsonNode;

/**
 * A WebSocket client on a plain socket, for what real clients do not let a test do: send any handshake, split a
 * message into frames of its choosing, send frames before the server's first, or stop reading. Frames follow
 * RFC 6455 §5 (client frames masked).
 */
public final class RawWs implements AutoCloseable {
    public static final int TEXT = 0x1, BINARY = 0x2, CONTINUATION = 0x0, CLOSE = 0x8, PING = 0x9, PONG = 0xA;

    /** One server frame. */
    public record Frame(int opcode, boolean fin, byte[] payload) {
        public String text() { return new String(payload, StandardCharsets.UTF_8); }

        public JsonNode json() { return Api.JSON.readTree(text()); }

        public int closeCode() { return payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : -1; }
    }

    private final Socket socket;
    private final DataInputStream in;
    private final OutputStream out;
    public final int status;
    /** Response headers, names in lower case. */
    public final Map<String, String> headers = new LinkedHashMap<>();
    /** The response body of a refused upgrade (with Content-Length), else empty. */
    public final String body;

    private RawWs(Socket socket, String request) throws IOException {
        this.socket = socket;
        socket.setSoTimeout((int) WsClient.TIMEOUT.toMillis());
        this.in = new DataInputStream(socket.getInputStream());
        this.out = socket.getOutputStream();
        out.write(request.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
        String[] lines = readHead().split("\r\n");
        this.status = Integer.parseInt(lines[0].split(" ")[1]);
        for (int i = 1; i < lines.length; i++) {
            int colon = lines[i].indexOf(':');
            headers.put(lines[i].substring(0, colon).trim().toLowerCase(), lines[i].substring(colon + 1).trim());
        }
        String length = headers.get("content-length");
        if (status != 101 && length != null) {
            byte[] b = new byte[Integer.parseInt(length)];
            in.readFully(b);
            this.body = new String(b, StandardCharsets.UTF_8);
        } else {
            this.body = "";
        }
    }

    /** Sends {@code request} (a whole HTTP request head) and reads the response head. */
    public static RawWs send(ParleyServer server, String request) {
        return send(server, request, 0);
    }

    /** As {@link #send(ParleyServer, String)}, with a small socket receive buffer when {@code receiveBuffer} > 0. */
    public static RawWs send(ParleyServer server, String request, int receiveBuffer) {
        try {
            Socket s = new Socket();
            if (receiveBuffer > 0) s.setReceiveBufferSize(receiveBuffer);
            s.connect(new java.net.InetSocketAddress("127.0.0.1", server.port()), 5000);
            return new RawWs(s, request);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    /** A WebSocket upgrade request for {@code path}, with a fresh key and any extra header lines. */
    public static String upgrade(String path, String... extraHeaders) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        StringBuilder sb = new StringBuilder("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Version: 13\r\nSec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n");
        for (String h : extraHeaders) sb.append(h).append("\r\n");
        return sb.append("\r\n").toString();
    }

    /** Opens {@code /ws} with the token as query parameter and checks the 101. */
    public static RawWs connect(ParleyServer server, String accessToken) {
        return connect(server, accessToken, 0);
    }

    public static RawWs connect(ParleyServer server, String accessToken, int receiveBuffer) {
        RawWs ws = send(server, upgrade("/ws?access_token=" + accessToken), receiveBuffer);
        if (ws.status != 101) throw new AssertionError("upgrade refused: " + ws.status + " " + ws.body);
        return ws;
    }

    /** Sends another request on the same connection (HTTP/1.1 keep-alive); returns the status of its response. */
    public int request(String request) {
        try {
            out.write(request.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return Integer.parseInt(readHead().split("\r\n")[0].split(" ")[1]);
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    private String readHead() throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) throw new EOFException("connection closed in the response head: " + head);
            head.write(b);
        }
        return head.toString(StandardCharsets.ISO_8859_1).trim();
    }

    public void sendFrame(int opcode, boolean fin, byte[] payload) {
        try {
            ByteBuffer b = ByteBuffer.allocate(14 + payload.length);
            b.put((byte) ((fin ? 0x80 : 0) | opcode));
            if (payload.length < 126) {
                b.put((byte) (0x80 | payload.length));
            } else if (payload.length < 65536) {
                b.put((byte) (0x80 | 126)).putShort((short) payload.length);
            } else {
                b.put((byte) (0x80 | 127)).putLong(payload.length);
            }
            byte[] mask = new byte[4];
            ThreadLocalRandom.current().nextBytes(mask);
            b.put(mask);
            for (int i = 0; i < payload.length; i++) b.put((byte) (payload[i] ^ mask[i % 4]));
            out.write(b.array(), 0, b.position());
            out.flush();
        } catch (IOException e) {
            throw new AssertionError(e);
        }
    }

    public void sendText(String text) {
        sendFrame(TEXT, true, text.getBytes(StandardCharsets.UTF_8));
    }

    /** The next frame; fails after the timeout. Returns null when the server closed the TCP connection. */
    public Frame readFrame() {
        try {
            int b0 = in.read();
            if (b0 < 0) return null;
            int b1 = in.readUnsignedByte();
            long len = b1 & 0x7f;
            if (len == 126) len = in.readUnsignedShort();
            else if (len == 127) len = in.readLong();
            if ((b1 & 0x80) != 0) throw new AssertionError("server frames are not masked (RFC 6455 §5.1)");
            byte[] payload = new byte[(int) len];
            in.readFully(payload);
            return new Frame(b0 & 0x0f, (b0 & 0x80) != 0, payload);
        } catch (SocketTimeoutException e) {
            throw new AssertionError("no frame within " + WsClient.TIMEOUT);
        } catch (EOFException e) {
            return null;
        } catch (IOException e) {
            return null; // reset by the server
        }
    }

    /** Reads frames until a text frame whose JSON matches; fails on a close or after the timeout. */
    public JsonNode awaitJson(Predicate<JsonNode> match, String what) {
        while (true) {
            Frame f = readFrame();
            if (f == null || f.opcode() == CLOSE) throw new AssertionError("closed (" + (f == null ? "TCP" : f.closeCode()) + ") before " + what);
            if (f.opcode() == TEXT && match.test(f.json())) return f.json();
        }
    }

    public JsonNode awaitType(String type) {
        return awaitJson(n -> type.equals(WsClient.text(n, "type")), "a '" + type + "' frame");
    }

    /** Reads (and drops) frames until the close frame; returns its code, or -1 if the TCP connection ended first. */
    public int awaitClose() {
        while (true) {
            Frame f = readFrame();
            if (f == null) return -1;
            if (f.opcode() == CLOSE) return f.closeCode();
        }
    }

    /** Whether the server ends the TCP connection (after any frames still coming). */
    public boolean awaitEnd() {
        try {
            while (in.read() >= 0) {
                // drain
            }
            return true;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (IOException e) {
            return true;
        }
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // already gone
        }
    }
}
