package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.historyAfter;
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
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Keeping people out of a group: bans that invite links cannot get round, links that die with the admin who made
 * them, links limited in uses (the last use raced for), and links that are invalid to a user the owner blocks.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class GroupBanTest extends OnBothDatabases {

    @Test
    void aBannedMemberIsRemovedForEveryoneAndNoLinkOrAdminBringsThemBack() {
        Device owner = users.newUserDevice("gb_owner");
        Device ann = users.newUserDevice("gb_ann");
        Device mallory = users.newUserDevice("gb_mallory");
        long id = Chat.group(users, owner, "Banning", ann, mallory);
        String base = "/api/v1/groups/" + id;
        String link = invite(owner, id, Map.of());
        WsClient wa = connect(ann);
        WsClient wm = connect(mallory);

        // Removal alone is not enough: the removed member walks back in through any live link.
        assertThat(api.delete(base + "/members/" + mallory.user().id(), owner.accessToken()).status()).isEqualTo(204);
        assertThat(api.post("/api/v1/invites/" + link + "/join", mallory.accessToken(), null).status()).isEqualTo(200);

        // A ban removes them with the same entry as a removal, marked as a ban, pushed to everyone and to them.
        Api.Response banned = api.put(base + "/bans/" + mallory.user().id(), owner.accessToken());
        assertThat(banned.status()).as(banned.raw()).isEqualTo(200);
        assertThat(banned.body().get("user").get("id").asLong()).isEqualTo(mallory.user().id());
        assertThat(banned.body().get("bannedBy").asLong()).isEqualTo(owner.user().id());
        for (WsClient ws : List.of(wa, wm)) {
            JsonNode e = ws.await(n -> "message".equals(WsClient.text(n, "type")) && n.get("conversationId").asLong() == id
                    && "system".equals(WsClient.text(n, "kind")) && n.get("system").has("banned"), "the ban's entry");
            assertThat(e.get("system").get("event").asString()).isEqualTo("member_removed");
            assertThat(e.get("system").get("userId").asLong()).isEqualTo(mallory.user().id());
            assertThat(e.get("system").get("banned").asBoolean()).isTrue();
        }
        assertThat(api.get(base, ann.accessToken()).body().get("memberCount").asLong()).isEqualTo(2);
        send(connect(owner), id, "after the ban");
        Chat.awaitEntry(wa, id, "text");
        assertThat(historyAfter(wm, id, 0).toString()).doesNotContain("after the ban");

        // The link is invalid to them, exactly as a dead one, and an admin cannot add them back.
        Api.Response dead = assertError(api.post("/api/v1/invites/" + link + "/join", mallory.accessToken(), null), 404, "invite_invalid");
        assertError(api.get("/api/v1/invites/" + link, mallory.accessToken()), 404, "invite_invalid");
        assertThat(dead.raw()).isEqualTo(api.post("/api/v1/invites/AAAAAAAAAAAAAAAAAAAAAA/join", mallory.accessToken(), null).raw());
        assertThat(api.get("/api/v1/invites/" + link, users.newUserDevice("gb_other").accessToken()).status()).as("alive for others").isEqualTo(200);
        assertError(api.post(base + "/members", owner.accessToken(), Map.of("userIds", List.of(mallory.user().id()))), 409, "user_banned");
        assertThat(api.get(base, ann.accessToken()).body().get("memberCount").asLong()).isEqualTo(2);

        // Banning again changes nothing; admins list the bans.
        long seq = lastSeq(owner, id);
        assertThat(api.put(base + "/bans/" + mallory.user().id(), owner.accessToken()).body().get("bannedAt").asLong())
                .isEqualTo(banned.body().get("bannedAt").asLong());
        assertThat(lastSeq(owner, id)).isEqualTo(seq);
        JsonNode list = api.get(base + "/bans", owner.accessToken()).body();
        assertThat(list.get("bans")).hasSize(1);
        assertThat(list.get("bans").get(0).get("user").get("username").asString()).isEqualTo(mallory.user().username());
        assertThat(list.has("next")).isFalse();

        // Lifting the ban does not add them back; then the link works again.
        assertThat(api.delete(base + "/bans/" + mallory.user().id(), owner.accessToken()).status()).isEqualTo(204);
        assertError(api.delete(base + "/bans/" + mallory.user().id(), owner.accessToken()), 404, "not_found");
        assertThat(api.get(base + "/bans", owner.accessToken()).body().get("bans")).isEmpty();
        assertThat(api.get(base, ann.accessToken()).body().get("memberCount").asLong()).isEqualTo(2);
        assertThat(api.post("/api/v1/invites/" + link + "/join", mallory.accessToken(), null).status()).isEqualTo(200);
        assertThat(api.get(base, ann.accessToken()).body().get("memberCount").asLong()).isEqualTo(3);
    }

    @Test
    void aUserWhoWasNeverInTheGroupCanBeBannedAheadAndTheRulesOfWhoBansWhomHold() {
        Device owner = users.newUserDevice("gbr_owner");
        Device adm = users.newUserDevice("gbr_admin");
        Device mem = users.newUserDevice("gbr_member");
        Device outsider = users.newUserDevice("gbr_outsider");
        long id = Chat.group(users, owner, "Rules", adm, mem);
        String base = "/api/v1/groups/" + id;
        api.put(base + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        String link = invite(adm, id, Map.of());

        long seq = lastSeq(owner, id);
        assertThat(api.put(base + "/bans/" + outsider.user().id(), adm.accessToken()).status()).isEqualTo(200);
        assertThat(lastSeq(owner, id)).as("nobody left, so no entry").isEqualTo(seq);
        assertError(api.post("/api/v1/invites/" + link + "/join", outsider.accessToken(), null), 404, "invite_invalid");

        assertError(api.put(base + "/bans/" + owner.user().id(), adm.accessToken()), 403, "not_owner");
        assertError(api.put(base + "/bans/" + adm.user().id(), mem.accessToken()), 403, "not_admin");
        assertError(api.put(base + "/bans/" + adm.user().id(), outsider.accessToken()), 404, "group_not_found");
        assertError(api.put(base + "/bans/" + owner.user().id(), owner.accessToken()), 400, "invalid_field");
        assertError(api.put(base + "/bans/987654321", owner.accessToken()), 404, "user_not_found");
        assertError(api.get(base + "/bans", mem.accessToken()), 403, "not_admin");
        assertError(api.get(base + "/bans?limit=0", owner.accessToken()), 400, "invalid_field");
        // The owner bans an admin.
        assertThat(api.put(base + "/bans/" + adm.user().id(), owner.accessToken()).status()).isEqualTo(200);
        assertThat(api.get(base + "/bans?limit=1", owner.accessToken()).body().get("next").asLong()).isPositive();
        assertThat(api.get(base, owner.accessToken()).body().get("memberCount").asLong()).isEqualTo(2);
    }

    @Test
    void removingOrDemotingAnAdminRevokesTheLinksTheyMade() {
        Device owner = users.newUserDevice("gbl_owner");
        Device adm = users.newUserDevice("gbl_admin");
        Device adm2 = users.newUserDevice("gbl_admin2");
        long id = Chat.group(users, owner, "Links", adm, adm2);
        String base = "/api/v1/groups/" + id;
        api.put(base + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        api.put(base + "/members/" + adm2.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        String theirs = invite(adm, id, Map.of());
        String theirs2 = invite(adm2, id, Map.of());
        String mine = invite(owner, id, Map.of());

        assertThat(api.delete(base + "/members/" + adm.user().id(), owner.accessToken()).status()).isEqualTo(204);
        Device newcomer = users.newUserDevice("gbl_new");
        assertError(api.post("/api/v1/invites/" + theirs + "/join", newcomer.accessToken(), null), 404, "invite_invalid");
        assertError(api.post("/api/v1/invites/" + theirs + "/join", adm.accessToken(), null), 404, "invite_invalid");

        api.put(base + "/members/" + adm2.user().id() + "/role", owner.accessToken(), Map.of("role", "member"));
        assertError(api.post("/api/v1/invites/" + theirs2 + "/join", newcomer.accessToken(), null), 404, "invite_invalid");

        assertThat(api.get(base + "/invites", owner.accessToken()).body()).extracting(n -> n.get("code").asString()).containsExactly(mine);
        assertThat(api.post("/api/v1/invites/" + mine + "/join", newcomer.accessToken(), null).status()).isEqualTo(200);
    }

    @Test
    void aUserBlockedByTheOwnerOrByTheLinksCreatorFindsTheLinkInvalid() {
        Device owner = users.newUserDevice("gbk_owner");
        Device adm = users.newUserDevice("gbk_admin");
        Device blocked = users.newUserDevice("gbk_blocked");
        Device byAdmin = users.newUserDevice("gbk_byadmin");
        long id = Chat.group(users, owner, "Blocks", adm);
        api.put("/api/v1/groups/" + id + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        String ownersLink = invite(owner, id, Map.of());
        String adminsLink = invite(adm, id, Map.of());
        assertThat(api.put("/api/v1/blocks/" + blocked.user().id(), owner.accessToken()).status()).isEqualTo(204);
        assertThat(api.put("/api/v1/blocks/" + byAdmin.user().id(), adm.accessToken()).status()).isEqualTo(204);

        String unknown = api.post("/api/v1/invites/AAAAAAAAAAAAAAAAAAAAAA/join", blocked.accessToken(), null).raw();
        for (String link : List.of(ownersLink, adminsLink)) {
            // The same answer as for a link that does not exist: the block is not revealed.
            assertThat(assertError(api.post("/api/v1/invites/" + link + "/join", blocked.accessToken(), null), 404, "invite_invalid").raw())
                    .isEqualTo(unknown);
            assertError(api.get("/api/v1/invites/" + link, blocked.accessToken()), 404, "invite_invalid");
        }
        assertError(api.post("/api/v1/invites/" + adminsLink + "/join", byAdmin.accessToken(), null), 404, "invite_invalid");
        assertThat(Chat.summary(api, blocked, id)).isNull();
        // Another admin's block does not close the owner's link.
        assertThat(api.post("/api/v1/invites/" + ownersLink + "/join", byAdmin.accessToken(), null).status()).isEqualTo(200);

        // Unblocking restores the ordinary answer.
        assertThat(api.delete("/api/v1/blocks/" + blocked.user().id(), owner.accessToken()).status()).isEqualTo(204);
        assertThat(api.post("/api/v1/invites/" + adminsLink + "/join", blocked.accessToken(), null).status()).isEqualTo(200);
    }

    @Test
    void aMemberWhoBlocksTheSenderIsNotCountedAsMentionedAndTheSenderCannotTell() {
        Device owner = users.newUserDevice("gbm_owner");
        Device ann = users.newUserDevice("gbm_ann");
        Device mallory = users.newUserDevice("gbm_mallory");
        long id = Chat.group(users, owner, "Mentions and blocks", ann, mallory);
        assertThat(api.put("/api/v1/blocks/" + mallory.user().id(), owner.accessToken()).status()).isEqualTo(204);
        WsClient wm = connect(mallory);

        JsonNode ack = Chat.ok(wm.request(Chat.frame("type", "send", "conversationId", id, "clientMsgId", "gbm-1", "text", "@owner @ann",
                "mentions", List.of(owner.user().id(), ann.user().id()))));
        // The message is the same for everyone, the sender included: the block is not revealed.
        JsonNode stored = historyAfter(wm, id, ack.get("seq").asLong() - 1).get(0);
        assertThat(stored.get("mentions")).extracting(JsonNode::asLong).containsExactly(owner.user().id(), ann.user().id());
        assertThat(Chat.summary(api, ann, id).get("conversation").get("mentionCount").asLong()).isEqualTo(1);
        assertThat(Chat.summary(api, owner, id).get("conversation").has("mentionCount")).as("the blocker is not mentioned").isFalse();
    }

    @Test
    void aLinkAdmitsAtMostMaxUsesJoinersAndShowsWhatIsLeft() {
        Device owner = users.newUserDevice("gbu_owner");
        Device mem = users.newUserDevice("gbu_member");
        long id = Chat.group(users, owner, "Uses", mem);
        String base = "/api/v1/groups/" + id;
        assertError(api.post(base + "/invites", owner.accessToken(), Map.of("maxUses", 0)), 400, "invalid_field");
        assertError(api.post(base + "/invites", owner.accessToken(), Map.of("maxUses", 100_001)), 400, "invalid_field");
        assertError(api.post(base + "/invites", owner.accessToken(), Map.of("maxUses", "two")), 400, "invalid_field");

        Api.Response made = api.post(base + "/invites", owner.accessToken(), Map.of("maxUses", 2, "expiresInHours", 48));
        assertThat(made.status()).as(made.raw()).isEqualTo(201);
        String code = made.body().get("code").asString();
        assertThat(made.body().get("maxUses").asInt()).isEqualTo(2);
        assertThat(made.body().get("uses").asInt()).isZero();
        assertThat(made.body().get("remainingUses").asInt()).isEqualTo(2);
        assertThat(made.body().get("expiresAt").asLong()).isGreaterThan(System.currentTimeMillis() + 47 * 3_600_000L);

        // A member "joining" takes no use.
        assertThat(api.post("/api/v1/invites/" + code + "/join", mem.accessToken(), null).status()).isEqualTo(200);
        assertThat(api.post("/api/v1/invites/" + code + "/join", users.newUserDevice("gbu_a").accessToken(), null).status()).isEqualTo(200);
        JsonNode listed = api.get(base + "/invites", owner.accessToken()).body().get(0);
        assertThat(listed.get("uses").asInt()).isEqualTo(1);
        assertThat(listed.get("remainingUses").asInt()).isEqualTo(1);
        assertThat(api.post("/api/v1/invites/" + code + "/join", users.newUserDevice("gbu_b").accessToken(), null).status()).isEqualTo(200);

        Device late = users.newUserDevice("gbu_late");
        assertError(api.post("/api/v1/invites/" + code + "/join", late.accessToken(), null), 404, "invite_invalid");
        assertError(api.get("/api/v1/invites/" + code, late.accessToken()), 404, "invite_invalid");
        assertThat(api.get(base + "/invites", owner.accessToken()).body()).as("used up links are not live").isEmpty();
        assertThat(api.get(base, owner.accessToken()).body().get("memberCount").asLong()).isEqualTo(4);
    }

    @Test
    void joinersRacingForTheLastUsesGetExactlyThatManyPlaces() throws Exception {
        Device owner = users.newUserDevice("gbx_owner");
        long id = Chat.group(users, owner, "Race");
        String code = invite(owner, id, Map.of("maxUses", 3));
        List<Device> joiners = new ArrayList<>();
        for (int i = 0; i < 12; i++) joiners.add(users.newUserDevice("gbx_" + i));

        CountDownLatch start = new CountDownLatch(1);
        List<Future<Api.Response>> answers = new ArrayList<>();
        try (ExecutorService pool = Executors.newVirtualThreadPerTaskExecutor()) {
            for (Device d : joiners) {
                answers.add(pool.submit(() -> {
                    start.await();
                    return api.post("/api/v1/invites/" + code + "/join", d.accessToken(), null);
                }));
            }
            start.countDown();
        }
        int admitted = 0;
        for (Future<Api.Response> f : answers) {
            Api.Response r = f.get();
            if (r.status() == 200) admitted++;
            else assertError(r, 404, "invite_invalid");
        }
        assertThat(admitted).isEqualTo(3);
        assertThat(api.get("/api/v1/groups/" + id, owner.accessToken()).body().get("memberCount").asLong()).isEqualTo(4);
        assertThat(TestDb.query(server, "SELECT uses FROM group_invites WHERE code = ?", code).get(0).get(0).toString()).isEqualTo("3");
        assertThat(TestDb.query(server, "SELECT COUNT(*) FROM conversation_members WHERE conversation_id = ? AND left_seq IS NULL", id)
                .get(0).get(0).toString()).isEqualTo("4");
    }

    private String invite(Device admin, long groupId, Map<String, Object> body) {
        Api.Response r = api.post("/api/v1/groups/" + groupId + "/invites", admin.accessToken(), body);
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body().get("code").asString();
    }

    private long lastSeq(Device d, long conversationId) {
        return Chat.summary(api, d, conversationId).get("conversation").get("lastSeq").asLong();
    }
}
