package dev.parley.delivery;

import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One server-to-client frame: {@code {"type": ..., ...fields of data}}. Encoded to JSON at most once,
 * however many connections it goes to.
 */
public final class Push {
    private final String type;
    private final String id;
    private final Object data;
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
        if (j == null) {
            ObjectNode node = mapper.createObjectNode();
            node.put("type", type);
            if (id != null) node.put("id", id);
            if (data != null) {
                ObjectNode fields = mapper.valueToTree(data);
                // A reply's "id" is the client's correlation id; data must not carry a field of that name.
                if (id != null && fields.has("id")) throw new IllegalStateException("reply data has an 'id' field: " + type);
                node.setAll(fields);
            }
            j = mapper.writeValueAsString(node);
            json = j;
        }
        return j;
    }
}
