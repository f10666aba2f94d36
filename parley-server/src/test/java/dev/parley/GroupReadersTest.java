package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Who read a message, as the readers endpoint tells it: only current members ask, only members present when the
 * message was sent count, names come by user id; and what a former member still sees of the group.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class GroupReadersTest extends OnBothDatabases {

    @Test
    void aFormerMemberCannotReadTheGroupsMembershipThroughReaders() {
        Device owner = users.newUserDevice("rr_owner");
        Device ann = users.newUserDevice("rr_ann");
        Device gone = users.newUserDevice("rr_gone");
        long id = Chat.group(users, owner, "Readers", ann, gone);
        WsClient wo = connect(owner);
        long mid = send(wo, id, "seen by who?").get("messageId").asLong();
        String readers = "/api/v1/conversations/" + id + "/messages/" + mid + "/readers";
        assertThat(api.get(readers, gone.accessToken()).status()).isEqualTo(200);

        assertThat(api.delete("/api/v1/groups/" + id + "/members/" + gone.user().id(), owner.accessToken()).status()).isEqualTo(204);
        // Members who come later, and who read, must not be learnt by the one who was removed.
        Device later = users.newUserDevice("rr_later");
        users.befriend(owner, later);
        api.post("/api/v1/groups/" + id + "/members", owner.accessToken(), Map.of("userIds", List.of(later.user().id())));
        connect(ann).request(frame("type", "read", "conversationId", id, "seq", 99));

        assertError(api.get(readers, gone.accessToken()), 403, "not_member");
        assertError(api.get(readers, users.newUserDevice("rr_stranger").accessToken()), 404, "conversation_not_found");
        assertThat(api.get(readers, ann.accessToken()).body().get("readCount").asLong()).isEqualTo(1);
    }

    @Test
    void onlyMembersPresentWhenAMessageWasSentCountAsItsReaders() {
        Device owner = users.newUserDevice("rp_owner");
        Device ann = users.newUserDevice("rp_ann");
        Device ben = users.newUserDevice("rp_ben");
        long id = Chat.group(users, owner, "Present", ann, ben);
        WsClient wo = connect(owner);
        JsonNode old = send(wo, id, "before you came");
        connect(ann).request(frame("type", "read", "conversationId", id, "seq", old.get("seq").asLong()));

        // A newcomer starts with their cursors just below the entry that added them, past the old message.
        Device cat = users.newUserDevice("rp_cat");
        users.befriend(owner, cat);
        assertThat(api.post("/api/v1/groups/" + id + "/members", owner.accessToken(), Map.of("userIds", List.of(cat.user().id()))).status())
                .isEqualTo(200);
        JsonNode readers = api.get("/api/v1/conversations/" + id + "/messages/" + old.get("messageId").asLong() + "/readers",
                ann.accessToken()).body();
        assertThat(readers.get("memberCount").asLong()).as("ann and ben were there; cat was not").isEqualTo(2);
        assertThat(readers.get("readCount").asLong()).isEqualTo(1);
        assertThat(readers.get("readers")).extracting(n -> n.get("id").asLong()).containsExactly(ann.user().id());

        // A later message counts cat.
        JsonNode fresh = send(wo, id, "now you are here");
        connect(cat).request(frame("type", "read", "conversationId", id, "seq", fresh.get("seq").asLong()));
        JsonNode now = api.get("/api/v1/conversations/" + id + "/messages/" + fresh.get("messageId").asLong() + "/readers",
                cat.accessToken()).body();
        assertThat(now.get("memberCount").asLong()).isEqualTo(3);
        assertThat(now.get("readers")).extracting(n -> n.get("id").asLong()).containsExactly(cat.user().id());

        // Someone who left and came back is a newcomer again.
        assertThat(api.post("/api/v1/groups/" + id + "/leave", ben.accessToken(), null).status()).isEqualTo(204);
        api.post("/api/v1/groups/" + id + "/members", owner.accessToken(), Map.of("userIds", List.of(ben.user().id())));
        assertThat(api.get("/api/v1/conversations/" + id + "/messages/" + fresh.get("messageId").asLong() + "/readers",
                ann.accessToken()).body().get("memberCount").asLong()).isEqualTo(2);
    }

    @Test
    void readersAreOrderedByUserIdOnBothDatabases() {
        Device owner = users.newUserDevice("ro_owner");
        List<Device> members = new ArrayList<>();
        for (int i = 0; i < 24; i++) members.add(users.newUserDevice("ro_" + i));
        long id = Chat.group(users, owner, "Order", members.toArray(Device[]::new));
        JsonNode ack = send(connect(owner), id, "read me");
        for (Device d : members) connect(d).request(frame("type", "read", "conversationId", id, "seq", ack.get("seq").asLong()));
        // Rewriting the users' rows, lowest ids first, leaves them in the table in another order than their ids
        // (PostgreSQL writes a new row version at the end): the order a scan finds them in is not the order asked for.
        List<Device> byId = members.stream().sorted(Comparator.comparingLong(d -> d.user().id())).toList();
        for (int round = 0; round < 2; round++) {
            for (Device d : byId.subList(0, 8)) {
                Api.Response r = api.patch("/api/v1/me", d.accessToken(), Map.of("displayName", "renamed " + round));
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
            }
        }
        JsonNode readers = api.get("/api/v1/conversations/" + id + "/messages/" + ack.get("messageId").asLong() + "/readers",
                owner.accessToken()).body();
        assertThat(readers.get("readers")).extracting(n -> n.get("id").asLong())
                .containsExactlyElementsOf(byId.stream().map(d -> d.user().id()).toList());
    }

    @Test
    void aFormerMemberSeesTheGroupAsItWasAndNothingLater() {
        Device owner = users.newUserDevice("rf_owner");
        Device ann = users.newUserDevice("rf_ann");
        Device gone = users.newUserDevice("rf_gone");
        long id = Chat.group(users, owner, "As it was", ann, gone);
        String base = "/api/v1/groups/" + id;
        api.patch(base, owner.accessToken(), Map.of("announcement", "before"));
        assertThat(api.delete(base + "/members/" + gone.user().id(), owner.accessToken()).status()).isEqualTo(204);
        api.patch(base, owner.accessToken(), Map.of("name", "Renamed later", "announcement", "after", "allMuted", true));
        Device later = users.newUserDevice("rf_later");
        users.befriend(owner, later);
        api.post(base + "/members", owner.accessToken(), Map.of("userIds", List.of(later.user().id())));

        Api.Response seen = api.get(base, gone.accessToken());
        assertThat(seen.status()).as(seen.raw()).isEqualTo(200);
        assertThat(seen.body().get("name").asString()).isEqualTo("As it was");
        assertThat(seen.body().get("announcement").asString()).isEqualTo("before");
        assertThat(seen.body().get("memberCount").asLong()).as("as it was after their removal").isEqualTo(2);
        assertThat(seen.body().get("allMuted").asBoolean()).isFalse();
        assertThat(seen.raw()).doesNotContain("Renamed later", "after");
        // The same as their conversation summary shows.
        assertThat(Chat.summary(api, gone, id).get("conversation").get("group")).isEqualTo(seen.body());

        // Everything else stays closed to them.
        assertError(api.get(base + "/members", gone.accessToken()), 403, "not_member");
        assertError(api.get(base + "/invites", gone.accessToken()), 403, "not_member");
        assertError(api.get(base, users.newUserDevice("rf_stranger").accessToken()), 404, "group_not_found");
        assertThat(api.get(base, ann.accessToken()).body().get("name").asString()).isEqualTo("Renamed later");
    }
}
