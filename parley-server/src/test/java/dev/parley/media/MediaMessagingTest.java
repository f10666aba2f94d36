package dev.parley.media;

import static dev.parley.testkit.Chat.awaitEntry;
import static dev.parley.testkit.Chat.expect;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.refused;
import static dev.parley.testkit.MediaClient.fixture;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Chat;
import dev.parley.testkit.OnDatabasesAndStores;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Media in messages over the WebSocket, on both databases and both stores: upload, then {@code send} with
 * {@code attachments} in a direct and in a group conversation; the other members fetch it, anyone else gets
 * {@code media_not_found}; foreign, unknown and unfinished uploads are refused and store nothing; a recall takes
 * the members' access away; a forward carries it to the forward's conversation.
 */
@ParameterizedClass
@MethodSource("dev.parley.testkit.OnDatabasesAndStores#all")
class MediaMessagingTest extends OnDatabasesAndStores {
    private int n;

    private JsonNode sendMedia(WsClient ws, String target, long targetId, String caption, String... ids) {
        var f = caption == null
                ? frame("type", "send", target, targetId, "clientMsgId", "c" + (++n) + System.nanoTime(), "attachments", List.of(ids))
                : frame("type", "send", target, targetId, "clientMsgId", "c" + (++n) + System.nanoTime(), "attachments", List.of(ids), "text", caption);
        return ws.request(f);
    }

    @Test
    void anImageSentInADirectConversationIsFetchedByThePeerAndNobodyElse() {
        Device alice = users.newUserDevice("dm");
        Device bob = users.newUserDevice("dm2");
        Device carol = users.newUserDevice("dm3");
        users.befriend(alice, bob);
        JsonNode m = media.uploaded(alice.accessToken(), "image", "photo.jpg", fixture("photo-gps.jpg"), "image/jpeg");
        String id = m.get("id").asString();
        WsClient wa = connect(alice);
        WsClient wb = connect(bob);

        JsonNode ack = expect(sendMedia(wa, "to", bob.user().id(), "look at this", id), "ack");
        long conversationId = ack.get("conversationId").asLong();
        JsonNode pushed = awaitEntry(wb, conversationId, "media");
        assertThat(pushed.get("text").asString()).isEqualTo("look at this");
        JsonNode attachment = pushed.get("attachments").get(0);
        assertThat(attachment.get("id").asString()).isEqualTo(id);
        assertThat(attachment.get("kind").asString()).isEqualTo("image");
        assertThat(attachment.get("width").asInt()).isEqualTo(48);
        assertThat(attachment.get("sha256").asString()).isEqualTo(m.get("sha256").asString());
        assertThat(attachment.get("thumbnail").asBoolean()).isTrue();
        assertThat(attachment.has("durationMs")).as("absent fields are left out").isFalse();

        assertThat(media.get("/api/v1/media/" + id, bob.accessToken()).body()).isEqualTo(media.get("/api/v1/media/" + id, alice.accessToken()).body());
        assertThat(media.get("/api/v1/media/" + id + "/thumbnail", bob.accessToken()).status()).isEqualTo(200);
        assertThat(media.get("/api/v1/media/" + id, carol.accessToken()).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + id + "/url", carol.accessToken()).code()).isEqualTo("media_not_found");

        // History carries the same attachment view.
        List<JsonNode> history = Chat.historyAfter(wb, conversationId, 0);
        assertThat(history.get(history.size() - 1).get("attachments").get(0).get("id").asString()).isEqualTo(id);
    }

    @Test
    void mediaSentInAGroupIsFetchedByItsMembersWhileTheyCanSeeIt() {
        Device owner = users.newUserDevice("grp");
        Device sender = users.newUserDevice("grp2");
        Device member = users.newUserDevice("grp3");
        Device outsider = users.newUserDevice("grp4");
        long group = Chat.group(users, owner, "media group", sender, member);
        JsonNode video = media.uploaded(sender.accessToken(), "video", "clip.mp4", fixture("video.mp4"), null);
        JsonNode voice = media.uploaded(sender.accessToken(), "voice", "hi.webm", fixture("voice.webm"), null);
        WsClient ws = connect(sender);
        WsClient wm = connect(member);

        JsonNode ack = expect(sendMedia(ws, "conversationId", group, null, video.get("id").asString(), voice.get("id").asString()), "ack");
        JsonNode pushed = awaitEntry(wm, group, "media");
        assertThat(pushed.has("text")).isFalse();
        assertThat(pushed.get("attachments")).hasSize(2);
        assertThat(pushed.get("attachments").get(0).get("poster").asBoolean()).isTrue();
        assertThat(pushed.get("attachments").get(1).get("waveform")).hasSize(64);

        for (Device d : List.of(owner, member, sender)) {
            assertThat(media.get("/api/v1/media/" + video.get("id").asString() + "/poster", d.accessToken()).status()).isEqualTo(200);
            assertThat(media.get("/api/v1/media/" + voice.get("id").asString(), d.accessToken(), "Range", "bytes=0-9").status()).isEqualTo(206);
        }
        assertThat(media.get("/api/v1/media/" + video.get("id").asString(), outsider.accessToken()).code()).isEqualTo("media_not_found");

        // The member is removed: what they could see stays visible to them, media sent later does not.
        assertThat(api.delete("/api/v1/groups/" + group + "/members/" + member.user().id(), owner.accessToken()).status()).isEqualTo(204);
        JsonNode later = media.uploaded(sender.accessToken(), "file", "later.pdf", fixture("doc.pdf"), null);
        expect(sendMedia(ws, "conversationId", group, "after you left", later.get("id").asString()), "ack");
        assertThat(media.get("/api/v1/media/" + video.get("id").asString(), member.accessToken()).status()).isEqualTo(200);
        assertThat(media.get("/api/v1/media/" + later.get("id").asString(), member.accessToken()).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + later.get("id").asString(), owner.accessToken()).status()).isEqualTo(200);
        assertThat(ack.get("seq").asLong()).isPositive();
    }

    @Test
    void foreignUnknownAndUnfinishedUploadsAreRefusedAndNothingIsSent() {
        Device alice = users.newUserDevice("bad");
        Device bob = users.newUserDevice("bad2");
        Device mallory = users.newUserDevice("bad3");
        users.befriend(alice, bob);
        String bobs = media.uploaded(bob.accessToken(), "file", "bob.pdf", fixture("doc.pdf"), null).get("id").asString();
        String own = media.uploaded(alice.accessToken(), "file", "own.pdf", fixture("doc.pdf"), null).get("id").asString();
        WsClient wa = connect(alice);
        long conversationId = expect(wa.request(frame("type", "send", "to", bob.user().id(), "clientMsgId", "first" + System.nanoTime(),
                "text", "hi")), "ack").get("conversationId").asLong();

        refused(sendMedia(wa, "conversationId", conversationId, null, bobs), "media_not_found");
        refused(sendMedia(wa, "conversationId", conversationId, null, "AAAAAAAAAAAAAAAAAAAAAA"), "media_not_found");
        refused(sendMedia(wa, "conversationId", conversationId, null, own, "not-an-id"), "media_not_found");
        String open = media.create(alice.accessToken(), "file", "half.pdf", 1000, null).body().get("uploadId").asString();
        media.patch(alice.accessToken(), open, 0, new byte[500]);
        refused(sendMedia(wa, "conversationId", conversationId, null, open), "upload_incomplete");
        refused(sendMedia(wa, "conversationId", conversationId, null, own, own), "invalid_field");
        String[] eleven = new String[11];
        java.util.Arrays.fill(eleven, own);
        refused(sendMedia(wa, "conversationId", conversationId, null, eleven), "invalid_field");

        assertThat(Chat.historyAfter(wa, conversationId, 0)).hasSize(1); // only the text message
        assertThat(media.get("/api/v1/media/" + own, bob.accessToken()).code()).isEqualTo("media_not_found");
        // Mallory cannot make alice's media hers by naming it in a message to a friend of hers.
        Device friend = users.newUserDevice("bad4");
        users.befriend(mallory, friend);
        WsClient wm = connect(mallory);
        refused(sendMedia(wm, "to", friend.user().id(), null, own), "media_not_found");
        assertThat(media.get("/api/v1/media/" + own, friend.accessToken()).code()).isEqualTo("media_not_found");
    }

    @Test
    void aRecallTakesTheMembersAccessAwayAndAForwardCarriesItToTheNewConversation() {
        Device alice = users.newUserDevice("rc");
        Device bob = users.newUserDevice("rc2");
        Device carol = users.newUserDevice("rc3");
        users.befriend(alice, bob);
        users.befriend(bob, carol);
        String first = media.uploaded(alice.accessToken(), "image", "a.png", fixture("plain.png"), null).get("id").asString();
        String second = media.uploaded(alice.accessToken(), "image", "b.gif", fixture("animated.gif"), null).get("id").asString();
        WsClient wa = connect(alice);
        WsClient wb = connect(bob);
        JsonNode one = expect(sendMedia(wa, "to", bob.user().id(), null, first), "ack");
        JsonNode two = expect(sendMedia(wa, "to", bob.user().id(), null, second), "ack");
        long conversationId = one.get("conversationId").asLong();
        assertThat(media.get("/api/v1/media/" + first, bob.accessToken()).status()).isEqualTo(200);

        // Bob forwards the second to carol: carol may fetch it.
        expect(wb.request(frame("type", "send", "to", carol.user().id(), "clientMsgId", "fw" + System.nanoTime(),
                "forwardOf", two.get("messageId").asLong())), "ack");
        assertThat(media.get("/api/v1/media/" + second, carol.accessToken()).status()).isEqualTo(200);
        assertThat(media.get("/api/v1/media/" + first, carol.accessToken()).code()).isEqualTo("media_not_found");

        // Alice recalls the first: bob loses it, alice keeps it.
        expect(wa.request(frame("type", "recall", "conversationId", conversationId, "messageId", one.get("messageId").asLong())), "ack");
        assertThat(media.get("/api/v1/media/" + first, bob.accessToken()).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + first, alice.accessToken()).status()).isEqualTo(200);
        assertThat(media.get("/api/v1/media/" + second, bob.accessToken()).status()).isEqualTo(200);
    }
}
