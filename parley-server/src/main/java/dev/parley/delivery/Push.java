package dev.parley.delivery;

import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import tools.jackson.core.io.JsonStringEncoder;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * One server-to-client frame: {@code {"type": ..., ...fields of data}}. Encoded to JSON (UTF-8) at most once,
 * however many connections it goes to.
 */
public final class Push {
    private final String type;
    private final String id;
    private final Object data;
    private volatile byte[] utf8;
    private volatile String json;

    public Push(String type, Object data) {
        this(type, null, data);
    }

    /** A reply: {@code id} echoes the id of the client frame it answers. */
    public Push(String type, String id, Object data) {
        this.type = type;
        this.id = id;
        this.data = data;
    }

    public String type() { return type; }

    public Object data() { return data; }

    public String json(JsonMapper mapper) {
        String j = json;
        if (j == null) json = j = new String(utf8(mapper), StandardCharsets.UTF_8);
        return j;
    }

    /**
     * The frame as UTF-8 JSON; shared, never to be modified. Written as {@code {"type":...,"id":...,} followed by
     * the fields of data, serialized straight to bytes: going through a tree first (as this did until the seventh pass of issue 4)
     * allocated a map node per field and was an eighth of the server's allocations at 5,000 messages/s.
     */
    public byte[] utf8(JsonMapper mapper) {
        byte[] b = utf8;
        if (b == null) utf8 = b = encode(mapper);
        return b;
    }

    private byte[] encode(JsonMapper mapper) {
        byte[] fields = data == null ? null : mapper.writeValueAsBytes(data);
        if (fields != null && (fields.length < 2 || fields[0] != '{')) {
            throw new IllegalStateException("push data is not a JSON object: " + type);
        }
        // The frame's own fields come first and are not repeated: data has no "type", and a reply's "id" is the
        // client's correlation id, so a reply's data has no "id" either.
        int own = data == null ? 0 : ownFields(mapper);
        if ((own & TYPE_FIELD) != 0) throw new IllegalStateException("push data has a 'type' field: " + type);
        if (id != null && (own & ID_FIELD) != 0) throw new IllegalStateException("reply data has an 'id' field: " + type);
        JsonStringEncoder quote = JsonStringEncoder.getInstance();
        byte[] t = quote.quoteAsUTF8(type);
        byte[] i = id == null ? null : quote.quoteAsUTF8(id);
        boolean noFields = fields == null || fields.length == 2; // "{}"
        int size = 10 + t.length + (i == null ? 0 : 8 + i.length) + (noFields ? 1 : fields.length); // {"type":"t" ,"id":"i"
        byte[] out = new byte[size];
        int n = put(out, 0, TYPE);
        n = put(out, n, t);
        out[n++] = '"';
        if (i != null) {
            n = put(out, n, ID);
            n = put(out, n, i);
            out[n++] = '"';
        }
        if (noFields) {
            out[n++] = '}';
        } else {
            out[n++] = ',';
            System.arraycopy(fields, 1, out, n, fields.length - 1);
            n += fields.length - 1;
        }
        return out; // n == size: every byte counted above
    }

    private static final byte[] TYPE = "{\"type\":\"".getBytes(StandardCharsets.US_ASCII);
    private static final byte[] ID = ",\"id\":\"".getBytes(StandardCharsets.US_ASCII);

    private static int put(byte[] to, int at, byte[] what) {
        System.arraycopy(what, 0, to, at, what.length);
        return at + what.length;
    }

    private static final int TYPE_FIELD = 1, ID_FIELD = 2;

    /** Which of the frame's own fields data has: per class, from its first instance (a map's or a tree's keys vary: asked each time). */
    private int ownFields(JsonMapper mapper) {
        if (data instanceof Map<?, ?> m) return (m.containsKey("type") ? TYPE_FIELD : 0) | (m.containsKey("id") ? ID_FIELD : 0);
        if (data instanceof JsonNode n) return (n.has("type") ? TYPE_FIELD : 0) | (n.has("id") ? ID_FIELD : 0);
        return OWN_FIELDS.computeIfAbsent(data.getClass(), c -> {
            var tree = mapper.valueToTree(data);
            return (tree.has("type") ? TYPE_FIELD : 0) | (tree.has("id") ? ID_FIELD : 0);
        });
    }

    private static final Map<Class<?>, Integer> OWN_FIELDS = new ConcurrentHashMap<>();
}
