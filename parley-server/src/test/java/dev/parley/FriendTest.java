package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Friends and blocks over real HTTP and WebSockets: the request lifecycle with the live events every online device
 * of both users gets and the same events replayed by sync; the error cases; crossing requests; and blocking, which
 * must never reveal itself to the blocked user.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class FriendTest extends OnBothDatabases {

    // ---- lifecycle ----

    @Test
    void requestAcceptAndRemoveReachEveryDeviceLiveAndThroughSync() {
        Device alice = users.newUserDevice("fr_alice");
        Device bob = users.newUserDevice("fr_bob");
        Device bobLaptop = users.login(bob.user(), "bob-laptop");
        String aliceToken = syncToken(alice);
        String bobToken = syncToken(bob);
        WsClient aliceWs = online(alice);
        WsClient bobWs = online(bob);
        WsClient bobLaptopWs = online(bobLaptop);

        String note = "Hi Bob! <b>it's me</b> \"Alice\" \u2764";
        Api.Response sent = api.post("/api/v1/friends/requests", alice.accessToken(), Map.of("userId", bob.user().id(), "note", note));
        assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
        long requestId = sent.body().get("id").asLong();
        assertThat(sent.body().get("from").get("id").asLong()).isEqualTo(alice.user().id());
        assertThat(sent.body().get("to").get("id").asLong()).isEqualTo(bob.user().id());
        assertThat(sent.body().get("to").get("username").asString()).isEqualTo(bob.user().username());
        assertThat(sent.body().get("note").asString()).isEqualTo(note);
        assertThat(sent.body().get("status").asString()).isEqualTo("pending");

        for (WsClient ws : List.of(aliceWs, bobWs, bobLaptopWs)) {
            JsonNode e = awaitEvent(ws, "friend_request");
            assertThat(e.get("data").get("id").asLong()).isEqualTo(requestId);
            assertThat(e.get("data").get("note").asString()).isEqualTo(note);
            assertThat(e.get("data").get("status").asString()).isEqualTo("pending");
            assertThat(e.get("seq").asLong()).isPositive();
            assertThat(e.get("at").asLong()).isPositive();
        }

        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=incoming", bob.accessToken()))).containsExactly(requestId);
        assertThat(requestIds(api.get("/api/v1/friends/requests", bob.accessToken()))).containsExactly(requestId);
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", alice.accessToken()))).containsExactly(requestId);
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=incoming", alice.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", bob.accessToken()))).isEmpty();
        JsonNode listed = api.get("/api/v1/friends/requests", bob.accessToken()).body().get(0);
        assertThat(listed.get("note").asString()).isEqualTo(note);
        assertThat(listed.get("from").get("username").asString()).isEqualTo(alice.user().username());

        Api.Response accepted = api.post("/api/v1/friends/requests/" + requestId + "/accept", bobLaptop.accessToken(), null);
        assertThat(accepted.status()).as(accepted.raw()).isEqualTo(200);
        assertThat(accepted.body().get("status").asString()).isEqualTo("accepted");
        for (WsClient ws : List.of(aliceWs, bobWs, bobLaptopWs)) {
            JsonNode updated = awaitEvent(ws, "friend_request_updated");
            assertThat(updated.get("data").get("id").asLong()).isEqualTo(requestId);
            assertThat(updated.get("data").get("status").asString()).isEqualTo("accepted");
        }
        assertThat(awaitEvent(aliceWs, "friend_added").get("data").get("user").get("id").asLong()).isEqualTo(bob.user().id());
        for (WsClient ws : List.of(bobWs, bobLaptopWs)) {
            assertThat(awaitEvent(ws, "friend_added").get("data").get("user").get("id").asLong()).isEqualTo(alice.user().id());
        }
        assertThat(friendIds(alice)).containsExactly(bob.user().id());
        assertThat(friendIds(bob)).containsExactly(alice.user().id());
        assertThat(api.get("/api/v1/friends", alice.accessToken()).body().get(0).get("since").asLong()).isPositive();
        assertThat(requestIds(api.get("/api/v1/friends/requests", bob.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", alice.accessToken()))).isEmpty();

        Api.Response removed = api.delete("/api/v1/friends/" + bob.user().id(), alice.accessToken());
        assertThat(removed.status()).as(removed.raw()).isEqualTo(204);
        assertThat(awaitEvent(aliceWs, "friend_removed").get("data").get("userId").asLong()).isEqualTo(bob.user().id());
        for (WsClient ws : List.of(bobWs, bobLaptopWs)) {
            assertThat(awaitEvent(ws, "friend_removed").get("data").get("userId").asLong()).isEqualTo(alice.user().id());
        }
        assertThat(friendIds(alice)).isEmpty();
        assertThat(friendIds(bob)).isEmpty();
        assertError(api.delete("/api/v1/friends/" + bob.user().id(), alice.accessToken()), 404, "not_found");

        // Sync from before it all replays exactly what came live, in order, over REST and over the WebSocket.
        List<String> kinds = List.of("friend_request", "friend_request_updated", "friend_added", "friend_removed");
        for (var who : List.of(Map.entry(aliceToken, aliceWs), Map.entry(bobToken, bobWs))) {
            WsClient ws = who.getValue();
            JsonNode viaRest = api.get("/api/v1/sync?token=" + who.getKey(), ws == aliceWs ? alice.accessToken() : bob.accessToken()).body();
            assertThat(eventKinds(viaRest.get("events"))).containsExactlyElementsOf(kinds);
            assertThat(viaRest.get("full").asBoolean()).isFalse();
            assertThat(viaRest.get("hasMore").asBoolean()).isFalse();
            assertThat(eventSeqs(viaRest.get("events"))).containsExactlyElementsOf(eventSeqs(liveEvents(ws)));
            assertThat(viaRest.get("events").get(0).get("data").get("note").asString()).isEqualTo(note);
            assertConsecutive(eventSeqs(viaRest.get("events")));

            JsonNode viaWs = ws.request(Map.of("type", "sync", "token", who.getKey()));
            assertThat(viaWs.get("type").asString()).isEqualTo("sync");
            assertThat(eventSeqs(viaWs.get("events"))).containsExactlyElementsOf(eventSeqs(viaRest.get("events")));
            assertThat(eventKinds(viaWs.get("events"))).containsExactlyElementsOf(kinds);

            // And from the latest token, nothing more.
            JsonNode after = api.get("/api/v1/sync?token=" + viaRest.get("token").asString(),
                    ws == aliceWs ? alice.accessToken() : bob.accessToken()).body();
            assertThat(after.get("events")).isEmpty();
        }
        // Every device got each event exactly once.
        assertThat(eventKinds(liveEvents(bobLaptopWs))).containsExactlyElementsOf(kinds);
    }

    @Test
    void aDeclinedRequestTellsTheSenderWhoWaitsBeforeAskingAgain() {
        Device alice = users.newUserDevice("dec_alice");
        Device bob = users.newUserDevice("dec_bob");
        WsClient aliceWs = online(alice);
        long id = sendRequest(alice, bob, "please").body().get("id").asLong();

        Api.Response declined = api.post("/api/v1/friends/requests/" + id + "/decline", bob.accessToken(), null);
        assertThat(declined.status()).as(declined.raw()).isEqualTo(200);
        assertThat(declined.body().get("status").asString()).isEqualTo("declined");
        awaitEvent(aliceWs, "friend_request");
        JsonNode updated = awaitEvent(aliceWs, "friend_request_updated");
        assertThat(updated.get("data").get("status").asString()).isEqualTo("declined");
        assertThat(updated.get("data").get("id").asLong()).isEqualTo(id);
        assertThat(friendIds(alice)).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", alice.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests", bob.accessToken()))).isEmpty();
        // No longer pending: it cannot be accepted after all.
        assertError(api.post("/api/v1/friends/requests/" + id + "/accept", bob.accessToken(), null), 404, "request_not_found");

        // Asking again at once is refused for the cool-down (24 h by default), with the time left.
        Api.Response again = sendRequest(alice, bob, "please?");
        assertError(again, 429, "request_cooldown");
        assertThat(again.body().get("retryAfter").asLong()).isBetween(23 * 3600L, 24 * 3600L);
        assertThat(requestIds(api.get("/api/v1/friends/requests", bob.accessToken()))).isEmpty();
        // The one who declined may still ask.
        Api.Response back = sendRequest(bob, alice, "changed my mind");
        assertThat(back.status()).as(back.raw()).isEqualTo(201);
        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).containsExactly(back.body().get("id").asLong());
    }

    @Test
    void aCancelledRequestDisappearsForTheRecipient() {
        Device alice = users.newUserDevice("can_alice");
        Device bob = users.newUserDevice("can_bob");
        WsClient bobWs = online(bob);
        long id = sendRequest(alice, bob, "").body().get("id").asLong();
        assertThat(awaitEvent(bobWs, "friend_request").get("data").get("note").asString()).isEmpty();

        // Only the sender cancels; only the recipient accepts or declines.
        assertError(api.post("/api/v1/friends/requests/" + id + "/cancel", bob.accessToken(), null), 404, "request_not_found");
        assertError(api.post("/api/v1/friends/requests/" + id + "/accept", alice.accessToken(), null), 404, "request_not_found");
        assertError(api.post("/api/v1/friends/requests/" + id + "/decline", alice.accessToken(), null), 404, "request_not_found");

        Api.Response cancelled = api.post("/api/v1/friends/requests/" + id + "/cancel", alice.accessToken(), null);
        assertThat(cancelled.status()).as(cancelled.raw()).isEqualTo(200);
        assertThat(cancelled.body().get("status").asString()).isEqualTo("cancelled");
        assertThat(awaitEvent(bobWs, "friend_request_updated").get("data").get("status").asString()).isEqualTo("cancelled");
        assertThat(requestIds(api.get("/api/v1/friends/requests", bob.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", alice.accessToken()))).isEmpty();
        assertError(api.post("/api/v1/friends/requests/" + id + "/accept", bob.accessToken(), null), 404, "request_not_found");
        assertError(api.post("/api/v1/friends/requests/" + id + "/cancel", alice.accessToken(), null), 404, "request_not_found");
        assertThat(friendIds(bob)).isEmpty();
    }

    @Test
    void requestErrors() {
        Device alice = users.newUserDevice("err_alice");
        Device bob = users.newUserDevice("err_bob");
        Device carol = users.newUserDevice("err_carol");

        assertError(sendRequest(alice, alice, "me"), 400, "cannot_befriend_self");
        assertError(api.post("/api/v1/friends/requests", alice.accessToken(), Map.of("userId", 999_999_999L)), 404, "user_not_found");
        assertError(api.post("/api/v1/friends/requests", alice.accessToken(), Map.of("note", "to whom?")), 400, "invalid_field");
        assertError(api.post("/api/v1/friends/requests", alice.accessToken(), Map.of("userId", "bob")), 400, "invalid_field");
        assertError(api.post("/api/v1/friends/requests", alice.accessToken(), Map.of("userId", -3)), 400, "invalid_field");
        assertError(sendRequest(alice, bob, "n".repeat(501)), 400, "invalid_field");
        assertError(sendRequest(alice, bob, "nul\u0000"), 400, "invalid_field");
        assertError(api.post("/api/v1/friends/requests", null, Map.of("userId", bob.user().id())), 401, "unauthorized");
        assertError(api.get("/api/v1/friends/requests?direction=sideways", alice.accessToken()), 400, "invalid_field");

        long id = sendRequest(alice, bob, "n".repeat(500)).body().get("id").asLong();
        assertError(sendRequest(alice, bob, "again"), 409, "request_exists");
        // Carol cannot act on a request between others; to her it does not exist.
        assertError(api.post("/api/v1/friends/requests/" + id + "/accept", carol.accessToken(), null), 404, "request_not_found");
        assertError(api.post("/api/v1/friends/requests/" + id + "/decline", carol.accessToken(), null), 404, "request_not_found");
        assertError(api.post("/api/v1/friends/requests/" + id + "/cancel", carol.accessToken(), null), 404, "request_not_found");
        assertError(api.post("/api/v1/friends/requests/999999999/accept", bob.accessToken(), null), 404, "request_not_found");
        assertThat(friendIds(carol)).isEmpty();

        assertThat(api.post("/api/v1/friends/requests/" + id + "/accept", bob.accessToken(), null).status()).isEqualTo(200);
        assertError(sendRequest(alice, bob, "again"), 409, "already_friends");
        assertError(sendRequest(bob, alice, "again"), 409, "already_friends");
        assertError(api.post("/api/v1/friends/requests/" + id + "/accept", bob.accessToken(), null), 404, "request_not_found");
        assertError(api.delete("/api/v1/friends/" + carol.user().id(), alice.accessToken()), 404, "not_found");
    }

    @Test
    void crossingRequestsBecomeAFriendship() {
        Device alice = users.newUserDevice("x_alice");
        Device bob = users.newUserDevice("x_bob");
        WsClient aliceWs = online(alice);
        WsClient bobWs = online(bob);
        long id = sendRequest(alice, bob, "hi").body().get("id").asLong();

        Api.Response back = sendRequest(bob, alice, "hi to you too");
        assertThat(back.status()).as(back.raw()).isEqualTo(201);
        assertThat(back.body().get("id").asLong()).isEqualTo(id);
        assertThat(back.body().get("status").asString()).isEqualTo("accepted");
        assertThat(friendIds(alice)).containsExactly(bob.user().id());
        assertThat(friendIds(bob)).containsExactly(alice.user().id());
        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests", bob.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", alice.accessToken()))).isEmpty();
        assertThat(awaitEvent(aliceWs, "friend_added").get("data").get("user").get("id").asLong()).isEqualTo(bob.user().id());
        assertThat(awaitEvent(bobWs, "friend_added").get("data").get("user").get("id").asLong()).isEqualTo(alice.user().id());
        assertThat(eventKinds(liveEvents(bobWs))).containsExactly("friend_request", "friend_request_updated", "friend_added");

        // They can message each other now.
        JsonNode ack = bobWs.request(Map.of("type", "send", "to", alice.user().id(), "clientMsgId", "x1", "text", "yay"));
        assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
    }

    // ---- blocking ----

    @Test
    void blockingEndsTheFriendshipForBothAndIsListed() {
        Device alice = users.newUserDevice("blk_alice");
        Device bob = users.newUserDevice("blk_bob");
        users.befriend(alice, bob);
        String bobToken = syncToken(bob);
        WsClient aliceWs = online(alice);
        WsClient bobWs = online(bob);

        Api.Response blocked = api.put("/api/v1/blocks/" + bob.user().id(), alice.accessToken());
        assertThat(blocked.status()).as(blocked.raw()).isEqualTo(204);
        assertThat(awaitEvent(aliceWs, "friend_removed").get("data").get("userId").asLong()).isEqualTo(bob.user().id());
        assertThat(awaitEvent(aliceWs, "user_blocked").get("data").get("user").get("id").asLong()).isEqualTo(bob.user().id());
        assertThat(awaitEvent(bobWs, "friend_removed").get("data").get("userId").asLong()).isEqualTo(alice.user().id());
        assertThat(friendIds(alice)).isEmpty();
        assertThat(friendIds(bob)).isEmpty();

        JsonNode list = api.get("/api/v1/blocks", alice.accessToken()).body();
        assertThat(list).hasSize(1);
        assertThat(list.get(0).get("id").asLong()).isEqualTo(bob.user().id());
        assertThat(list.get(0).get("username").asString()).isEqualTo(bob.user().username());
        assertThat(api.get("/api/v1/blocks", bob.accessToken()).body()).isEmpty();

        // Blocking again changes nothing and tells nobody anything.
        assertThat(api.put("/api/v1/blocks/" + bob.user().id(), alice.accessToken()).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/blocks", alice.accessToken()).body()).hasSize(1);

        // To Bob it looks exactly like a removal: one friend_removed, nothing about a block.
        JsonNode bobSync = api.get("/api/v1/sync?token=" + bobToken, bob.accessToken()).body();
        assertThat(eventKinds(bobSync.get("events"))).containsExactly("friend_removed");
        assertThat(eventKinds(liveEvents(bobWs))).containsExactly("friend_removed");
        // A later event reaches Alice directly after the block's two: the repeated block produced none.
        Device carol = users.newUserDevice("blk_carol");
        sendRequest(carol, alice, "marker");
        awaitEvent(aliceWs, "friend_request");
        assertThat(eventKinds(liveEvents(aliceWs))).containsExactly("friend_removed", "user_blocked", "friend_request");

        assertError(api.put("/api/v1/blocks/" + alice.user().id(), alice.accessToken()), 400, "invalid_field");
        assertError(api.put("/api/v1/blocks/999999999", alice.accessToken()), 404, "user_not_found");
    }

    @Test
    void aBlockedUsersRequestLooksSentToThemAndNeverReachesTheBlocker() {
        Device alice = users.newUserDevice("hid_alice");
        Device bob = users.newUserDevice("hid_bob");
        Device carol = users.newUserDevice("hid_carol");
        assertThat(api.put("/api/v1/blocks/" + bob.user().id(), alice.accessToken()).status()).isEqualTo(204);
        String aliceToken = syncToken(alice);
        WsClient aliceWs = online(alice);
        WsClient bobWs = online(bob);

        Api.Response sent = sendRequest(bob, alice, "let me in");
        assertThat(sent.status()).as(sent.raw()).isEqualTo(201);
        assertThat(sent.body().get("status").asString()).isEqualTo("pending");
        long id = sent.body().get("id").asLong();
        assertThat(awaitEvent(bobWs, "friend_request").get("data").get("id").asLong()).isEqualTo(id);
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", bob.accessToken()))).containsExactly(id);
        assertError(sendRequest(bob, alice, "again"), 409, "request_exists");

        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).isEmpty();
        assertError(api.post("/api/v1/friends/requests/" + id + "/accept", alice.accessToken(), null), 404, "request_not_found");
        assertError(api.post("/api/v1/friends/requests/" + id + "/decline", alice.accessToken(), null), 404, "request_not_found");
        // Alice's own request to Bob is refused while she blocks him; it does not accept his hidden one.
        assertError(sendRequest(alice, bob, "hm"), 403, "forbidden");
        assertThat(friendIds(alice)).isEmpty();

        // Bob withdraws: still nothing for Alice.
        assertThat(api.post("/api/v1/friends/requests/" + id + "/cancel", bob.accessToken(), null).status()).isEqualTo(200);
        assertThat(awaitEvent(bobWs, "friend_request_updated").get("data").get("status").asString()).isEqualTo("cancelled");

        // A marker: Carol's request is the first and only event Alice sees live or by sync.
        long carolId = sendRequest(carol, alice, "marker").body().get("id").asLong();
        assertThat(awaitEvent(aliceWs, "friend_request").get("data").get("id").asLong()).isEqualTo(carolId);
        assertThat(liveEvents(aliceWs)).hasSize(1);
        JsonNode sync = api.get("/api/v1/sync?token=" + aliceToken, alice.accessToken()).body();
        assertThat(eventKinds(sync.get("events"))).containsExactly("friend_request");
        assertThat(sync.get("events").get(0).get("data").get("id").asLong()).isEqualTo(carolId);
        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).containsExactly(carolId);
    }

    @Test
    void blockingHidesARequestAlreadyPendingFromTheBlockedUserAndCancelsTheBlockersOwn() {
        Device alice = users.newUserDevice("pend_alice");
        Device bob = users.newUserDevice("pend_bob");
        Device dave = users.newUserDevice("pend_dave");
        long fromBob = sendRequest(bob, alice, "hi").body().get("id").asLong();
        long toDave = sendRequest(alice, dave, "hi").body().get("id").asLong();
        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).containsExactly(fromBob);
        WsClient bobWs = online(bob);
        WsClient daveWs = online(dave);

        assertThat(api.put("/api/v1/blocks/" + bob.user().id(), alice.accessToken()).status()).isEqualTo(204);
        assertThat(api.put("/api/v1/blocks/" + dave.user().id(), alice.accessToken()).status()).isEqualTo(204);

        // Bob's request is hidden from Alice but still pending for him, and he is told nothing.
        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", bob.accessToken()))).containsExactly(fromBob);
        assertError(api.post("/api/v1/friends/requests/" + fromBob + "/accept", alice.accessToken(), null), 404, "request_not_found");
        // Alice's own request to Dave is withdrawn, which to Dave is an ordinary cancellation.
        JsonNode cancelled = awaitEvent(daveWs, "friend_request_updated");
        assertThat(cancelled.get("data").get("id").asLong()).isEqualTo(toDave);
        assertThat(cancelled.get("data").get("status").asString()).isEqualTo("cancelled");
        assertThat(requestIds(api.get("/api/v1/friends/requests", dave.accessToken()))).isEmpty();
        assertThat(requestIds(api.get("/api/v1/friends/requests?direction=outgoing", alice.accessToken()))).isEmpty();

        // Nothing about the block reached Bob: his next event is the marker from Dave.
        sendRequest(dave, bob, "marker");
        awaitEvent(bobWs, "friend_request");
        assertThat(eventKinds(liveEvents(bobWs))).containsExactly("friend_request");
    }

    @Test
    void aBlockedUsersMessageIsRefusedLikeAnyStrangersAndGoesNowhere() {
        Device alice = users.newUserDevice("msg_alice");
        Device bob = users.newUserDevice("msg_bob");
        Device stranger = users.newUserDevice("msg_stranger");
        Device friend = users.newUserDevice("msg_friend");
        users.befriend(alice, bob);
        users.befriend(friend, alice);
        WsClient aliceWs = online(alice);
        WsClient bobWs = online(bob);
        WsClient strangerWs = online(stranger);
        WsClient friendWs = online(friend);
        JsonNode first = bobWs.request(Map.of("type", "send", "to", alice.user().id(), "clientMsgId", "b1", "text", "before"));
        long conversationId = first.get("conversationId").asLong();
        assertThat(aliceWs.await("message").get("text").asString()).isEqualTo("before");

        assertThat(api.put("/api/v1/blocks/" + bob.user().id(), alice.accessToken()).status()).isEqualTo(204);
        awaitEvent(bobWs, "friend_removed");

        JsonNode byTo = bobWs.request(Map.of("type", "send", "to", alice.user().id(), "clientMsgId", "b2", "text", "after (to)"));
        JsonNode byConversation = bobWs.request(Map.of("type", "send", "conversationId", conversationId, "clientMsgId", "b3", "text", "after (conversation)"));
        JsonNode fromStranger = strangerWs.request(Map.of("type", "send", "to", alice.user().id(), "clientMsgId", "s1", "text", "hello?"));
        for (JsonNode e : List.of(byTo, byConversation, fromStranger)) {
            assertThat(e.get("type").asString()).as(e.toString()).isEqualTo("error");
            assertThat(e.get("code").asString()).isEqualTo("not_friends");
        }
        // Word for word what a stranger gets: nothing tells Bob he is blocked.
        assertThat(byTo.get("message").asString()).isEqualTo(fromStranger.get("message").asString());
        assertThat(byConversation.get("message").asString()).isEqualTo(fromStranger.get("message").asString());

        // Nothing was delivered: Alice's next message is the marker from a friend.
        friendWs.request(Map.of("type", "send", "to", alice.user().id(), "clientMsgId", "f1", "text", "marker"));
        assertThat(aliceWs.await("message").get("text").asString()).isEqualTo("marker");
        assertThat(aliceWs.received("message").stream().map(m -> m.get("text").asString()).toList()).containsExactly("before", "marker");
        // Nothing was stored.
        for (Device d : List.of(alice, bob)) {
            JsonNode history = api.get("/api/v1/conversations/" + conversationId + "/messages", d.accessToken()).body();
            List<String> texts = new ArrayList<>();
            for (JsonNode m : history.get("messages")) texts.add(m.get("text").asString());
            assertThat(texts).containsExactly("before");
        }
        // A retry of the refused message is refused again, not answered as a duplicate.
        JsonNode retry = bobWs.request(Map.of("type", "send", "to", alice.user().id(), "clientMsgId", "b2", "text", "after (to)"));
        assertThat(retry.get("code").asString()).isEqualTo("not_friends");
    }

    @Test
    void unblockingAllowsRequestsAgain() {
        Device alice = users.newUserDevice("unb_alice");
        Device bob = users.newUserDevice("unb_bob");
        WsClient aliceWs = online(alice);
        WsClient bobWs = online(bob);
        assertThat(api.put("/api/v1/blocks/" + bob.user().id(), alice.accessToken()).status()).isEqualTo(204);
        awaitEvent(aliceWs, "user_blocked");

        Api.Response unblocked = api.delete("/api/v1/blocks/" + bob.user().id(), alice.accessToken());
        assertThat(unblocked.status()).as(unblocked.raw()).isEqualTo(204);
        assertThat(awaitEvent(aliceWs, "user_unblocked").get("data").get("userId").asLong()).isEqualTo(bob.user().id());
        assertThat(api.get("/api/v1/blocks", alice.accessToken()).body()).isEmpty();
        assertError(api.delete("/api/v1/blocks/" + bob.user().id(), alice.accessToken()), 404, "not_found");

        // Requests flow both ways again and are seen.
        long id = sendRequest(bob, alice, "friends again?").body().get("id").asLong();
        assertThat(awaitEvent(aliceWs, "friend_request").get("data").get("id").asLong()).isEqualTo(id);
        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).containsExactly(id);
        assertThat(api.post("/api/v1/friends/requests/" + id + "/accept", alice.accessToken(), null).status()).isEqualTo(200);
        assertThat(friendIds(bob)).containsExactly(alice.user().id());
        // Bob never saw anything about the block or the unblock.
        assertThat(eventKinds(liveEvents(bobWs))).doesNotContain("user_blocked", "user_unblocked");
    }

    @Test
    void aRequestHiddenByABlockStaysHiddenAfterTheUnblock() {
        Device alice = users.newUserDevice("stay_alice");
        Device bob = users.newUserDevice("stay_bob");
        assertThat(api.put("/api/v1/blocks/" + bob.user().id(), alice.accessToken()).status()).isEqualTo(204);
        long hidden = sendRequest(bob, alice, "while blocked").body().get("id").asLong();
        assertThat(api.delete("/api/v1/blocks/" + bob.user().id(), alice.accessToken()).status()).isEqualTo(204);
        assertThat(requestIds(api.get("/api/v1/friends/requests", alice.accessToken()))).doesNotContain(hidden);
    }

    // ---- helpers ----

    private WsClient online(Device d) {
        WsClient ws = WsClient.connect(server, d.accessToken());
        opened.add(ws);
        ws.await("hello");
        return ws;
    }

    private String syncToken(Device d) {
        Api.Response r = api.get("/api/v1/sync", d.accessToken());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().get("full").asBoolean()).isTrue();
        return r.body().get("token").asString();
    }

    private Api.Response sendRequest(Device from, Device to, String note) {
        Map<String, Object> body = new HashMap<>();
        body.put("userId", to.user().id());
        body.put("note", note);
        return api.post("/api/v1/friends/requests", from.accessToken(), body);
    }

    private List<Long> friendIds(Device d) {
        Api.Response r = api.get("/api/v1/friends", d.accessToken());
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<Long> out = new ArrayList<>();
        for (JsonNode f : r.body()) out.add(f.get("user").get("id").asLong());
        return out;
    }

    private static List<Long> requestIds(Api.Response r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<Long> out = new ArrayList<>();
        for (JsonNode x : r.body()) out.add(x.get("id").asLong());
        return out;
    }

    private static JsonNode awaitEvent(WsClient ws, String kind) {
        return ws.await(n -> "event".equals(WsClient.text(n, "type")) && kind.equals(WsClient.text(n, "kind")), "a '" + kind + "' event");
    }

    private static List<JsonNode> liveEvents(WsClient ws) {
        return ws.received("event");
    }

    private static List<String> eventKinds(Iterable<JsonNode> events) {
        List<String> out = new ArrayList<>();
        for (JsonNode e : events) out.add(e.get("kind").asString());
        return out;
    }

    private static List<Long> eventSeqs(Iterable<JsonNode> events) {
        List<Long> out = new ArrayList<>();
        for (JsonNode e : events) out.add(e.get("seq").asLong());
        return out;
    }

    private static void assertConsecutive(List<Long> seqs) {
        for (int i = 1; i < seqs.size(); i++) assertThat(seqs.get(i)).isEqualTo(seqs.get(i - 1) + 1);
    }
}
