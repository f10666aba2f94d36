package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.TestDb;
import dev.parley.testkit.Users;
import dev.parley.testkit.Users.Device;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Who may do what in a group, and the documented error for everyone else: members are not admins, admins are not
 * the owner, strangers learn nothing (group_not_found), former members are told they are not members. Bad values
 * are invalid_field. Nothing a refused request asked for happens. And the default size limit.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class GroupPermissionTest extends OnBothDatabases {

    /** A group with an owner, an admin, a member, a former member, and a stranger who never was in it. */
    record Cast(long id, Device owner, Device admin, Device member, Device former, Device stranger, Device friendOfAll) {
        String base() { return "/api/v1/groups/" + id; }
    }

    private Cast cast(String prefix) {
        Device owner = users.newUserDevice(prefix + "_owner");
        Device admin = users.newUserDevice(prefix + "_admin");
        Device member = users.newUserDevice(prefix + "_member");
        Device former = users.newUserDevice(prefix + "_former");
        Device stranger = users.newUserDevice(prefix + "_stranger");
        Device friendOfAll = users.newUserDevice(prefix + "_friend");
        for (Device d : List.of(owner, admin, member, former, stranger)) users.befriend(d, friendOfAll);
        long id = Chat.group(users, owner, "Permissions", admin, member, former);
        assertThat(api.put("/api/v1/groups/" + id + "/members/" + admin.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"))
                .status()).isEqualTo(200);
        assertThat(api.post("/api/v1/groups/" + id + "/leave", former.accessToken(), null).status()).isEqualTo(204);
        return new Cast(id, owner, admin, member, former, stranger, friendOfAll);
    }

    @Test
    void adminActionsAreRefusedToMembersFormerMembersAndStrangers() {
        Cast c = cast("pa");
        String target = c.base() + "/members/" + c.member().user().id();
        String code = api.post(c.base() + "/invites", c.owner().accessToken(), null).body().get("code").asString();
        List<Function<Device, Api.Response>> adminActions = List.of(
                d -> api.patch(c.base(), d.accessToken(), Map.of("name", "taken over")),
                d -> api.patch(c.base(), d.accessToken(), Map.of("announcement", "hijacked")),
                d -> api.patch(c.base(), d.accessToken(), Map.of("allMuted", true)),
                d -> api.post(c.base() + "/members", d.accessToken(), Map.of("userIds", List.of(c.friendOfAll().user().id()))),
                d -> api.delete(c.base() + "/members/" + c.owner().user().id(), d.accessToken()),
                d -> api.put(c.base() + "/members/" + c.owner().user().id() + "/mute", d.accessToken(), Map.of("minutes", 5)),
                d -> api.delete(c.base() + "/members/" + c.owner().user().id() + "/mute", d.accessToken()),
                d -> api.post(c.base() + "/invites", d.accessToken(), null),
                d -> api.get(c.base() + "/invites", d.accessToken()),
                d -> api.delete(c.base() + "/invites/" + code, d.accessToken()),
                d -> api.put(c.base() + "/bans/" + c.friendOfAll().user().id(), d.accessToken()),
                d -> api.delete(c.base() + "/bans/" + c.friendOfAll().user().id(), d.accessToken()),
                d -> api.get(c.base() + "/bans", d.accessToken()));
        long before = lastSeq(c);
        for (Function<Device, Api.Response> action : adminActions) {
            assertError(action.apply(c.member()), 403, "not_admin");
            assertError(action.apply(c.former()), 403, "not_member");
            assertError(action.apply(c.stranger()), 404, "group_not_found");
        }
        // Owner-only actions: admins and members get not_owner.
        List<Function<Device, Api.Response>> ownerActions = List.of(
                d -> api.put(target + "/role", d.accessToken(), Map.of("role", "admin")),
                d -> api.post(c.base() + "/transfer", d.accessToken(), Map.of("userId", c.member().user().id())),
                d -> api.delete(c.base(), d.accessToken()));
        for (Function<Device, Api.Response> action : ownerActions) {
            assertError(action.apply(c.admin()), 403, "not_owner");
            assertError(action.apply(c.member()), 403, "not_owner");
            assertError(action.apply(c.former()), 403, "not_member");
            assertError(action.apply(c.stranger()), 404, "group_not_found");
        }
        // Admins act on members, not on other admins or the owner.
        assertError(api.delete(c.base() + "/members/" + c.owner().user().id(), c.admin().accessToken()), 403, "not_owner");
        assertError(api.put(c.base() + "/bans/" + c.owner().user().id(), c.admin().accessToken()), 403, "not_owner");
        assertError(api.put(c.base() + "/members/" + c.owner().user().id() + "/mute", c.admin().accessToken(), Map.of("minutes", 5)),
                403, "not_owner");
        // Members' reads: strangers are refused; a former member sees the group as it was (GroupReadersTest), not its members.
        for (String path : List.of(c.base(), c.base() + "/members")) {
            assertError(api.get(path, c.stranger().accessToken()), 404, "group_not_found");
            assertThat(api.get(path, c.member().accessToken()).status()).isEqualTo(200);
        }
        assertError(api.get(c.base() + "/members", c.former().accessToken()), 403, "not_member");
        assertThat(api.get(c.base(), c.former().accessToken()).status()).isEqualTo(200);
        assertError(api.post(c.base() + "/leave", c.stranger().accessToken(), null), 404, "group_not_found");

        // Nothing happened: no entry, same name, same members, invite alive.
        assertThat(lastSeq(c)).isEqualTo(before);
        JsonNode g = api.get(c.base(), c.owner().accessToken()).body();
        assertThat(g.get("name").asString()).isEqualTo("Permissions");
        assertThat(g.get("memberCount").asLong()).isEqualTo(3);
        assertThat(g.get("allMuted").asBoolean()).isFalse();
        assertThat(g.get("ownerId").asLong()).isEqualTo(c.owner().user().id());
        assertThat(api.get("/api/v1/invites/" + code, c.stranger().accessToken()).status()).isEqualTo(200);
    }

    @Test
    void badValuesAreInvalidFieldAndChangeNothing() {
        Cast c = cast("pv");
        String owner = c.owner().accessToken();
        long before = lastSeq(c);
        assertError(api.patch(c.base(), owner, Map.of("name", " ")), 400, "invalid_field");
        assertError(api.patch(c.base(), owner, Map.of("name", "x".repeat(65))), 400, "invalid_field");
        assertError(api.patch(c.base(), owner, Map.of("announcement", "a".repeat(2001))), 400, "invalid_field");
        assertError(api.patch(c.base(), owner, Map.of("allMuted", "yes")), 400, "invalid_field");
        String member = c.base() + "/members/" + c.member().user().id();
        assertError(api.put(member + "/role", owner, Map.of("role", "owner")), 400, "invalid_field");
        assertError(api.put(member + "/role", owner, Map.of("role", "boss")), 400, "invalid_field");
        assertError(api.put(member + "/role", owner, Map.of()), 400, "invalid_field");
        assertError(api.put(c.base() + "/members/" + c.owner().user().id() + "/role", owner, Map.of("role", "member")), 400, "invalid_field");
        assertError(api.put(c.base() + "/members/" + c.former().user().id() + "/role", owner, Map.of("role", "admin")), 403, "not_member");
        assertError(api.post(c.base() + "/transfer", owner, Map.of("userId", c.owner().user().id())), 400, "invalid_field");
        assertError(api.post(c.base() + "/transfer", owner, Map.of()), 400, "invalid_field");
        assertError(api.post(c.base() + "/transfer", owner, Map.of("userId", c.stranger().user().id())), 403, "not_member");
        assertError(api.delete(c.base() + "/members/" + c.owner().user().id(), owner), 400, "invalid_field");
        assertError(api.delete(c.base() + "/members/" + c.stranger().user().id(), owner), 403, "not_member");
        assertError(api.delete(c.base() + "/members/" + c.former().user().id(), owner), 403, "not_member");
        assertError(api.put(member + "/mute", owner, Map.of("minutes", 0)), 400, "invalid_field");
        assertError(api.put(member + "/mute", owner, Map.of("minutes", 525_601)), 400, "invalid_field");
        assertError(api.put(member + "/mute", owner, Map.of()), 400, "invalid_field");
        assertError(api.put(c.base() + "/members/" + c.owner().user().id() + "/mute", owner, Map.of("minutes", 5)), 400, "invalid_field");
        assertError(api.put(c.base() + "/members/" + c.stranger().user().id() + "/mute", owner, Map.of("minutes", 5)), 403, "not_member");
        assertError(api.post(c.base() + "/members", owner, Map.of("userIds", List.of())), 400, "invalid_field");
        assertError(api.post(c.base() + "/members", owner, Map.of()), 400, "invalid_field");
        assertError(api.post(c.base() + "/members", owner, Map.of("userIds", List.of(c.stranger().user().id()))), 403, "not_friends");
        assertError(api.get(c.base() + "/members?limit=0", owner), 400, "invalid_field");
        assertError(api.get(c.base() + "/members?limit=1001", owner), 400, "invalid_field");
        assertError(api.post(c.base() + "/invites", owner, Map.of("expiresInHours", 8761)), 400, "invalid_field");
        assertError(api.get("/api/v1/groups/987654321", owner), 404, "group_not_found");
        assertError(api.get("/api/v1/groups/abc", owner), 400, "invalid_field");
        // A direct conversation is not a group.
        Device peer = users.newUserDevice("pv_peer");
        users.befriend(c.owner(), peer);
        long direct = connect(c.owner()).request(Chat.frame("type", "send", "to", peer.user().id(), "clientMsgId", "pv-1", "text", "hi"))
                .get("conversationId").asLong();
        assertError(api.get("/api/v1/groups/" + direct, owner), 404, "group_not_found");
        assertError(api.post("/api/v1/groups/" + direct + "/members", owner, Map.of("userIds", List.of(c.friendOfAll().user().id()))),
                404, "group_not_found");
        assertThat(lastSeq(c)).isEqualTo(before);
    }

    @Test
    void groupsHoldAtMostTheConfiguredNumberOfMembers() {
        Device owner = users.newUserDevice("size_owner");
        List<Users.User> many = TestDb.friendsOf(server, owner.user(), 2000);
        List<Long> ids = new ArrayList<>(many.stream().map(Users.User::id).toList());
        // 2,000 others and the owner: one too many (default limit 2,000).
        assertError(api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "Too big", "memberIds", ids)), 409, "group_full");
        Api.Response made = api.post("/api/v1/groups", owner.accessToken(), Map.of("name", "Full", "memberIds", ids.subList(0, 1999)));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        long id = made.body().get("id").asLong();
        assertThat(made.body().get("memberCount").asLong()).isEqualTo(2000);
        assertError(api.post("/api/v1/groups/" + id + "/members", owner.accessToken(), Map.of("userIds", List.of(ids.get(1999)))),
                409, "group_full");
        String code = api.post("/api/v1/groups/" + id + "/invites", owner.accessToken(), null).body().get("code").asString();
        Device outsider = users.newUserDevice("size_outsider");
        assertError(api.post("/api/v1/invites/" + code + "/join", outsider.accessToken(), null), 409, "group_full");
        // Room again after one leaves.
        Device leaver = users.login(many.get(0), "phone");
        assertThat(api.post("/api/v1/groups/" + id + "/leave", leaver.accessToken(), null).status()).isEqualTo(204);
        assertThat(api.post("/api/v1/invites/" + code + "/join", outsider.accessToken(), null).status()).isEqualTo(200);

        // The member list pages through all of them, by user id.
        List<Long> listed = new ArrayList<>();
        String next = "";
        do {
            JsonNode page = api.get("/api/v1/groups/" + id + "/members?limit=1000" + next, owner.accessToken()).body();
            page.get("members").forEach(m -> listed.add(m.get("user").get("id").asLong()));
            next = page.has("next") ? "&after=" + page.get("next").asLong() : null;
        } while (next != null);
        assertThat(listed).hasSize(2000).doesNotHaveDuplicates().isSorted();
        assertThat(listed).contains(outsider.user().id(), owner.user().id()).doesNotContain(many.get(0).id());
    }

    private long lastSeq(Cast c) {
        return Chat.summary(api, c.owner(), c.id()).get("conversation").get("lastSeq").asLong();
    }
}
