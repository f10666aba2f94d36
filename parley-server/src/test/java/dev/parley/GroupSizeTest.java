package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.awaitEntry;
import static dev.parley.testkit.Chat.awaitSystem;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.ok;
import static dev.parley.testkit.Chat.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.TestDb;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * A 10,000-member group (the limit raised to 10,000 on a server of its own): created in one request, each message
 * stored once and pushed to every connected member, unread counts from cursors, the limit enforced, a removed member
 * cut off, and another conversation's messages not held up by the fan-out. Members are inserted straight into the
 * database (registration hashes passwords slowly on purpose); they log in with the usual password.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class GroupSizeTest extends OnBothDatabases {
    static final int SIZE = 10_000;

    @Test
    void aTenThousandMemberGroupIsCorrectAndDoesNotHoldUpOtherConversations() throws Exception {
        ParleyServer big = ParleyServer.dedicated(backend, Map.of("parley.limits.max-group-members", SIZE));
        List<WsClient> sockets = new ArrayList<>();
        try {
            Users u = new Users(big);
            Api a = u.api();
            Device owner = u.newUserDevice("big_owner");
            List<Users.User> members = TestDb.friendsOf(big, owner.user(), SIZE - 1);
            List<Long> ids = members.stream().map(Users.User::id).toList();

            long t0 = System.nanoTime();
            Api.Response created = a.post("/api/v1/groups", owner.accessToken(), Map.of("name", "Stadium", "memberIds", ids));
            long createMillis = (System.nanoTime() - t0) / 1_000_000;
            assertThat(created.status()).as(created.raw()).isEqualTo(201);
            long id = created.body().get("id").asLong();
            assertThat(created.body().get("memberCount").asLong()).isEqualTo(SIZE);

            // A few members online, on phones; two friends chatting elsewhere.
            List<Device> online = List.of(u.login(members.get(0), "phone"), u.login(members.get(4999), "phone"), u.login(members.get(SIZE - 2), "phone"));
            List<WsClient> ws = new ArrayList<>();
            for (Device d : online) ws.add(open(big, d, sockets));
            WsClient wo = open(big, owner, sockets);
            Device x = u.newUserDevice("big_x");
            Device y = u.newUserDevice("big_y");
            u.befriend(x, y);
            WsClient wx = open(big, x, sockets);
            WsClient wy = open(big, y, sockets);
            long direct = ok(wx.request(frame("type", "send", "to", y.user().id(), "clientMsgId", "big-x0", "text", "warm up"))).get("conversationId").asLong();
            awaitEntry(wy, direct, "text");

            // One message to 10,000, and right behind it a direct message that must not wait for the fan-out.
            t0 = System.nanoTime();
            JsonNode ack = send(wo, id, "hello stadium");
            long ackMillis = (System.nanoTime() - t0) / 1_000_000;
            long d0 = System.nanoTime();
            ok(wx.request(frame("type", "send", "conversationId", direct, "clientMsgId", "big-x1", "text", "meanwhile")));
            awaitEntry(wy, direct, "text");
            long directMillis = (System.nanoTime() - d0) / 1_000_000;
            for (WsClient w : ws) {
                JsonNode m = w.await(n -> "message".equals(WsClient.text(n, "type")) && n.get("conversationId").asLong() == id
                        && "text".equals(WsClient.text(n, "kind")), "the group message", Duration.ofSeconds(30));
                assertThat(m.get("seq").asLong()).isEqualTo(ack.get("seq").asLong());
            }
            long fanOutMillis = (System.nanoTime() - t0) / 1_000_000;
            System.out.printf("[%s] 10,000 members: create %d ms, ack %d ms, fan-out seen by all online members %d ms, direct message meanwhile %d ms%n",
                    backend, createMillis, ackMillis, fanOutMillis, directMillis);
            assertThat(directMillis).as("another conversation is not held up").isLessThan(5_000);

            // Stored once, not once per member; unread from the cursors.
            for (int i = 0; i < 3; i++) send(wo, id, "more " + i);
            assertThat(TestDb.query(big, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", id).get(0).get(0).toString()).isEqualTo("5");
            JsonNode s = Chat.summary(a, online.get(1), id).get("conversation");
            assertThat(s.get("unread").asLong()).isEqualTo(4);
            assertThat(s.get("lastSeq").asLong()).isEqualTo(5);
            assertThat(s.get("group").get("memberCount").asLong()).isEqualTo(SIZE);
            JsonNode readers = a.get("/api/v1/conversations/" + id + "/messages/" + ack.get("messageId").asLong() + "/readers", owner.accessToken()).body();
            assertThat(readers.get("memberCount").asLong()).isEqualTo(SIZE - 1);
            assertThat(readers.has("readers")).as("no names above receipts-group-size").isFalse();
            ws.get(0).request(frame("type", "read", "conversationId", id, "seq", 5));
            assertThat(a.get("/api/v1/conversations/" + id + "/messages/" + ack.get("messageId").asLong() + "/readers", owner.accessToken())
                    .body().get("readCount").asLong()).isEqualTo(1);

            // The limit holds.
            Device outsider = u.newUserDevice("big_outsider");
            u.befriend(owner, outsider);
            assertError(a.post("/api/v1/groups/" + id + "/members", owner.accessToken(), Map.of("userIds", List.of(outsider.user().id()))),
                    409, "group_full");
            String code = a.post("/api/v1/groups/" + id + "/invites", owner.accessToken(), null).body().get("code").asString();
            assertError(a.post("/api/v1/invites/" + code + "/join", outsider.accessToken(), null), 409, "group_full");

            // A removed member gets the removal and nothing after it; the others go on.
            WsClient removed = ws.get(2);
            assertThat(a.delete("/api/v1/groups/" + id + "/members/" + online.get(2).user().id(), owner.accessToken()).status()).isEqualTo(204);
            awaitSystem(removed, id, "member_removed");
            awaitSystem(ws.get(0), id, "member_removed");
            send(wo, id, "after the removal");
            awaitSystem(ws.get(1), id, "member_removed");
            JsonNode later = ws.get(1).await(n -> "message".equals(WsClient.text(n, "type")) && "after the removal".equals(WsClient.text(n, "text")),
                    "the message after the removal");
            Chat.settle();
            assertThat(Chat.pushed(removed, id).stream().mapToLong(n -> n.get("seq").asLong()).max().orElseThrow())
                    .isLessThan(later.get("seq").asLong());
            assertThat(a.post("/api/v1/invites/" + code + "/join", outsider.accessToken(), null).status()).as("room for one again").isEqualTo(200);

            // Typing is not fanned out to a group this size.
            ok(ws.get(0).request(frame("type", "typing", "conversationId", id)));
            Chat.settle();
            assertThat(ws.get(1).received("typing")).isEmpty();
        } finally {
            sockets.forEach(WsClient::close);
            big.stop();
        }
    }

    private static WsClient open(ParleyServer server, Device d, List<WsClient> sockets) {
        WsClient w = WsClient.connect(server, d.accessToken());
        sockets.add(w);
        w.await("hello");
        return w;
    }
}
