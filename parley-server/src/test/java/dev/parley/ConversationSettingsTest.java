package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.awaitEntry;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.historyAfter;
import static dev.parley.testkit.Chat.ok;
import static dev.parley.testkit.Chat.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Per-user conversation settings (pin, mute, archive) and "delete for me": each user's own, synced to their other
 * devices live (account event) and through sync, invisible to everyone else.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class ConversationSettingsTest extends OnBothDatabases {

    @Test
    void pinMuteAndArchiveAreOwnSettingsSyncedToOtherDevices() {
        Device a = users.newUserDevice("st_a");
        Device aLaptop = users.login(a.user(), "laptop");
        Device b = users.newUserDevice("st_b");
        users.befriend(a, b);
        WsClient wa = connect(a);
        WsClient wl = connect(aLaptop);
        long id = ok(wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "st-1", "text", "hi"))).get("conversationId").asLong();
        String token = wl.request(frame("type", "sync")).get("token").asString();

        Api.Response pinned = api.patch("/api/v1/conversations/" + id + "/settings", a.accessToken(), Map.of("pinned", true));
        assertThat(pinned.status()).as(pinned.raw()).isEqualTo(200);
        assertThat(pinned.body().get("conversationId").asLong()).isEqualTo(id);
        assertThat(pinned.body().get("pinned").asBoolean()).isTrue();
        assertThat(pinned.body().get("muted").asBoolean()).isFalse();
        assertThat(pinned.body().get("archived").asBoolean()).isFalse();
        assertThat(pinned.body().get("clearedSeq").asLong()).isZero();
        JsonNode event = wl.await("event");
        assertThat(event.get("kind").asString()).isEqualTo("conversation_settings");
        assertThat(event.get("data")).isEqualTo(pinned.body());

        JsonNode both = api.patch("/api/v1/conversations/" + id + "/settings", a.accessToken(), Map.of("muted", true, "archived", true)).body();
        assertThat(both.get("pinned").asBoolean()).as("unchanged").isTrue();
        assertThat(both.get("muted").asBoolean()).isTrue();
        JsonNode s = Chat.summary(api, a, id).get("conversation");
        assertThat(s.get("pinned").asBoolean()).isTrue();
        assertThat(s.get("muted").asBoolean()).isTrue();
        assertThat(s.get("archived").asBoolean()).isTrue();
        JsonNode theirs = Chat.summary(api, b, id).get("conversation");
        assertThat(theirs.has("pinned") || theirs.has("muted") || theirs.has("archived")).as("b's settings are b's").isFalse();
        api.patch("/api/v1/conversations/" + id + "/settings", a.accessToken(), Map.of("pinned", false, "archived", false));
        JsonNode after = Chat.summary(api, a, id).get("conversation");
        assertThat(after.has("pinned")).isFalse();
        assertThat(after.has("archived")).isFalse();
        assertThat(after.get("muted").asBoolean()).isTrue();

        // A device that was away replays the changes in order through sync.
        JsonNode sync = wl.request(frame("type", "sync", "token", token));
        assertThat(sync.get("events")).extracting(e -> e.get("kind").asString())
                .containsExactly("conversation_settings", "conversation_settings", "conversation_settings");
        assertThat(sync.get("events").get(2).get("data").get("muted").asBoolean()).isTrue();
        assertThat(sync.get("events").get(2).get("data").get("pinned").asBoolean()).isFalse();

        assertError(api.patch("/api/v1/conversations/" + id + "/settings", a.accessToken(), Map.of("pinned", "yes")), 400, "invalid_field");
        Device stranger = users.newUserDevice("st_stranger");
        assertError(api.patch("/api/v1/conversations/" + id + "/settings", stranger.accessToken(), Map.of("pinned", true)), 404,
                "conversation_not_found");
        assertError(api.post("/api/v1/conversations/" + id + "/clear", stranger.accessToken(), null), 404, "conversation_not_found");
        assertError(api.patch("/api/v1/conversations/987654321/settings", a.accessToken(), Map.of("pinned", true)), 404, "conversation_not_found");
    }

    @Test
    void deleteForMeHidesTheHistoryUntilANewEntryBringsTheConversationBack() {
        Device a = users.newUserDevice("cl_a");
        Device b = users.newUserDevice("cl_b");
        Device bLaptop = users.login(b.user(), "laptop");
        users.befriend(a, b);
        WsClient wa = connect(a);
        WsClient wb = connect(b);
        WsClient wl = connect(bLaptop);
        long id = ok(wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", "cl-1", "text", "one"))).get("conversationId").asLong();
        send(wa, id, "two");
        send(wa, id, "three");

        JsonNode cleared = api.post("/api/v1/conversations/" + id + "/clear", b.accessToken(), null).body();
        assertThat(cleared.get("clearedSeq").asLong()).isEqualTo(3);
        JsonNode event = wl.await("event");
        assertThat(event.get("kind").asString()).isEqualTo("conversation_settings");
        assertThat(event.get("data").get("clearedSeq").asLong()).isEqualTo(3);
        assertThat(Chat.summary(api, b, id)).as("gone from b's list").isNull();
        assertThat(wb.request(frame("type", "sync")).get("conversations")).isEmpty();
        JsonNode latest = wb.request(frame("type", "history", "conversationId", id));
        assertThat(latest.get("messages")).isEmpty();
        assertThat(latest.get("hasMore").asBoolean()).isFalse();
        assertThat(historyAfter(wb, id, 0)).isEmpty();
        assertThat(wb.request(frame("type", "history", "conversationId", id, "around", 2)).get("messages")).isEmpty();
        // a still has everything.
        assertThat(historyAfter(wa, id, 0)).hasSize(3);
        assertThat(Chat.summary(api, a, id)).isNotNull();

        send(wa, id, "four");
        awaitEntry(wb, id, "text");
        JsonNode back = Chat.summary(api, b, id);
        assertThat(back).isNotNull();
        assertThat(back.get("conversation").get("clearedSeq").asLong()).isEqualTo(3);
        assertThat(back.get("conversation").get("unread").asLong()).isEqualTo(1);
        assertThat(back.get("lastMessage").get("text").asString()).isEqualTo("four");
        assertThat(historyAfter(wb, id, 0)).extracting(n -> n.get("text").asString()).containsExactly("four");
        JsonNode page = wb.request(frame("type", "history", "conversationId", id, "before", 4));
        assertThat(page.get("messages")).isEmpty();
        // Replying to or forwarding a hidden message is refused as not found.
        Chat.refused(wb.request(frame("type", "send", "conversationId", id, "clientMsgId", "cl-2", "text", "re", "replyTo",
                historyAfter(wa, id, 0).get(0).get("id").asLong())), "message_not_found");
    }

    @Test
    void aFormerMemberCanDeleteTheGroupFromTheirList() {
        Device owner = users.newUserDevice("cg_owner");
        Device ann = users.newUserDevice("cg_ann");
        long id = Chat.group(users, owner, "Left behind", ann);
        api.post("/api/v1/groups/" + id + "/leave", ann.accessToken(), null);
        assertThat(Chat.summary(api, ann, id).get("conversation").get("left").asBoolean()).isTrue();
        assertThat(api.post("/api/v1/conversations/" + id + "/clear", ann.accessToken(), null).status()).isEqualTo(200);
        assertThat(Chat.summary(api, ann, id)).isNull();
        // Nothing new ever comes back to a former member.
        WsClient wo = connect(owner);
        send(wo, id, "still here");
        assertThat(Chat.summary(api, ann, id)).isNull();
    }
}
