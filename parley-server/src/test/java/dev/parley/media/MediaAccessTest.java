package dev.parley.media;

import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.platform.Db;
import dev.parley.testkit.MediaClient;
import dev.parley.testkit.OnDatabasesAndStores;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

/**
 * Who may fetch media, on both databases and both stores: the uploader, and the members of a conversation a message
 * carrying it was sent to (while they can see that entry); everyone else gets {@code media_not_found}, the same
 * answer as for an id that does not exist. The references are recorded by {@link MediaAttachments}, the point where
 * sending a message attaches media.
 */
@ParameterizedClass
@MethodSource("dev.parley.testkit.OnDatabasesAndStores#all")
class MediaAccessTest extends OnDatabasesAndStores {

    /** A direct message from {@code from} to {@code to}: conversation id, message id, seq. */
    private long[] message(Device from, Device to) {
        WsClient ws = connect(from);
        JsonNode ack = ws.request(Map.of("type", "send", "to", to.user().id(), "clientMsgId", "m" + System.nanoTime(), "text", "look"));
        assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
        return new long[] {ack.get("conversationId").asLong(), ack.get("messageId").asLong(), ack.get("seq").asLong()};
    }

    private List<MediaView> attach(Device sender, long[] msg, String... ids) {
        MediaAttachments attachments = server.bean(MediaAttachments.class);
        return server.bean(Db.class).write(tx -> attachments.attach(tx, sender.user().id(), msg[0], msg[1], msg[2], List.of(ids)));
    }

    @Test
    void membersOfTheConversationMayFetchAttachedMediaAndNobodyElse() {
        Device alice = users.newUserDevice("acc");
        Device bob = users.newUserDevice("acc2");
        Device carol = users.newUserDevice("acc3");
        users.befriend(alice, bob);
        JsonNode m = media.uploaded(alice.accessToken(), "image", "p.png", MediaClient.fixture("plain.png"), null);
        String id = m.get("id").asString();
        String path = "/api/v1/media/" + id;

        // Before it is sent, only alice sees it.
        assertThat(media.get(path, alice.accessToken()).status()).isEqualTo(200);
        assertThat(media.get(path, bob.accessToken()).code()).isEqualTo("media_not_found");

        long[] msg = message(alice, bob);
        List<MediaView> views = attach(alice, msg, id);
        assertThat(views).hasSize(1);
        assertThat(views.get(0).id()).isEqualTo(id);
        assertThat(views.get(0).width()).isEqualTo(40);

        for (String variant : List.of("", "/thumbnail")) {
            MediaClient.Bytes b = media.get(path + variant, bob.accessToken());
            assertThat(b.status()).as(variant).isEqualTo(200);
            MediaClient.Bytes c = media.get(path + variant, carol.accessToken());
            assertThat(c.status()).as(variant).isEqualTo(404);
            assertThat(c.code()).isEqualTo("media_not_found");
        }
        JsonNode urls = media.get(path + "/url", bob.accessToken()).json();
        assertThat(media.get(urls.get("url").asString(), null).status()).isEqualTo(200);
        assertThat(media.get(path + "/url", carol.accessToken()).code()).isEqualTo("media_not_found");

        // Bob may forward what he can see (views check without recording); carol may not.
        MediaAttachments attachments = server.bean(MediaAttachments.class);
        List<MediaView> forwardable = server.bean(Db.class).read(tx -> attachments.views(tx, bob.user().id(), List.of(id)));
        assertThat(forwardable).hasSize(1);
    }

    @Test
    void aRecalledMessageNoLongerGrantsAccess() {
        Device alice = users.newUserDevice("recall");
        Device bob = users.newUserDevice("recall2");
        users.befriend(alice, bob);
        String id = media.uploaded(alice.accessToken(), "file", "f.txt", MediaUploadTest.text(500, 31), null).get("id").asString();
        long[] msg = message(alice, bob);
        attach(alice, msg, id);
        assertThat(media.get("/api/v1/media/" + id, bob.accessToken()).status()).isEqualTo(200);

        MediaAttachments attachments = server.bean(MediaAttachments.class);
        server.bean(Db.class).write(tx -> {
            attachments.release(tx, msg[1]);
            return null;
        });
        assertThat(media.get("/api/v1/media/" + id, bob.accessToken()).code()).isEqualTo("media_not_found");
        // The uploader keeps it (and its bytes stay).
        assertThat(media.get("/api/v1/media/" + id, alice.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void aMemberWhoLeftKeepsOnlyWhatTheyCouldSeeAndADeleteForMeHidesIt() {
        Device alice = users.newUserDevice("left");
        Device bob = users.newUserDevice("left2");
        users.befriend(alice, bob);
        String early = media.uploaded(alice.accessToken(), "file", "1.txt", MediaUploadTest.text(500, 32), null).get("id").asString();
        String late = media.uploaded(alice.accessToken(), "file", "2.txt", MediaUploadTest.text(500, 33), null).get("id").asString();
        long[] first = message(alice, bob);
        attach(alice, first, early);
        long[] second = message(alice, bob);
        attach(alice, second, late);
        Db db = server.bean(Db.class);
        // Bob's membership ended at the first message (left_seq, as groups record it).
        db.write(tx -> tx.update("UPDATE conversation_members SET left_seq = ? WHERE conversation_id = ? AND user_id = ?",
                first[2], first[0], bob.user().id()));
        assertThat(media.get("/api/v1/media/" + early, bob.accessToken()).status()).isEqualTo(200);
        assertThat(media.get("/api/v1/media/" + late, bob.accessToken()).code()).isEqualTo("media_not_found");
        // Delete for me up to the first message hides that one too.
        db.write(tx -> tx.update("UPDATE conversation_members SET cleared_seq = ? WHERE conversation_id = ? AND user_id = ?",
                first[2], first[0], bob.user().id()));
        assertThat(media.get("/api/v1/media/" + early, bob.accessToken()).code()).isEqualTo("media_not_found");
        assertThat(media.get("/api/v1/media/" + early, alice.accessToken()).status()).isEqualTo(200);
    }

    @Test
    void idsAreLongAndRandom() {
        Device alice = users.newUserDevice("ids");
        String a = media.uploaded(alice.accessToken(), "file", "a.txt", MediaUploadTest.text(100, 34), null).get("id").asString();
        String b = media.uploaded(alice.accessToken(), "file", "b.txt", MediaUploadTest.text(100, 34), null).get("id").asString();
        // 22 base64url characters: 128 random bits; the same bytes uploaded twice still get unrelated ids.
        assertThat(a).matches("[A-Za-z0-9_-]{22}");
        assertThat(b).matches("[A-Za-z0-9_-]{22}").isNotEqualTo(a);
        int common = 0;
        while (common < a.length() && a.charAt(common) == b.charAt(common)) common++;
        assertThat(common).isLessThan(8);
    }
}
