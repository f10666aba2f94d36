package dev.parley.delivery;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/** The frame encoding every transport sends: type, then a reply's id, then data's fields, as UTF-8 JSON. */
class PushTest {
    final JsonMapper json = JsonMapper.builder().build();

    record Message(long conversationId, long seq, String text, List<String> attachments) {}
    record Ack(String clientMsgId, long seq) {}
    record WithId(long id, String text) {}
    record WithType(String type) {}

    @Test
    void typeComesFirstThenTheRepliesIdThenTheFieldsOfData() {
        Push push = new Push("message", new Message(7, 42, "hi \"there\" 你好 😀\n", List.of("m1")));
        assertThat(push.json(json)).isEqualTo("{\"type\":\"message\",\"conversationId\":7,\"seq\":42,\"text\":\"hi \\\"there\\\" 你好 😀\\n\",\"attachments\":[\"m1\"]}");
        Push reply = new Push("ack", "s\"1\\", new Ack("c1", 3));
        assertThat(reply.json(json)).isEqualTo("{\"type\":\"ack\",\"id\":\"s\\\"1\\\\\",\"clientMsgId\":\"c1\",\"seq\":3}");
        // Parsed back, it is the frame the tree-based encoding gave.
        JsonNode parsed = json.readTree(reply.json(json));
        ObjectNode expected = json.createObjectNode().put("type", "ack").put("id", "s\"1\\");
        expected.setAll((ObjectNode) json.valueToTree(new Ack("c1", 3)));
        assertThat(parsed.toString()).isEqualTo(expected.toString()); // as text: a parsed 3 is an int node, a long field a long node
    }

    @Test
    void noDataOrEmptyDataIsJustTheType() {
        assertThat(new Push("pong", "p1", null).json(json)).isEqualTo("{\"type\":\"pong\",\"id\":\"p1\"}");
        assertThat(new Push("pong", "p1", Map.of()).json(json)).isEqualTo("{\"type\":\"pong\",\"id\":\"p1\"}");
        assertThat(new Push("ready", null).json(json)).isEqualTo("{\"type\":\"ready\"}");
    }

    @Test
    void theBytesAreTheStringsUtf8AndAreEncodedOnce() {
        Push push = new Push("message", new Message(1, 2, "中文 ✓", List.of()));
        byte[] bytes = push.utf8(json);
        assertThat(new String(bytes, StandardCharsets.UTF_8)).isEqualTo(push.json(json));
        assertThat(push.utf8(json)).isSameAs(bytes);
        assertThat(push.json(json)).isSameAs(push.json(json));
    }

    @Test
    void dataThatWouldRepeatTheFramesOwnFieldsIsRefused() {
        assertThatThrownBy(() -> new Push("x", "r1", new WithId(1, "t")).json(json)).hasMessageContaining("'id'");
        assertThat(new Push("x", new WithId(1, "t")).json(json)).isEqualTo("{\"type\":\"x\",\"id\":1,\"text\":\"t\"}"); // a push may have an id
        assertThatThrownBy(() -> new Push("x", new WithType("t")).json(json)).hasMessageContaining("'type'");
        Map<String, Object> map = new LinkedHashMap<>();
        map.put("id", 1);
        assertThatThrownBy(() -> new Push("x", "r1", map).json(json)).hasMessageContaining("'id'");
        ObjectNode withType = json.createObjectNode().put("type", "y");
        assertThatThrownBy(() -> new Push("x", withType).json(json)).hasMessageContaining("'type'");
        assertThat(new Push("x", "r1", json.createObjectNode().put("a", 1)).json(json)).isEqualTo("{\"type\":\"x\",\"id\":\"r1\",\"a\":1}");
        assertThatThrownBy(() -> new Push("x", List.of(1, 2)).json(json)).hasMessageContaining("not a JSON object");
    }
}
