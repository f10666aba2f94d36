package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.frame;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.Parameter;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Rate limits are per user, not per connection: a user's sockets and long-poll sessions share one frame budget, and
 * each costly action (sends, friend requests, group creation, joins by link, invite links, uploads, searches) has a
 * budget of its own, checked in the operation whichever way it comes. A server of its own per database, with
 * burst sizes small and refills so slow (a frame every 10 s, an action every 100 s) that a test sees at most one
 * refill: each test uses fresh users, whose buckets start full.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class RateLimitTest {
    static final int FRAME_BURST = 20;
    static final int SEND_BURST = 5;
    static final int FRIEND_REQUEST_BURST = 3;
    static final int GROUP_CREATION_BURST = 2;
    static final int INVITE_BURST = 3;
    static final int JOIN_BURST = 3;
    static final int UPLOAD_BURST = 3;
    static final int SEARCH_BURST = 3;

    private static final Map<Backend, ParleyServer> SERVERS = new EnumMap<>(Backend.class);

    @Parameter
    Backend backend;

    ParleyServer server;
    Users users;
    Api api;
    final List<WsClient> opened = new ArrayList<>();

    static synchronized ParleyServer strict(Backend backend) {
        return SERVERS.computeIfAbsent(backend, b -> {
            try {
                return ParleyServer.dedicated(b, Map.ofEntries(
                        Map.entry("parley.limits.frames-per-second", "0.1"),
                        Map.entry("parley.limits.frame-burst", FRAME_BURST),
                        Map.entry("parley.rate-limits.sends.per-second", "0.01"),
                        Map.entry("parley.rate-limits.sends.burst", SEND_BURST),
                        Map.entry("parley.rate-limits.friend-requests.per-second", "0.01"),
                        Map.entry("parley.rate-limits.friend-requests.burst", FRIEND_REQUEST_BURST),
                        Map.entry("parley.rate-limits.group-creations.per-second", "0.01"),
                        Map.entry("parley.rate-limits.group-creations.burst", GROUP_CREATION_BURST),
                        Map.entry("parley.rate-limits.invite-creations.per-second", "0.01"),
                        Map.entry("parley.rate-limits.invite-creations.burst", INVITE_BURST),
                        Map.entry("parley.rate-limits.group-joins.per-second", "0.01"),
                        Map.entry("parley.rate-limits.group-joins.burst", JOIN_BURST),
                        Map.entry("parley.rate-limits.uploads.per-second", "0.01"),
                        Map.entry("parley.rate-limits.uploads.burst", UPLOAD_BURST),
                        Map.entry("parley.rate-limits.searches.per-second", "0.01"),
                        Map.entry("parley.rate-limits.searches.burst", SEARCH_BURST)));
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
    }

    @AfterAll
    static synchronized void stopServers() {
        SERVERS.values().forEach(ParleyServer::stop);
        SERVERS.clear();
    }

    @BeforeEach
    void useStrictServer() {
        server = strict(backend);
        users = new Users(server);
        api = users.api();
    }

    @AfterEach
    void closeSockets() {
        opened.forEach(WsClient::close);
    }

    private WsClient connect(Device d) {
        WsClient ws = WsClient.connect(server, d.accessToken());
        opened.add(ws);
        ws.await("hello");
        return ws;
    }

    // ---------------------------------------------------------------- frames

    @Test
    void tenSocketsOfOneSessionShareOneFrameBudgetWithItsLongPolls() {
        Device a = users.newUserDevice("rl_frames");
        List<WsClient> sockets = new ArrayList<>();
        for (int i = 0; i < 10; i++) sockets.add(connect(a));

        // 10 frames on each of the 10 sockets: 100 frames, five times the user's burst.
        for (int round = 0; round < 10; round++) {
            for (int s = 0; s < sockets.size(); s++) sockets.get(s).send(frame("type", "ping", "id", "p" + s + "-" + round));
        }
        int pongs = 0;
        int limited = 0;
        for (int s = 0; s < sockets.size(); s++) {
            for (int round = 0; round < 10; round++) {
                String id = "p" + s + "-" + round;
                JsonNode r = sockets.get(s).await(x -> id.equals(WsClient.text(x, "id")), "reply to " + id);
                if ("pong".equals(WsClient.text(r, "type"))) {
                    pongs++;
                } else {
                    assertThat(WsClient.text(r, "code")).as(r.toString()).isEqualTo("rate_limited");
                    assertThat(r.get("retryAfter").asLong()).as(r.toString()).isBetween(1L, 10L);
                    limited++;
                }
            }
        }
        // The burst, and at most one refill (one frame per 10 s) while the test runs.
        assertThat(pongs).as("frames served to one user over 10 sockets").isBetween(FRAME_BURST, FRAME_BURST + 1);
        assertThat(limited).isEqualTo(100 - pongs);

        // A long-poll session of the same user draws on the same empty bucket.
        Api.Response opened = api.post("/api/v1/longpoll", a.accessToken(), null);
        assertThat(opened.status()).as(opened.raw()).isEqualTo(201);
        String poll = "/api/v1/longpoll/" + opened.body().get("pollId").asString() + "/frames";
        int pollPongs = 0;
        for (int i = 0; i < 2; i++) {
            Api.Response r = api.postRaw(poll, a.accessToken(), "{\"type\":\"ping\",\"id\":\"lp" + i + "\"}", "application/json");
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
            if ("pong".equals(r.body().get("type").asString())) pollPongs++;
            else assertThat(r.body().get("code").asString()).as(r.raw()).isEqualTo("rate_limited");
        }
        assertThat(pongs + pollPongs).as("all of the user's frames").isLessThanOrEqualTo(FRAME_BURST + 1);

        // Every socket was told the budget it shares.
        for (WsClient ws : sockets) {
            JsonNode hello = ws.received("hello").get(0);
            assertThat(hello.path("framesPerSecond").asDouble()).as(hello.toString()).isEqualTo(0.1);
            assertThat(hello.path("frameBurst").asInt()).as(hello.toString()).isEqualTo(FRAME_BURST);
        }

        // Someone else's budget is their own.
        WsClient other = connect(users.newUserDevice("rl_frames_other"));
        assertThat(WsClient.text(other.request(frame("type", "ping", "id", "x")), "type")).isEqualTo("pong");
    }

    // ---------------------------------------------------------------- per action

    @Test
    void sendsPastTheBurstAreRefusedWhicheverConnectionTheyComeFrom() {
        Device a = users.newUserDevice("rl_send_a");
        Device b = users.newUserDevice("rl_send_b");
        users.befriend(a, b);
        WsClient phone = connect(a);
        WsClient laptop = connect(a);
        List<String> acked = new ArrayList<>();
        JsonNode refusal = null;
        for (int i = 0; i <= SEND_BURST; i++) {
            WsClient ws = i % 2 == 0 ? phone : laptop;
            JsonNode r = ws.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "rl-" + i, "text", "#" + i));
            if ("ack".equals(WsClient.text(r, "type"))) acked.add("#" + i);
            else refusal = r;
        }
        assertThat(acked).as("the burst is served").hasSize(SEND_BURST);
        assertThat(refusal).as("the send past the burst").isNotNull();
        assertThat(WsClient.text(refusal, "code")).as(refusal.toString()).isEqualTo("rate_limited");
        assertThat(refusal.get("retryAfter").asLong()).as(refusal.toString()).isBetween(1L, 100L);

        // Nothing of the refused send was stored.
        WsClient wb = connect(b);
        long conversation = phone.received("ack").isEmpty() ? laptop.received("ack").get(0).get("conversationId").asLong()
                : phone.received("ack").get(0).get("conversationId").asLong();
        JsonNode page = wb.request(frame("type", "history", "conversationId", conversation, "limit", 50));
        List<String> texts = new ArrayList<>();
        page.get("messages").forEach(m -> texts.add(m.get("text").asString()));
        assertThat(texts).containsExactlyElementsOf(acked);
        // The receiver's own sends are not counted against the sender.
        assertThat(WsClient.text(wb.request(frame("type", "send", "id", "b1", "to", a.user().id(), "clientMsgId", "rl-b", "text", "hi")), "type"))
                .isEqualTo("ack");
    }

    @Test
    void friendRequestsPastTheBurstAreRefused() {
        Device a = users.newUserDevice("rl_fr");
        for (int i = 0; i < FRIEND_REQUEST_BURST; i++) {
            Api.Response r = api.post("/api/v1/friends/requests", a.accessToken(), Map.of("userId", users.register("rl_fr_to").id()));
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
        }
        long last = users.register("rl_fr_to").id();
        assertRateLimited(api.post("/api/v1/friends/requests", a.accessToken(), Map.of("userId", last)), 100);
        // Not stored: the recipient has nothing pending.
        assertThat(api.get("/api/v1/friends/requests?direction=outgoing", a.accessToken()).body()).hasSize(FRIEND_REQUEST_BURST);
    }

    @Test
    void groupCreationsPastTheBurstAreRefused() {
        Device a = users.newUserDevice("rl_grp");
        for (int i = 0; i < GROUP_CREATION_BURST; i++) {
            Api.Response r = api.post("/api/v1/groups", a.accessToken(), Map.of("name", "g" + i, "memberIds", List.of()));
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
        }
        assertRateLimited(api.post("/api/v1/groups", a.accessToken(), Map.of("name", "one too many", "memberIds", List.of())), 100);
        assertThat(api.get("/api/v1/conversations", a.accessToken()).body()).hasSize(GROUP_CREATION_BURST);
    }

    @Test
    void inviteLinksPastTheBurstAreRefused() {
        Device owner = users.newUserDevice("rl_inv");
        long group = api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "links", "memberIds", List.of())).body().get("id").asLong();
        for (int i = 0; i < INVITE_BURST; i++) {
            Api.Response r = api.post("/api/v1/groups/" + group + "/invites", owner.accessToken(), Map.of());
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
        }
        assertRateLimited(api.post("/api/v1/groups/" + group + "/invites", owner.accessToken(), Map.of()), 100);
        assertThat(api.get("/api/v1/groups/" + group + "/invites", owner.accessToken()).body()).hasSize(INVITE_BURST);
    }

    @Test
    void joinsByInviteLinkPastTheBurstAreRefused() {
        // Four groups of two owners (each within their own creation and invite budgets), one link each.
        List<String> codes = new ArrayList<>();
        List<Long> groups = new ArrayList<>();
        for (int o = 0; o < 2; o++) {
            Device owner = users.newUserDevice("rl_join_owner");
            for (int g = 0; g < 2; g++) {
                long id = api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "open " + o + g, "memberIds", List.of())).body().get("id").asLong();
                groups.add(id);
                codes.add(api.post("/api/v1/groups/" + id + "/invites", owner.accessToken(), Map.of()).body().get("code").asString());
            }
        }
        Device joiner = users.newUserDevice("rl_joiner");
        for (int i = 0; i < JOIN_BURST; i++) {
            Api.Response r = api.post("/api/v1/invites/" + codes.get(i) + "/join", joiner.accessToken(), null);
            assertThat(r.status()).as(r.raw()).isEqualTo(200);
        }
        assertRateLimited(api.post("/api/v1/invites/" + codes.get(JOIN_BURST) + "/join", joiner.accessToken(), null), 100);
        assertError(api.get("/api/v1/groups/" + groups.get(JOIN_BURST), joiner.accessToken()), 404, "group_not_found");
    }

    @Test
    void uploadsPastTheBurstAreRefused() {
        Device a = users.newUserDevice("rl_up");
        Map<String, Object> create = Map.of("kind", "file", "size", 10, "name", "notes.txt");
        for (int i = 0; i < UPLOAD_BURST; i++) {
            Api.Response r = api.post("/api/v1/media/uploads", a.accessToken(), create);
            assertThat(r.status()).as(r.raw()).isEqualTo(201);
        }
        assertRateLimited(api.post("/api/v1/media/uploads", a.accessToken(), create), 100);
    }

    @Test
    void searchesPastTheBurstAreRefusedMessageAndUserSearchAlike() {
        Device a = users.newUserDevice("rl_search");
        assertThat(api.get("/api/v1/search/messages?q=hello", a.accessToken()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/users?q=rl_", a.accessToken()).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/search/messages?q=again", a.accessToken()).status()).isEqualTo(200);
        assertRateLimited(api.get("/api/v1/search/messages?q=more", a.accessToken()), 100);
        assertRateLimited(api.get("/api/v1/users?q=rl_", a.accessToken()), 100);
        // Someone else still searches.
        assertThat(api.get("/api/v1/search/messages?q=hello", users.newUserDevice("rl_search2").accessToken()).status()).isEqualTo(200);
    }

    private static void assertRateLimited(Api.Response r, long maxRetryAfter) {
        assertError(r, 429, "rate_limited");
        assertThat(r.body().get("retryAfter").asLong()).as(r.raw()).isBetween(1L, maxRetryAfter);
    }
}
