package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.refused;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * REST bodies are read as strictly as frames: a value of the wrong JSON type is {@code invalid_field} naming the
 * field, never coerced into the right one; an object with a duplicate key is {@code bad_json} (REST and frames);
 * a message of only invisible characters is {@code empty_message}.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class StrictInputTest extends OnBothDatabases {
    private static final String JSON = "application/json";

    private Api.Response post(String path, Device d, String raw) {
        return api.postRaw(path, d == null ? null : d.accessToken(), raw, JSON);
    }

    private static void assertWrongType(Api.Response r, String field) {
        assertError(r, 400, "invalid_field");
        assertThat(r.body().get("message").asString()).as(r.raw()).contains("'" + field + "'");
    }

    // ---------------------------------------------------------------- the reported coercions

    @Test
    void aFriendRequestToAUserIdAsAStringOrAFractionIsRefusedAndSendsNothing() {
        Device a = users.newUserDevice("strict_fr_a");
        Device b = users.newUserDevice("strict_fr_b");
        long id = b.user().id();
        assertWrongType(post("/api/v1/friends/requests", a, "{\"userId\":\"" + id + "\"}"), "userId");
        assertWrongType(post("/api/v1/friends/requests", a, "{\"userId\":" + id + ".5}"), "userId");
        assertWrongType(post("/api/v1/friends/requests", a, "{\"userId\":" + id + ".0}"), "userId");
        assertWrongType(post("/api/v1/friends/requests", a, "{\"userId\":true}"), "userId");
        assertThat(api.get("/api/v1/friends/requests", b.accessToken()).body()).isEmpty();
        // The same request, well typed, goes through.
        assertThat(post("/api/v1/friends/requests", a, "{\"userId\":" + id + "}").status()).isEqualTo(201);
    }

    @Test
    void aDisplayNameThatIsANumberIsRefusedAndTheNameStays() {
        Device a = users.newUserDevice("strict_name");
        String before = api.get("/api/v1/me", a.accessToken()).body().get("displayName").asString();
        assertWrongType(api.send("PATCH", "/api/v1/me", a.accessToken(), "{\"displayName\":5}", JSON), "displayName");
        assertWrongType(api.send("PATCH", "/api/v1/me", a.accessToken(), "{\"displayName\":false}", JSON), "displayName");
        assertThat(api.get("/api/v1/me", a.accessToken()).body().get("displayName").asString()).isEqualTo(before);
    }

    @Test
    void aPasswordThatIsANumberRegistersNobody() {
        String name = Users.freshName("strict_pw");
        assertWrongType(post("/api/v1/accounts", null, "{\"username\":\"" + name + "\",\"password\":123456789}"), "password");
        // Nobody was registered: the name is free, and the number does not log in.
        assertError(post("/api/v1/auth/login", null, "{\"username\":\"" + name + "\",\"password\":\"123456789\"}"), 401, "bad_credentials");
        assertThat(post("/api/v1/accounts", null, "{\"username\":\"" + name + "\",\"password\":\"123456789\"}").status()).isEqualTo(201);
    }

    @Test
    void aSeqAsAStringDoesNotMarkRead() {
        Device a = users.newUserDevice("strict_read_a");
        Device b = users.newUserDevice("strict_read_b");
        users.befriend(a, b);
        WsClient wa = connect(a);
        JsonNode ack = wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "strict-1", "text", "one"));
        long conversation = ack.get("conversationId").asLong();
        Chat.send(wa, conversation, "two");
        Chat.send(wa, conversation, "three");
        String read = "/api/v1/conversations/" + conversation + "/read";
        assertWrongType(post(read, b, "{\"seq\":\"3\"}"), "seq");
        assertWrongType(post(read, b, "{\"seq\":2.5}"), "seq");
        assertThat(Chat.summary(api, b, conversation).get("conversation").get("readSeq").asLong()).isZero();
        assertThat(post(read, b, "{\"seq\":3}").body().get("readSeq").asLong()).isEqualTo(3);
    }

    // ---------------------------------------------------------------- every body type

    /** One field of the wrong type in each REST body the API takes; none is coerced. */
    @Test
    void everyRestBodyRefusesAWrongTypedField() {
        Device owner = users.newUserDevice("strict_sweep");
        Device friend = users.newUserDevice("strict_sweep_f");
        users.befriend(owner, friend);
        long group = Chat.group(users, owner, "sweep", users.newUserDevice("strict_sweep_m"));
        long member = friend.user().id();
        assertThat(api.post("/api/v1/groups/" + group + "/members", owner.accessToken(), Map.of("userIds", List.of(member))).status()).isEqualTo(200);
        String me = "/api/v1/me";
        String g = "/api/v1/groups/" + group;
        record Case(String method, String path, Device who, String body, String field) {}
        List<Case> cases = List.of(
                new Case("POST", "/api/v1/accounts", null, "{\"username\":123,\"password\":\"correct horse 1\"}", "username"),
                new Case("POST", "/api/v1/accounts", null, "{\"username\":\"strict_x\",\"displayName\":[\"a\"],\"password\":\"correct horse 1\"}", "displayName"),
                new Case("POST", "/api/v1/auth/login", null, "{\"username\":\"strict_x\",\"password\":{\"p\":1}}", "password"),
                new Case("POST", "/api/v1/auth/login", null, "{\"username\":\"strict_x\",\"password\":\"x\",\"deviceName\":7}", "deviceName"),
                new Case("POST", "/api/v1/auth/login", null, "{\"username\":\"strict_x\",\"password\":\"x\",\"useCookie\":\"true\"}", "useCookie"),
                new Case("POST", "/api/v1/auth/login", null, "{\"username\":\"strict_x\",\"password\":\"x\",\"useCookie\":1}", "useCookie"),
                new Case("POST", "/api/v1/auth/refresh", null, "{\"refreshToken\":12345}", "refreshToken"),
                new Case("PATCH", me, owner, "{\"presenceVisibility\":0}", "presenceVisibility"),
                new Case("POST", me + "/password", owner, "{\"currentPassword\":\"correct horse 1\",\"newPassword\":123456789}", "newPassword"),
                new Case("POST", "/api/v1/friends/requests", owner, "{\"userId\":" + member + ",\"note\":5}", "note"),
                new Case("POST", "/api/v1/groups", owner, "{\"name\":5,\"memberIds\":[]}", "name"),
                new Case("POST", "/api/v1/groups", owner, "{\"name\":\"n\",\"memberIds\":\"" + member + "\"}", "memberIds"),
                new Case("POST", "/api/v1/groups", owner, "{\"name\":\"n\",\"memberIds\":[\"" + member + "\"]}", "memberIds"),
                new Case("PATCH", g, owner, "{\"allMuted\":\"true\"}", "allMuted"),
                new Case("PATCH", g, owner, "{\"announcement\":1}", "announcement"),
                new Case("POST", g + "/members", owner, "{\"userIds\":[" + member + ".5]}", "userIds"),
                new Case("PUT", g + "/members/" + member + "/role", owner, "{\"role\":1}", "role"),
                new Case("POST", g + "/transfer", owner, "{\"userId\":\"" + member + "\"}", "userId"),
                new Case("PUT", g + "/members/" + member + "/mute", owner, "{\"minutes\":\"5\"}", "minutes"),
                new Case("PUT", g + "/members/" + member + "/mute", owner, "{\"minutes\":5.5}", "minutes"),
                new Case("POST", g + "/invites", owner, "{\"expiresInHours\":\"24\"}", "expiresInHours"),
                new Case("POST", "/api/v1/media/uploads", owner, "{\"kind\":\"file\",\"size\":\"10\",\"name\":\"a.txt\"}", "size"),
                new Case("POST", "/api/v1/media/uploads", owner, "{\"kind\":1,\"size\":10,\"name\":\"a.txt\"}", "kind"),
                new Case("POST", "/api/v1/media/uploads", owner, "{\"kind\":\"voice\",\"size\":10,\"name\":\"a.ogg\",\"durationMs\":1.5}", "durationMs"),
                new Case("POST", "/api/v1/media/uploads", owner, "{\"kind\":\"voice\",\"size\":10,\"name\":\"a.ogg\",\"waveform\":[\"1\"]}", "waveform"),
                new Case("POST", "/api/v1/conversations/" + group + "/read", owner, "{\"seq\":true}", "seq"),
                new Case("PATCH", "/api/v1/conversations/" + group + "/settings", owner, "{\"pinned\":1}", "pinned"),
                new Case("PATCH", "/api/v1/conversations/" + group + "/settings", owner, "{\"muted\":\"yes\"}", "muted"));
        List<String> wrong = new ArrayList<>();
        for (Case c : cases) {
            Api.Response r = api.send(c.method(), c.path(), c.who() == null ? null : c.who().accessToken(), c.body(), JSON);
            boolean ok = r.status() == 400 && "invalid_field".equals(r.code()) && r.body().get("message").asString().matches(".*'" + c.field() + "(\\[\\d+])?'.*");
            if (!ok) wrong.add(c.method() + " " + c.path() + " " + c.body() + " -> " + r.status() + " " + r.raw());
        }
        assertThat(wrong).as("bodies not refused as invalid_field naming the field").isEmpty();
        // Nothing changed: the group is as it was, the password still works.
        JsonNode view = api.get(g, owner.accessToken()).body();
        assertThat(view.get("allMuted").asBoolean()).isFalse();
        assertThat(view.get("ownerId").asLong()).isEqualTo(owner.user().id());
        assertThat(users.login(owner.user(), "again")).isNotNull();
    }

    // ---------------------------------------------------------------- duplicate keys

    @Test
    void duplicateKeysAreRefusedOverRestAndOnConnections() {
        Device a = users.newUserDevice("strict_dup_a");
        Device b = users.newUserDevice("strict_dup_b");
        Device c = users.newUserDevice("strict_dup_c");
        users.befriend(a, b);
        users.befriend(a, c);
        // Which of the two would win is up to the parser: neither does.
        assertError(post("/api/v1/friends/requests", users.newUserDevice("strict_dup_d"),
                "{\"userId\":" + b.user().id() + ",\"userId\":" + c.user().id() + "}"), 400, "bad_json");
        assertError(api.send("PATCH", "/api/v1/me", a.accessToken(), "{\"displayName\":\"x\",\"displayName\":\"y\"}", JSON), 400, "bad_json");

        WsClient wa = connect(a);
        wa.sendRaw("{\"type\":\"send\",\"id\":\"d1\",\"to\":" + b.user().id() + ",\"to\":" + c.user().id()
                + ",\"clientMsgId\":\"dup-1\",\"text\":\"to whom?\"}");
        JsonNode e = wa.await("error");
        assertThat(WsClient.text(e, "code")).as(e.toString()).isEqualTo("bad_json");
        wa.sendRaw("{\"type\":\"ping\",\"type\":\"send\",\"id\":\"d2\"}");
        assertThat(WsClient.text(wa.await(x -> "error".equals(WsClient.text(x, "type")) && wa.received("error").size() == 2, "second error"), "code"))
                .isEqualTo("bad_json");

        Api.Response opened = api.post("/api/v1/longpoll", a.accessToken(), null);
        String frames = "/api/v1/longpoll/" + opened.body().get("pollId").asString() + "/frames";
        Api.Response lp = post(frames, a, "{\"type\":\"send\",\"to\":" + b.user().id() + ",\"clientMsgId\":\"dup-2\",\"text\":\"a\",\"text\":\"b\"}");
        assertThat(lp.body().get("code").asString()).as(lp.raw()).isEqualTo("bad_json");

        // Nothing was sent to anyone, and the connection still works.
        assertThat(Chat.ok(wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "dup-3", "text", "one"))).get("seq").asLong())
                .isEqualTo(1);
        assertThat(api.get("/api/v1/conversations", c.accessToken()).body()).isEmpty();
    }

    // ---------------------------------------------------------------- invisible text

    @Test
    void messagesOfOnlyInvisibleCharactersAreEmpty() {
        Device a = users.newUserDevice("strict_inv_a");
        Device b = users.newUserDevice("strict_inv_b");
        users.befriend(a, b);
        WsClient wa = connect(a);
        long conversation = Chat.ok(wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "inv-0", "text", "hi"))).get("conversationId").asLong();
        List<String> invisible = List.of(
                "\u200B",                         // zero-width space
                "\u200B\u200C\u200D",             // ZWSP, ZWNJ, ZWJ
                "\uFEFF",                         // BOM
                "\uFE0F", "\uFE0E\uFE0F",         // variation selectors alone
                "\uDB40\uDD00",                   // variation selector 17 (supplement)
                "\u200E\u200F\u061C",             // LRM, RLM, ALM
                "\u202A\u202B\u202C\u202D\u202E", // bidi embeddings and overrides
                "\u2066\u2067\u2068\u2069",       // bidi isolates
                "\u2060\u2061\u2062\u2063\u2064", // word joiner, invisible operators
                "\u00AD", "\u034F",               // soft hyphen, combining grapheme joiner
                "\u3164", "\u115F\u1160", "\uFFA0", // Hangul fillers
                "\u2800",                         // Braille blank
                "\uDB40\uDC41\uDB40\uDC7F",       // tag characters
                "\u0007\u001B",                   // control characters
                " \u200B\n\t\u3000\u00A0\u2003\u200D ");
        for (String text : invisible) {
            refused(wa.request(frame("type", "send", "conversationId", conversation, "clientMsgId", "inv-" + text.hashCode(), "text", text)), "empty_message");
        }
        JsonNode hi = Chat.historyAfter(wa, conversation, 0).get(0);
        refused(wa.request(frame("type", "edit", "conversationId", conversation, "messageId", hi.get("id").asLong(), "text", "\u200B\u2060")), "empty_message");
        // Only "hi" was stored, unedited.
        List<JsonNode> stored = Chat.historyAfter(wa, conversation, 0);
        assertThat(stored).hasSize(1);
        assertThat(stored.get(0).get("text").asString()).isEqualTo("hi");

        // Invisible characters inside visible text are kept byte for byte.
        for (String text : List.of("a\u200B", "\uD83D\uDC68\u200D\uD83D\uDC69\u200D\uD83D\uDC67", "\u263A\uFE0F", "\u200Fשלום", "\u0301")) {
            JsonNode ack = Chat.ok(wa.request(frame("type", "send", "conversationId", conversation, "clientMsgId", "vis-" + text.hashCode(), "text", text)));
            JsonNode back = Chat.historyAfter(wa, conversation, ack.get("seq").asLong() - 1).get(0);
            assertThat(back.get("text").asString()).isEqualTo(text);
        }
    }
}
