package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.awaitEntry;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.ok;
import static dev.parley.testkit.Chat.refused;
import static dev.parley.testkit.Chat.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Delivery and read receipts, typing indicators and presence: pushed live, never stored where they should not be,
 * limited where the contract says, and private where the user says.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ReceiptsTypingPresenceTest extends OnBothDatabases {

    @Test
    void inADirectChatTheSenderSeesDeliveredAndRead() {
        Device a = users.newUserDevice("rd_a");
        Device b = users.newUserDevice("rd_b");
        users.befriend(a, b);
        WsClient wa = connect(a);
        WsClient wb = connect(b);
        JsonNode ack = ok(wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "rd-1", "text", "did you get this?")));
        long id = ack.get("conversationId").asLong();
        awaitEntry(wb, id, "text");
        String token = wa.request(frame("type", "sync")).get("token").asString();

        JsonNode delivered = wb.request(frame("type", "delivered", "conversationId", id, "seq", 1));
        assertThat(delivered.get("type").asString()).isEqualTo("ok");
        JsonNode receipt = wa.await("receipt");
        assertThat(receipt.get("conversationId").asLong()).isEqualTo(id);
        assertThat(receipt.get("userId").asLong()).isEqualTo(b.user().id());
        assertThat(receipt.get("deliveredSeq").asLong()).isEqualTo(1);
        assertThat(receipt.get("readSeq").asLong()).isZero();
        JsonNode s = Chat.summary(api, a, id).get("conversation");
        assertThat(s.get("peerDeliveredSeq").asLong()).isEqualTo(1);
        assertThat(s.get("peerReadSeq").asLong()).isZero();

        wb.request(frame("type", "read", "conversationId", id, "seq", 1));
        JsonNode read = wa.await("receipt");
        assertThat(read.get("readSeq").asLong()).isEqualTo(1);
        assertThat(read.get("deliveredSeq").asLong()).isEqualTo(1);
        assertThat(Chat.summary(api, a, id).get("conversation").get("peerReadSeq").asLong()).isEqualTo(1);
        // The sender's other device learns it by sync too.
        JsonNode sync = wa.request(frame("type", "sync", "token", token));
        JsonNode conv = sync.get("conversations").get(0);
        assertThat(conv.get("id").asLong()).isEqualTo(id);
        assertThat(conv.get("peerReadSeq").asLong()).isEqualTo(1);

        // Cursors never go back or past the end; nothing moved, nothing pushed.
        ok(wb.request(frame("type", "delivered", "conversationId", id, "seq", 0)));
        ok(wb.request(frame("type", "delivered", "conversationId", id, "seq", 99)));
        send(wa, id, "and this?");
        awaitEntry(wb, id, "text");
        ok(wb.request(frame("type", "delivered", "conversationId", id, "seq", 99)));
        assertThat(wa.await("receipt").get("deliveredSeq").asLong()).as("clamped to the last entry").isEqualTo(2);
        Chat.settle();
        assertThat(wa.received("receipt")).hasSize(3);
        assertThat(wb.received("receipt")).as("the sender's own cursor is not a receipt to the peer").isEmpty();

        refused(wb.request(frame("type", "delivered", "conversationId", id, "seq", -1)), "invalid_field");
        refused(wb.request(frame("type", "delivered", "conversationId", id)), "invalid_field");
        Device stranger = users.newUserDevice("rd_stranger");
        refused(connect(stranger).request(frame("type", "delivered", "conversationId", id, "seq", 1)), "conversation_not_found");
    }

    @Test
    void inAGroupReadersAreCountedAndListedOnRequest() {
        Device owner = users.newUserDevice("rg_owner");
        Device ann = users.newUserDevice("rg_ann");
        Device ben = users.newUserDevice("rg_ben");
        long id = Chat.group(users, owner, "Readers", ann, ben);
        WsClient wo = connect(owner);
        WsClient wa = connect(ann);
        JsonNode ack = send(wo, id, "please read");
        long mid = ack.get("messageId").asLong();
        awaitEntry(wa, id, "text");

        JsonNode none = api.get("/api/v1/conversations/" + id + "/messages/" + mid + "/readers", owner.accessToken()).body();
        assertThat(none.get("readCount").asLong()).isZero();
        assertThat(none.get("memberCount").asLong()).as("members other than the sender").isEqualTo(2);
        assertThat(none.get("readers")).isEmpty();

        wa.request(frame("type", "read", "conversationId", id, "seq", ack.get("seq").asLong()));
        JsonNode receipt = wo.await("receipt");
        assertThat(receipt.get("userId").asLong()).isEqualTo(ann.user().id());
        assertThat(receipt.get("readSeq").asLong()).isEqualTo(ack.get("seq").asLong());
        JsonNode one = api.get("/api/v1/conversations/" + id + "/messages/" + mid + "/readers", ben.accessToken()).body();
        assertThat(one.get("readCount").asLong()).isEqualTo(1);
        assertThat(one.get("readers")).hasSize(1);
        assertThat(one.get("readers").get(0).get("id").asLong()).isEqualTo(ann.user().id());
        assertThat(one.get("readers").get(0).get("username").asString()).isEqualTo(ann.user().username());

        assertError(api.get("/api/v1/conversations/" + id + "/messages/987654321/readers", owner.accessToken()), 404, "message_not_found");
        long systemEntry = Chat.historyAfter(wo, id, 0).get(0).get("id").asLong();
        assertError(api.get("/api/v1/conversations/" + id + "/messages/" + systemEntry + "/readers", owner.accessToken()), 404, "message_not_found");
        Device stranger = users.newUserDevice("rg_stranger");
        assertError(api.get("/api/v1/conversations/" + id + "/messages/" + mid + "/readers", stranger.accessToken()), 404, "conversation_not_found");
    }

    @Test
    void typingIsPushedToTheOthersNeverStoredAndAtMostOnceEveryTwoSeconds() throws Exception {
        Device a = users.newUserDevice("ty_a");
        Device aLaptop = users.login(a.user(), "laptop");
        Device b = users.newUserDevice("ty_b");
        Device c = users.newUserDevice("ty_c");
        long group = Chat.group(users, a, "Typing", b, c);
        WsClient wa = connect(a);
        WsClient wl = connect(aLaptop);
        WsClient wb = connect(b);
        WsClient wc = connect(c);

        JsonNode reply = wa.request(frame("type", "typing", "conversationId", group));
        assertThat(reply.get("type").asString()).isEqualTo("ok");
        for (WsClient ws : List.of(wb, wc)) {
            JsonNode t = ws.await("typing");
            assertThat(t.get("conversationId").asLong()).isEqualTo(group);
            assertThat(t.get("userId").asLong()).isEqualTo(a.user().id());
            assertThat(t.size()).isEqualTo(3);
        }
        // Again at once, even from another device: answered, not forwarded.
        ok(wa.request(frame("type", "typing", "conversationId", group)));
        ok(wl.request(frame("type", "typing", "conversationId", group)));
        Chat.settle();
        assertThat(wb.received("typing")).hasSize(1);
        assertThat(wl.received("typing")).as("not to the typer's own devices").isEmpty();
        // Never stored.
        assertThat(Chat.summary(api, b, group).get("conversation").get("lastSeq").asLong()).isEqualTo(1);
        // After the interval, forwarded again.
        Thread.sleep(2100);
        ok(wl.request(frame("type", "typing", "conversationId", group)));
        wb.await(n -> "typing".equals(WsClient.text(n, "type")) && wb.received("typing").size() == 2, "a second typing push");

        refused(wa.request(frame("type", "typing", "conversationId", 987654321)), "conversation_not_found");
        refused(wa.request(frame("type", "typing")), "invalid_field");

        // In a direct conversation, to the peer; not to an ex-friend.
        users.befriend(b, c);
        long direct = ok(wb.request(frame("type", "send", "to", c.user().id(), "clientMsgId", "ty-d", "text", "hi"))).get("conversationId").asLong();
        int before = wc.received("typing").size();
        ok(wb.request(frame("type", "typing", "conversationId", direct)));
        JsonNode t = wc.await(n -> "typing".equals(WsClient.text(n, "type")) && n.get("conversationId").asLong() == direct, "typing in direct");
        assertThat(t.get("userId").asLong()).isEqualTo(b.user().id());
        assertThat(api.delete("/api/v1/friends/" + c.user().id(), b.accessToken()).status()).isEqualTo(204);
        Thread.sleep(2100);
        refused(wb.request(frame("type", "typing", "conversationId", direct)), "not_friends");
        Chat.settle();
        assertThat(wc.received("typing")).hasSize(before + 1);
    }

    @Test
    void presenceFollowsTheConnectionsAndIsShownOnlyToFriends() {
        Device a = users.newUserDevice("pr_a");
        Device aLaptop = users.login(a.user(), "laptop");
        Device b = users.newUserDevice("pr_b");
        Device stranger = users.newUserDevice("pr_stranger");
        users.befriend(a, b);
        WsClient wb = connect(b);
        WsClient ws = connect(stranger);

        WsClient phone = connect(a);
        JsonNode online = wb.await("presence");
        assertThat(online.get("userId").asLong()).isEqualTo(a.user().id());
        assertThat(online.get("state").asString()).isEqualTo("online");
        assertThat(online.has("lastSeenAt")).isFalse();
        assertThat(presenceOf(b, a).get("state").asString()).isEqualTo("online");

        ok(phone.request(frame("type", "presence", "state", "away")));
        assertThat(wb.await("presence").get("state").asString()).isEqualTo("away");
        WsClient laptop = connect(aLaptop);
        assertThat(wb.await("presence").get("state").asString()).as("one connection online is enough").isEqualTo("online");
        ok(laptop.request(frame("type", "presence", "state", "online")));
        refused(phone.request(frame("type", "presence", "state", "busy")), "invalid_field");
        refused(phone.request(frame("type", "presence")), "invalid_field");

        long before = System.currentTimeMillis();
        laptop.close();
        JsonNode backToAway = wb.await("presence");
        assertThat(backToAway.get("state").asString()).isEqualTo("away");
        phone.close();
        JsonNode offline = wb.await("presence");
        assertThat(offline.get("state").asString()).isEqualTo("offline");
        assertThat(offline.get("lastSeenAt").asLong()).isBetween(before - 1000, System.currentTimeMillis() + 1000);
        JsonNode seen = presenceOf(b, a);
        assertThat(seen.get("state").asString()).isEqualTo("offline");
        assertThat(seen.get("lastSeenAt").asLong()).isEqualTo(offline.get("lastSeenAt").asLong());
        // Not a friend: always offline, never a time; nothing was pushed to them.
        JsonNode hidden = presenceOf(stranger, a);
        assertThat(hidden.get("state").asString()).isEqualTo("offline");
        assertThat(hidden.has("lastSeenAt")).isFalse();
        assertThat(ws.received("presence")).isEmpty();

        // Privacy "nobody": friends see offline without a time, live and on request.
        assertThat(api.get("/api/v1/me", a.accessToken()).body().get("presenceVisibility").asString()).isEqualTo("friends");
        WsClient again = connect(a);
        assertThat(wb.await("presence").get("state").asString()).isEqualTo("online");
        Api.Response changed = api.patch("/api/v1/me", a.accessToken(), Map.of("presenceVisibility", "nobody"));
        assertThat(changed.status()).as(changed.raw()).isEqualTo(200);
        assertThat(changed.body().get("presenceVisibility").asString()).isEqualTo("nobody");
        assertThat(changed.body().get("displayName").asString()).isEqualTo("pr_a");
        JsonNode gone = wb.await("presence");
        assertThat(gone.get("state").asString()).isEqualTo("offline");
        assertThat(gone.has("lastSeenAt")).isFalse();
        assertThat(presenceOf(b, a).get("state").asString()).isEqualTo("offline");
        assertThat(presenceOf(b, a).has("lastSeenAt")).isFalse();
        ok(again.request(frame("type", "presence", "state", "away")));
        again.close();
        connect(a);
        Chat.settle();
        assertThat(wb.received("presence")).as("nothing more while hidden").hasSize(7);
        api.patch("/api/v1/me", a.accessToken(), Map.of("presenceVisibility", "friends"));
        assertThat(wb.await("presence").get("state").asString()).isEqualTo("online");

        assertError(api.patch("/api/v1/me", a.accessToken(), Map.of("presenceVisibility", "everyone")), 400, "invalid_field");
        assertError(api.get("/api/v1/presence", b.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/presence?userIds=1,x", b.accessToken()), 400, "invalid_field");
        assertError(api.get("/api/v1/presence?userIds=" + a.user().id(), null), 401, "unauthorized");
    }

    private JsonNode presenceOf(Device viewer, Device of) {
        Api.Response r = api.get("/api/v1/presence?userIds=" + of.user().id() + ",987654321", viewer.accessToken());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body()).hasSize(2);
        assertThat(r.body().get(1).get("state").asString()).isEqualTo("offline");
        return r.body().get(0);
    }
}
