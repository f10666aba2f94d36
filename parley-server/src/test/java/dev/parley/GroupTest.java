package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.awaitSystem;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.historyAfter;
import static dev.parley.testkit.Chat.refused;
import static dev.parley.testkit.Chat.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.TestDb;
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
 * Groups over real HTTP and WebSockets: creation among friends, membership changes as system entries in sequence
 * for every member and device (offline ones included), roles, ownership transfer, invite links, mutes, dissolving,
 * and what a member who left may still see.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class GroupTest extends OnBothDatabases {

    @Test
    void aGroupIsCreatedAmongFriendsAndEveryMemberSeesItsFirstEntry() {
        Device owner = users.newUserDevice("g_owner");
        Device ann = users.newUserDevice("g_ann");
        Device ben = users.newUserDevice("g_ben");
        users.befriend(owner, ann);
        users.befriend(owner, ben);
        WsClient wa = connect(ann);
        WsClient wo = connect(owner);

        Api.Response created = api.post("/api/v1/groups", owner.accessToken(),
                Map.of("name", "Climbing 🧗", "memberIds", List.of(ann.user().id(), ben.user().id(), owner.user().id())));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        JsonNode g = created.body();
        long id = g.get("id").asLong();
        assertThat(g.get("name").asString()).isEqualTo("Climbing 🧗");
        assertThat(g.get("ownerId").asLong()).isEqualTo(owner.user().id());
        assertThat(g.get("memberCount").asLong()).isEqualTo(3);
        assertThat(g.get("allMuted").asBoolean()).isFalse();
        assertThat(g.get("role").asString()).isEqualTo("owner");
        assertThat(g.has("announcement")).isFalse();
        assertThat(g.has("mutedUntil")).isFalse();
        assertThat(g.get("createdAt").asLong()).isPositive();

        for (WsClient ws : List.of(wa, wo)) {
            JsonNode e = awaitSystem(ws, id, "created");
            assertThat(e.get("seq").asLong()).isEqualTo(1);
            assertThat(e.get("senderId").asLong()).isEqualTo(owner.user().id());
            assertThat(e.get("system").get("name").asString()).isEqualTo("Climbing 🧗");
            assertThat(e.get("system").get("userIds")).extracting(JsonNode::asLong)
                    .containsExactlyInAnyOrder(ann.user().id(), ben.user().id());
            assertThat(e.has("text")).isFalse();
            assertThat(e.has("clientMsgId")).isFalse();
        }

        JsonNode seen = api.get("/api/v1/groups/" + id, ann.accessToken()).body();
        assertThat(seen.get("role").asString()).isEqualTo("member");
        assertThat(seen.get("name").asString()).isEqualTo("Climbing 🧗");
        JsonNode members = api.get("/api/v1/groups/" + id + "/members", ben.accessToken()).body();
        assertThat(members.get("members")).hasSize(3);
        assertThat(members.has("next")).isFalse();
        assertThat(members.get("members").get(0).get("user").get("username").asString()).isNotBlank();
        List<String> roles = new ArrayList<>();
        members.get("members").forEach(m -> roles.add(m.get("role").asString()));
        assertThat(roles).containsExactlyInAnyOrder("owner", "member", "member");

        // The conversation list and sync show it as a group.
        JsonNode listed = Chat.summary(api, ben, id);
        assertThat(listed).isNotNull();
        assertThat(listed.get("conversation").get("kind").asString()).isEqualTo("group");
        assertThat(listed.get("conversation").get("group").get("name").asString()).isEqualTo("Climbing 🧗");
        assertThat(listed.get("conversation").has("peer")).isFalse();
        assertThat(listed.get("conversation").get("unread").asLong()).isZero();
        assertThat(listed.get("lastMessage").get("kind").asString()).isEqualTo("system");
        JsonNode sync = wa.request(frame("type", "sync"));
        assertThat(sync.get("conversations").toString()).contains("\"kind\":\"group\"");

        // Messages go to every member; the conversation is stored once whatever the number of members.
        send(wo, id, "hello all");
        assertThat(Chat.awaitEntry(wa, id, "text").get("text").asString()).isEqualTo("hello all");
        assertThat(TestDb.query(server, "SELECT COUNT(*) FROM messages WHERE conversation_id = ?", id).get(0).get(0).toString()).isEqualTo("2");
        assertThat(Chat.summary(api, ann, id).get("conversation").get("unread").asLong()).isEqualTo(1);
    }

    @Test
    void onlyFriendsCanBeMembersAndTheNameIsChecked() {
        Device owner = users.newUserDevice("gf_owner");
        Device friend = users.newUserDevice("gf_friend");
        Device stranger = users.newUserDevice("gf_stranger");
        users.befriend(owner, friend);
        assertError(api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "x", "memberIds", List.of(friend.user().id(), stranger.user().id()))),
                403, "not_friends");
        assertError(api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "x", "memberIds", List.of(987_654_321L))), 403, "not_friends");
        assertError(api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "   ", "memberIds", List.of())), 400, "invalid_field");
        assertError(api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "n".repeat(65), "memberIds", List.of())), 400, "invalid_field");
        assertError(api.post("/api/v1/groups", owner.accessToken(), Map.of("memberIds", List.of())), 400, "invalid_field");
        assertError(api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "x", "memberIds", List.of(-3))), 400, "invalid_field");
        assertError(api.post("/api/v1/groups", null, Map.of("name", "x", "memberIds", List.of())), 401, "unauthorized");
        // 64 characters fit, outside the BMP too; nothing was created by the refusals.
        Api.Response ok = api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "😀".repeat(64), "memberIds", List.of(friend.user().id())));
        assertThat(ok.status()).as(ok.raw()).isEqualTo(201);
        assertThat(api.get("/api/v1/conversations", owner.accessToken()).body()).hasSize(1);
    }

    @Test
    void membershipChangesAreEntriesInSequenceForEveryDeviceAndOfflineDevicesCatchUpExactlyOnce() {
        Device owner = users.newUserDevice("gs_owner");
        Device ann = users.newUserDevice("gs_ann");
        Device annLaptop = users.login(ann.user(), "ann-laptop");
        Device ben = users.newUserDevice("gs_ben");
        Device cid = users.newUserDevice("gs_cid");
        users.befriend(owner, cid);
        long id = Chat.group(users, owner, "Seq", ann, ben);
        WsClient wo = connect(owner);
        WsClient phone = connect(ann);
        WsClient laptop = connect(annLaptop);
        // ben is offline the whole time.

        send(wo, id, "one");                                                                        // 2
        assertThat(api.patch("/api/v1/groups/" + id, owner.accessToken(), Map.of("name", "Seq 2")).status()).isEqualTo(200); // 3
        assertThat(api.patch("/api/v1/groups/" + id, owner.accessToken(), Map.of("announcement", "Be nice")).status()).isEqualTo(200); // 4
        assertThat(api.post("/api/v1/groups/" + id + "/members", owner.accessToken(), Map.of("userIds", List.of(cid.user().id()))).status())
                .isEqualTo(200);                                                                    // 5
        send(phone, id, "two");                                                                     // 6
        assertThat(api.put("/api/v1/groups/" + id + "/members/" + ann.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"))
                .status()).isEqualTo(200);                                                          // 7
        assertThat(api.patch("/api/v1/groups/" + id, owner.accessToken(), Map.of("allMuted", true)).status()).isEqualTo(200); // 8
        assertThat(api.patch("/api/v1/groups/" + id, owner.accessToken(), Map.of("allMuted", false, "announcement", "")).status())
                .isEqualTo(200);                                                                    // 9 announcement cleared, 10 all_unmuted
        assertThat(api.delete("/api/v1/groups/" + id + "/members/" + cid.user().id(), owner.accessToken()).status()).isEqualTo(204); // 11
        send(wo, id, "three");                                                                      // 12

        List<String> expected = List.of("system:created", "text", "system:renamed", "system:announcement", "system:members_added", "text",
                "system:role_changed", "system:all_muted", "system:announcement", "system:all_unmuted", "system:member_removed", "text");
        // Both of ann's devices got every entry live, once, in order (the phone has its own message as an ack).
        laptop.await(n -> "message".equals(WsClient.text(n, "type")) && n.get("seq").asLong() == 12, "seq 12");
        // (Seq 1, "created", was pushed off the creating request's thread: these connections, opened just after, may have it.)
        assertThat(Chat.pushed(laptop, id).stream().map(n -> n.get("seq").asLong()).filter(seq -> seq > 1).toList())
                .containsExactly(2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        phone.await(n -> "message".equals(WsClient.text(n, "type")) && n.get("seq").asLong() == 12, "seq 12");
        assertThat(Chat.pushed(phone, id).stream().map(n -> n.get("seq").asLong()).filter(seq -> seq > 1).toList())
                .containsExactly(2L, 3L, 4L, 5L, 7L, 8L, 9L, 10L, 11L, 12L);

        // Ben was offline: one sync and one history pull give him all of it, exactly once and in order.
        WsClient wb = connect(ben);
        JsonNode sync = wb.request(frame("type", "sync"));
        JsonNode conv = null;
        for (JsonNode c : sync.get("conversations")) if (c.get("id").asLong() == id) conv = c;
        assertThat(conv).isNotNull();
        assertThat(conv.get("lastSeq").asLong()).isEqualTo(12);
        assertThat(conv.get("unread").asLong()).as("only the three messages of others count").isEqualTo(3);
        assertThat(conv.get("group").get("name").asString()).isEqualTo("Seq 2");
        List<JsonNode> all = historyAfter(wb, id, 0);
        assertThat(all.stream().map(GroupTest::label).toList()).containsExactlyElementsOf(expected);
        assertThat(all.stream().map(n -> n.get("seq").asLong()).toList()).containsExactly(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L, 11L, 12L);
        assertThat(all.get(2).get("system").get("name").asString()).isEqualTo("Seq 2");
        assertThat(all.get(3).get("system").get("announcement").asString()).isEqualTo("Be nice");
        assertThat(all.get(4).get("system").get("userIds").get(0).asLong()).isEqualTo(cid.user().id());
        assertThat(all.get(6).get("system").get("userId").asLong()).isEqualTo(ann.user().id());
        assertThat(all.get(6).get("system").get("role").asString()).isEqualTo("admin");
        assertThat(all.get(8).get("system").has("announcement")).as("cleared").isFalse();
        assertThat(all.get(10).get("system").get("userId").asLong()).isEqualTo(cid.user().id());
        assertThat(all.get(10).get("senderId").asLong()).isEqualTo(owner.user().id());
        // A second pull from where he is returns nothing more.
        assertThat(historyAfter(wb, id, 12)).isEmpty();

        JsonNode view = api.get("/api/v1/groups/" + id, ben.accessToken()).body();
        assertThat(view.get("name").asString()).isEqualTo("Seq 2");
        assertThat(view.has("announcement")).isFalse();
        assertThat(view.get("memberCount").asLong()).isEqualTo(3);
    }

    @Test
    void aNewMemberSeesTheGroupFromTheEntryThatAddedThem() {
        Device owner = users.newUserDevice("gn_owner");
        Device ann = users.newUserDevice("gn_ann");
        Device late = users.newUserDevice("gn_late");
        users.befriend(owner, late);
        long id = Chat.group(users, owner, "Before", ann);
        WsClient wo = connect(owner);
        send(wo, id, "before you came");
        api.post("/api/v1/groups/" + id + "/members", owner.accessToken(), Map.of("userIds", List.of(late.user().id())));
        send(wo, id, "welcome");
        WsClient wl = connect(late);
        List<JsonNode> seen = historyAfter(wl, id, 0);
        assertThat(seen.stream().map(GroupTest::label).toList()).containsExactly("system:members_added", "text");
        assertThat(seen.get(0).get("seq").asLong()).isEqualTo(3);
        JsonNode latest = wl.request(frame("type", "history", "conversationId", id));
        assertThat(latest.get("messages")).hasSize(2);
        assertThat(latest.get("hasMore").asBoolean()).isFalse();
        JsonNode s = Chat.summary(api, late, id).get("conversation");
        assertThat(s.get("unread").asLong()).isEqualTo(1);
        assertThat(s.get("clearedSeq").asLong()).isEqualTo(2);
    }

    @Test
    void aRemovedMemberGetsNothingAfterTheRemovalAndCannotReadNewerHistory() {
        Device owner = users.newUserDevice("gr_owner");
        Device ann = users.newUserDevice("gr_ann");
        Device gone = users.newUserDevice("gr_gone");
        long id = Chat.group(users, owner, "Removal", ann, gone);
        WsClient wo = connect(owner);
        WsClient wa = connect(ann);
        WsClient wg = connect(gone);
        long m2 = send(wo, id, "you can still see this").get("messageId").asLong();
        Chat.awaitEntry(wg, id, "text");

        assertThat(api.delete("/api/v1/groups/" + id + "/members/" + gone.user().id(), owner.accessToken()).status()).isEqualTo(204);
        JsonNode removal = awaitSystem(wg, id, "member_removed");
        assertThat(removal.get("seq").asLong()).isEqualTo(3);
        assertThat(removal.get("system").get("userId").asLong()).isEqualTo(gone.user().id());

        send(wo, id, "after you left");
        Chat.awaitEntry(wa, id, "text");
        ok(wo.request(frame("type", "react", "conversationId", id, "messageId", m2, "emoji", "👍")));
        ok(wo.request(frame("type", "edit", "conversationId", id, "messageId", m2, "text", "edited after you left")));
        api.patch("/api/v1/groups/" + id, owner.accessToken(), Map.of("name", "Secret name"));
        awaitSystem(wa, id, "renamed");
        ok(wa.request(frame("type", "typing", "conversationId", id)));
        Chat.settle();
        // (The "created" push may or may not have reached this connection, opened right after the group was made.)
        assertThat(Chat.pushed(wg, id).stream().map(n -> n.get("seq").asLong()).filter(seq -> seq > 1).toList()).containsExactly(2L, 3L);
        assertThat(wg.received("typing")).isEmpty();
        assertThat(wg.received().toString()).doesNotContain("Secret name", "after you left", "edited after you left");

        // History stops at the removal, whichever way it is asked.
        List<JsonNode> seen = historyAfter(wg, id, 0);
        assertThat(seen.stream().map(n -> n.get("seq").asLong()).toList()).containsExactly(1L, 2L, 3L);
        assertThat(seen.get(1).get("text").asString()).as("the message as it was").isEqualTo("you can still see this");
        assertThat(seen.get(1).has("editedAt")).as("edited only later").isFalse();
        assertThat(seen.get(1).has("reactions")).as("reacted to only later").isFalse();
        JsonNode latest = wg.request(frame("type", "history", "conversationId", id));
        assertThat(latest.get("lastSeq").asLong()).isEqualTo(3);
        assertThat(latest.get("messages")).hasSize(3);
        assertThat(wg.request(frame("type", "history", "conversationId", id, "after", 3)).get("messages")).isEmpty();
        assertThat(wg.request(frame("type", "history", "conversationId", id, "before", 100)).get("messages")).hasSize(3);
        assertThat(wg.request(frame("type", "history", "conversationId", id, "around", 5)).get("messages").toString())
                .doesNotContain("after you left");
        Api.Response rest = api.get("/api/v1/conversations/" + id + "/messages?after=0", gone.accessToken());
        assertThat(rest.body().get("messages")).hasSize(3);

        // Every action is refused as not_member; the summary is frozen and says so.
        refused(wg.request(frame("type", "send", "conversationId", id, "clientMsgId", "gr-1", "text", "let me back")), "not_member");
        refused(wg.request(frame("type", "react", "conversationId", id, "messageId", m2, "emoji", "👎")), "not_member");
        refused(wg.request(frame("type", "edit", "conversationId", id, "messageId", m2, "text", "x")), "not_member");
        refused(wg.request(frame("type", "recall", "conversationId", id, "messageId", m2)), "not_member");
        refused(wg.request(frame("type", "typing", "conversationId", id)), "not_member");
        assertThat(api.get("/api/v1/groups/" + id, gone.accessToken()).body().get("name").asString()).isEqualTo("Removal");
        assertError(api.get("/api/v1/groups/" + id + "/members", gone.accessToken()), 403, "not_member");
        assertError(api.post("/api/v1/groups/" + id + "/leave", gone.accessToken(), null), 403, "not_member");
        JsonNode s = Chat.summary(api, gone, id).get("conversation");
        assertThat(s.get("left").asBoolean()).isTrue();
        assertThat(s.get("lastSeq").asLong()).isEqualTo(3);
        assertThat(s.get("group").get("name").asString()).as("the name as they last saw it is not promised; it must not leak a later one")
                .isNotEqualTo("Secret name");
        // Reading up to where they may see still works.
        assertThat(wg.request(frame("type", "read", "conversationId", id, "seq", 99)).get("readSeq").asLong()).isEqualTo(3);
    }

    @Test
    void rolesAdminsAndOwnershipTransfer() {
        Device owner = users.newUserDevice("gt_owner");
        Device adm = users.newUserDevice("gt_admin");
        Device mem = users.newUserDevice("gt_member");
        Device other = users.newUserDevice("gt_other");
        users.befriend(adm, other);
        long id = Chat.group(users, owner, "Roles", adm, mem);
        String base = "/api/v1/groups/" + id;
        JsonNode promoted = api.put(base + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin")).body();
        assertThat(promoted.get("role").asString()).isEqualTo("admin");
        assertThat(promoted.get("user").get("id").asLong()).isEqualTo(adm.user().id());
        // Promoting again changes nothing and adds no entry.
        long before = lastSeq(owner, id);
        api.put(base + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        assertThat(lastSeq(owner, id)).isEqualTo(before);

        // An admin adds their own friends and removes members, but not admins or the owner.
        assertThat(api.post(base + "/members", adm.accessToken(), Map.of("userIds", List.of(other.user().id()))).status()).isEqualTo(200);
        assertThat(api.get(base, other.accessToken()).body().get("memberCount").asLong()).isEqualTo(4);
        assertError(api.delete(base + "/members/" + owner.user().id(), adm.accessToken()), 403, "not_owner");
        assertThat(api.delete(base + "/members/" + other.user().id(), adm.accessToken()).status()).isEqualTo(204);
        // Adding someone who already is a member changes nothing.
        before = lastSeq(owner, id);
        assertThat(api.post(base + "/members", owner.accessToken(), Map.of("userIds", List.of(mem.user().id()))).status()).isEqualTo(200);
        assertThat(lastSeq(owner, id)).isEqualTo(before);

        // The owner cannot leave while others remain; they transfer first and become an admin.
        assertError(api.post(base + "/leave", owner.accessToken(), null), 409, "owner_must_transfer");
        assertError(api.post(base + "/transfer", owner.accessToken(), Map.of("userId", other.user().id())), 403, "not_member");
        JsonNode moved = api.post(base + "/transfer", owner.accessToken(), Map.of("userId", mem.user().id())).body();
        assertThat(moved.get("ownerId").asLong()).isEqualTo(mem.user().id());
        assertThat(moved.get("role").asString()).isEqualTo("admin");
        assertThat(api.get(base, mem.accessToken()).body().get("role").asString()).isEqualTo("owner");
        assertError(api.post(base + "/transfer", owner.accessToken(), Map.of("userId", adm.user().id())), 403, "not_owner");
        assertError(api.put(base + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "member")), 403, "not_owner");
        assertThat(api.post(base + "/leave", owner.accessToken(), null).status()).isEqualTo(204);
        assertThat(api.get(base, mem.accessToken()).body().get("memberCount").asLong()).isEqualTo(2);

        WsClient wm = connect(mem);
        List<String> events = historyAfter(wm, id, 0).stream().map(GroupTest::label).toList();
        assertThat(events).containsExactly("system:created", "system:role_changed", "system:members_added", "system:member_removed",
                "system:owner_transferred", "system:member_left");
    }

    @Test
    void theLastMemberLeavingEndsTheGroup() {
        Device owner = users.newUserDevice("gl_owner");
        Device ann = users.newUserDevice("gl_ann");
        long id = Chat.group(users, owner, "Short", ann);
        assertThat(api.post("/api/v1/groups/" + id + "/leave", ann.accessToken(), null).status()).isEqualTo(204);
        assertThat(api.get("/api/v1/groups/" + id, owner.accessToken()).body().get("memberCount").asLong()).isEqualTo(1);
        String code = api.post("/api/v1/groups/" + id + "/invites", owner.accessToken(), null).body().get("code").asString();
        assertThat(api.post("/api/v1/groups/" + id + "/leave", owner.accessToken(), null).status()).isEqualTo(204);
        assertError(api.get("/api/v1/invites/" + code, ann.accessToken()), 404, "invite_invalid");
        JsonNode s = Chat.summary(api, owner, id).get("conversation");
        assertThat(s.get("left").asBoolean()).isTrue();
        assertThat(s.get("group").get("memberCount").asLong()).isZero();
    }

    @Test
    void inviteLinksAreMadeByAdminsRevokedAndJoined() {
        Device owner = users.newUserDevice("gi_owner");
        Device mem = users.newUserDevice("gi_member");
        Device joiner = users.newUserDevice("gi_joiner");
        Device late = users.newUserDevice("gi_late");
        long id = Chat.group(users, owner, "Open door", mem);
        String base = "/api/v1/groups/" + id;
        WsClient wm = connect(mem);

        assertError(api.post(base + "/invites", mem.accessToken(), null), 403, "not_admin");
        assertError(api.post(base + "/invites", joiner.accessToken(), null), 404, "group_not_found");
        assertError(api.post(base + "/invites", owner.accessToken(), Map.of("expiresInHours", 0)), 400, "invalid_field");
        Api.Response made = api.post(base + "/invites", owner.accessToken(), Map.of("expiresInHours", 24));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        String code = made.body().get("code").asString();
        assertThat(code).matches("[A-Za-z0-9_-]{22}");
        assertThat(made.body().get("groupId").asLong()).isEqualTo(id);
        assertThat(made.body().get("createdBy").asLong()).isEqualTo(owner.user().id());
        assertThat(made.body().get("expiresAt").asLong()).isGreaterThan(made.body().get("createdAt").asLong());
        String forever = api.post(base + "/invites", owner.accessToken(), null).body().get("code").asString();
        assertThat(api.get(base + "/invites", owner.accessToken()).body()).hasSize(2);
        assertError(api.get(base + "/invites", mem.accessToken()), 403, "not_admin");

        JsonNode preview = api.get("/api/v1/invites/" + code, joiner.accessToken()).body();
        assertThat(preview.get("code").asString()).isEqualTo(code);
        assertThat(preview.get("group").get("id").asLong()).isEqualTo(id);
        assertThat(preview.get("group").get("name").asString()).isEqualTo("Open door");
        assertThat(preview.get("group").get("memberCount").asLong()).isEqualTo(2);
        assertError(api.get("/api/v1/invites/" + code, null), 401, "unauthorized");

        JsonNode joined = api.post("/api/v1/invites/" + code + "/join", joiner.accessToken(), null).body();
        assertThat(joined.get("id").asLong()).isEqualTo(id);
        assertThat(joined.get("role").asString()).isEqualTo("member");
        assertThat(joined.get("memberCount").asLong()).isEqualTo(3);
        JsonNode entry = awaitSystem(wm, id, "member_joined");
        assertThat(entry.get("senderId").asLong()).isEqualTo(joiner.user().id());
        assertThat(entry.get("system").get("userId").asLong()).isEqualTo(joiner.user().id());
        // Joining again: already a member, nothing new.
        long before = lastSeq(owner, id);
        assertThat(api.post("/api/v1/invites/" + code + "/join", joiner.accessToken(), null).status()).isEqualTo(200);
        assertThat(lastSeq(owner, id)).isEqualTo(before);

        // Revoked: unknown to everyone; the other link still works.
        assertThat(api.delete(base + "/invites/" + code, owner.accessToken()).status()).isEqualTo(204);
        assertError(api.post("/api/v1/invites/" + code + "/join", late.accessToken(), null), 404, "invite_invalid");
        assertError(api.get("/api/v1/invites/" + code, late.accessToken()), 404, "invite_invalid");
        assertError(api.post("/api/v1/invites/nosuchcode/join", late.accessToken(), null), 404, "invite_invalid");
        assertError(api.post("/api/v1/invites/" + "x".repeat(40) + "/join", late.accessToken(), null), 404, "invite_invalid");
        assertError(api.delete(base + "/invites/nosuchcode", owner.accessToken()), 404, "invite_invalid");
        assertThat(api.get(base + "/invites", owner.accessToken()).body()).hasSize(1);
        assertThat(api.post("/api/v1/invites/" + forever + "/join", late.accessToken(), null).status()).isEqualTo(200);

        // An expired link is invalid too.
        String expiring = api.post(base + "/invites", owner.accessToken(), Map.of("expiresInHours", 1)).body().get("code").asString();
        TestDb.update(server, "UPDATE group_invites SET expires_at = ? WHERE code = ?", System.currentTimeMillis() - 1000, expiring);
        Device tooLate = users.newUserDevice("gi_toolate");
        assertError(api.post("/api/v1/invites/" + expiring + "/join", tooLate.accessToken(), null), 404, "invite_invalid");
    }

    @Test
    void mutedMembersAndMutedGroupsCannotSendButAdminsCan() {
        Device owner = users.newUserDevice("gm_owner");
        Device adm = users.newUserDevice("gm_admin");
        Device mem = users.newUserDevice("gm_member");
        long id = Chat.group(users, owner, "Quiet", adm, mem);
        String base = "/api/v1/groups/" + id;
        api.put(base + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        WsClient wm = connect(mem);
        WsClient wa = connect(adm);

        JsonNode muted = api.put(base + "/members/" + mem.user().id() + "/mute", adm.accessToken(), Map.of("minutes", 10)).body();
        assertThat(muted.get("mutedUntil").asLong()).isGreaterThan(System.currentTimeMillis() + 9 * 60_000);
        JsonNode e = awaitSystem(wm, id, "member_muted");
        assertThat(e.get("system").get("userId").asLong()).isEqualTo(mem.user().id());
        assertThat(e.get("system").get("until").asLong()).isEqualTo(muted.get("mutedUntil").asLong());
        assertThat(api.get(base, mem.accessToken()).body().get("mutedUntil").asLong()).isEqualTo(muted.get("mutedUntil").asLong());
        refused(wm.request(frame("type", "send", "conversationId", id, "clientMsgId", "gm-1", "text", "can I?")), "member_muted");
        // An admin cannot mute another admin or the owner; the owner can mute an admin.
        assertError(api.put(base + "/members/" + owner.user().id() + "/mute", adm.accessToken(), Map.of("minutes", 5)), 403, "not_owner");
        assertError(api.put(base + "/members/" + adm.user().id() + "/mute", mem.accessToken(), Map.of("minutes", 5)), 403, "not_admin");
        assertError(api.put(base + "/members/" + mem.user().id() + "/mute", adm.accessToken(), Map.of("minutes", 0)), 400, "invalid_field");
        assertError(api.put(base + "/members/" + mem.user().id() + "/mute", adm.accessToken(), Map.of("minutes", 525_601)), 400, "invalid_field");
        assertThat(api.delete(base + "/members/" + mem.user().id() + "/mute", adm.accessToken()).body().has("mutedUntil")).isFalse();
        awaitSystem(wm, id, "member_unmuted");
        send(wm, id, "free again");

        // The whole group muted: members cannot send, admins and the owner can.
        assertThat(api.patch(base, adm.accessToken(), Map.of("allMuted", true)).body().get("allMuted").asBoolean()).isTrue();
        awaitSystem(wm, id, "all_muted");
        refused(wm.request(frame("type", "send", "conversationId", id, "clientMsgId", "gm-2", "text", "hello?")), "group_muted");
        send(wa, id, "admins may speak");
        assertError(api.patch(base, mem.accessToken(), Map.of("allMuted", false)), 403, "not_admin");
        api.patch(base, owner.accessToken(), Map.of("allMuted", false));
        send(wm, id, "everyone may speak");
    }

    @Test
    void theOwnerDissolvesTheGroupAndEveryoneKeepsWhatTheySaw() {
        Device owner = users.newUserDevice("gd_owner");
        Device adm = users.newUserDevice("gd_admin");
        Device mem = users.newUserDevice("gd_member");
        long id = Chat.group(users, owner, "Ending", adm, mem);
        String base = "/api/v1/groups/" + id;
        api.put(base + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        String code = api.post(base + "/invites", owner.accessToken(), null).body().get("code").asString();
        WsClient wm = connect(mem);
        assertError(api.delete(base, adm.accessToken()), 403, "not_owner");
        assertError(api.delete(base, mem.accessToken()), 403, "not_owner");
        assertThat(api.delete(base, owner.accessToken()).status()).isEqualTo(204);
        JsonNode end = awaitSystem(wm, id, "dissolved");
        assertThat(end.get("seq").asLong()).isEqualTo(3);
        for (Device d : List.of(owner, adm, mem)) {
            JsonNode s = Chat.summary(api, d, id).get("conversation");
            assertThat(s.get("left").asBoolean()).isTrue();
            assertThat(s.get("lastSeq").asLong()).isEqualTo(3);
            assertThat(api.get(base, d.accessToken()).body().get("memberCount").asLong()).as("the group as it ended").isZero();
            assertError(api.get(base + "/members", d.accessToken()), 403, "not_member");
        }
        refused(wm.request(frame("type", "send", "conversationId", id, "clientMsgId", "gd-1", "text", "anyone?")), "not_member");
        assertThat(historyAfter(wm, id, 0)).hasSize(3);
        assertError(api.post("/api/v1/invites/" + code + "/join", users.newUserDevice("gd_new").accessToken(), null), 404, "invite_invalid");
        assertError(api.delete(base, owner.accessToken()), 403, "not_member");
    }

    private long lastSeq(Device d, long conversationId) {
        return Chat.summary(api, d, conversationId).get("conversation").get("lastSeq").asLong();
    }

    private static JsonNode ok(JsonNode reply) {
        return Chat.ok(reply);
    }

    static String label(JsonNode entry) {
        String kind = entry.get("kind").asString();
        return "system".equals(kind) ? "system:" + entry.get("system").get("event").asString() : kind;
    }
}
