package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/** Behaviour that protocol.md promises and that no other test pins down. */
@ParameterizedClass
@EnumSource(Backend.class)
class ProtocolConformanceTest extends OnBothDatabases {

    /**
     * §9: a missing or empty body where one is required, or one that is not a JSON object, is bad_json, as for a
     * frame; an object with a field of the wrong type is invalid_field.
     */
    @Test
    void aMissingBodyOrOneThatIsNotAnObjectIsBadJson() {
        Device a = users.newUserDevice("conf_body");
        assertError(api.send("POST", "/api/v1/friends/requests", a.accessToken(), null, "application/json"), 400, "bad_json");
        assertError(api.send("POST", "/api/v1/friends/requests", a.accessToken(), "", "application/json"), 400, "bad_json");
        assertError(api.send("PATCH", "/api/v1/me", a.accessToken(), null, "application/json"), 400, "bad_json");
        for (String notAnObject : List.of("null", "[]", "[{\"userId\":1}]", "42", "\"x\"", "true")) {
            assertError(api.send("POST", "/api/v1/friends/requests", a.accessToken(), notAnObject, "application/json"), 400, "bad_json");
        }
        assertError(api.send("POST", "/api/v1/friends/requests", a.accessToken(), "{\"userId\":[]}", "application/json"), 400, "invalid_field");
        assertThat(api.get("/api/v1/friends/requests?direction=outgoing", a.accessToken()).body()).isEmpty();
    }

    /** §5 hello: the frame budget is told, on the WebSocket and on long-poll alike. */
    @Test
    void helloTellsTheFrameBudget() {
        Device a = users.newUserDevice("conf_hello");
        WsClient ws = connect(a);
        JsonNode hello = ws.received("hello").get(0);
        assertThat(hello.get("framesPerSecond").isNumber()).as(hello.toString()).isTrue();
        assertThat(hello.get("framesPerSecond").asDouble()).isPositive();
        assertThat(hello.get("frameBurst").isInt()).as(hello.toString()).isTrue();
        Api.Response opened = api.post("/api/v1/longpoll", a.accessToken(), null);
        JsonNode lp = api.get("/api/v1/longpoll/" + opened.body().get("pollId").asString() + "?ack=0", a.accessToken())
                .body().get("frames").get(0).get("frame");
        assertThat(lp.get("type").asString()).isEqualTo("hello");
        assertThat(lp.get("framesPerSecond")).isEqualTo(hello.get("framesPerSecond"));
        assertThat(lp.get("frameBurst")).isEqualTo(hello.get("frameBurst"));
    }

    /** §7: "delete for me" on one device reaches the user's other devices live and through sync. */
    @Test
    void deleteForMeReachesTheOtherDevicesLiveAndThroughSync() {
        Device phone = users.newUserDevice("conf_clear");
        Device laptop = users.login(phone.user(), "laptop");
        Device bob = users.newUserDevice("conf_clear_bob");
        users.befriend(phone, bob);
        WsClient wb = connect(bob);
        long conversation = Chat.ok(wb.request(frame("type", "send", "to", phone.user().id(), "clientMsgId", "clr-1", "text", "one"))).get("conversationId").asLong();
        Chat.send(wb, conversation, "two");

        WsClient wl = connect(laptop);
        WsClient offline = connect(users.login(phone.user(), "tablet"));
        String tabletToken = Chat.expect(offline.request(frame("type", "sync")), "sync").get("token").asString();
        offline.close();

        Api.Response cleared = api.post("/api/v1/conversations/" + conversation + "/clear", phone.accessToken(), null);
        assertThat(cleared.status()).as(cleared.raw()).isEqualTo(200);
        assertThat(cleared.body().get("clearedSeq").asLong()).isEqualTo(2);

        // Live, on the laptop.
        JsonNode event = wl.await(n -> "event".equals(WsClient.text(n, "type")) && "conversation_settings".equals(WsClient.text(n, "kind")),
                "conversation_settings event");
        assertThat(event.get("data").get("conversationId").asLong()).isEqualTo(conversation);
        assertThat(event.get("data").get("clearedSeq").asLong()).isEqualTo(2);
        // Through sync, on the tablet that was offline.
        WsClient tablet = connect(users.login(phone.user(), "tablet again"));
        JsonNode sync = Chat.expect(tablet.request(frame("type", "sync", "token", tabletToken)), "sync");
        List<JsonNode> settings = new ArrayList<>();
        sync.get("events").forEach(e -> { if ("conversation_settings".equals(e.get("kind").asString())) settings.add(e); });
        assertThat(settings).hasSize(1);
        assertThat(settings.get(0).get("data").get("clearedSeq").asLong()).isEqualTo(2);
        // And history hides what was cleared, on every device.
        assertThat(Chat.historyAfter(wl, conversation, 0)).isEmpty();
        assertThat(Chat.historyAfter(tablet, conversation, 0)).isEmpty();
    }

    /** §13: repeated mention ids are collapsed, keeping the order of first appearance. */
    @Test
    void repeatedMentionIdsAreCollapsed() {
        Device owner = users.newUserDevice("conf_men");
        Device b = users.newUserDevice("conf_men_b");
        Device c = users.newUserDevice("conf_men_c");
        long group = Chat.group(users, owner, "mentions", b, c);
        WsClient wo = connect(owner);
        long bi = b.user().id();
        long ci = c.user().id();
        JsonNode ack = Chat.ok(wo.request(frame("type", "send", "conversationId", group, "clientMsgId", "men-1", "text", "hey",
                "mentions", List.of(ci, bi, ci, ci, bi))));
        JsonNode entry = Chat.historyAfter(wo, group, ack.get("seq").asLong() - 1).get(0);
        List<Long> mentions = new ArrayList<>();
        entry.get("mentions").forEach(m -> mentions.add(m.asLong()));
        assertThat(mentions).containsExactly(ci, bi);
        assertThat(Chat.summary(api, b, group).get("conversation").get("mentionCount").asInt()).isEqualTo(1);
    }

    /** §13: a reaction's userIds are in the order the users reacted, not by id. */
    @Test
    void reactionUserIdsAreInReactingOrder() {
        Device owner = users.newUserDevice("conf_re");
        Device b = users.newUserDevice("conf_re_b");
        Device c = users.newUserDevice("conf_re_c");
        long group = Chat.group(users, owner, "reactions", b, c);
        WsClient wo = connect(owner);
        WsClient wb = connect(b);
        WsClient wc = connect(c);
        long message = Chat.send(wo, group, "react to this").get("messageId").asLong();
        // c, then owner, then b: ids are not in that order.
        for (WsClient ws : List.of(wc, wo, wb)) {
            Chat.ok(ws.request(frame("type", "react", "conversationId", group, "messageId", message, "emoji", "👍")));
        }
        Chat.ok(wb.request(frame("type", "react", "conversationId", group, "messageId", message, "emoji", "🎉")));
        Chat.ok(wc.request(frame("type", "react", "conversationId", group, "messageId", message, "emoji", "🎉")));
        JsonNode page = Chat.expect(wo.request(frame("type", "history", "conversationId", group, "limit", 50)), "history");
        JsonNode msg = null;
        for (JsonNode m : page.get("messages")) if (m.get("id").asLong() == message) msg = m;
        assertThat(msg).isNotNull();
        JsonNode reactions = msg.get("reactions");
        assertThat(reactions.get(0).get("emoji").asString()).isEqualTo("👍");
        assertThat(ids(reactions.get(0).get("userIds"))).containsExactly(c.user().id(), owner.user().id(), b.user().id());
        assertThat(reactions.get(1).get("emoji").asString()).isEqualTo("🎉");
        assertThat(ids(reactions.get(1).get("userIds"))).containsExactly(b.user().id(), c.user().id());
        // Taking a reaction back and giving it again puts the user last.
        Chat.ok(wc.request(frame("type", "react", "conversationId", group, "messageId", message, "emoji", "👍", "remove", true)));
        Chat.ok(wc.request(frame("type", "react", "conversationId", group, "messageId", message, "emoji", "👍")));
        page = Chat.expect(wo.request(frame("type", "history", "conversationId", group, "limit", 50)), "history");
        for (JsonNode m : page.get("messages")) if (m.get("id").asLong() == message) msg = m;
        assertThat(ids(msg.get("reactions").get(0).get("userIds"))).containsExactly(owner.user().id(), b.user().id(), c.user().id());
    }

    private static List<Long> ids(JsonNode array) {
        List<Long> out = new ArrayList<>();
        array.forEach(n -> out.add(n.asLong()));
        return out;
    }
}
