package dev.parley;

import static dev.parley.testkit.ApiAssertions.assertError;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.ok;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.search.internal.SearchIndexing;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.TestDb;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Message search (protocol.md §14) over real HTTP, with messages sent over a real WebSocket, on both databases:
 * English, Chinese and Japanese text, visibility, paging, context, edits, recalls, cleared and left conversations,
 * and every bad input. Edits, recalls, clearing and leaving go through their own frames and endpoints.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class SearchTest extends OnBothDatabases {
    private static final AtomicInteger CLIENT_IDS = new AtomicInteger();

    private Device alice;
    private Device bob;
    private WsClient aliceWs;
    private WsClient bobWs;

    @BeforeEach
    void aliceAndBobAreFriends() {
        alice = users.newUserDevice("alice");
        bob = users.newUserDevice("bob");
        users.befriend(alice, bob);
        aliceWs = connect(alice);
        bobWs = connect(bob);
    }

    // ---- language ----

    @Test
    void englishIsFoundCaseInsensitivelyByWordsAndWordPrefixes() {
        long id = send(aliceWs, bob, "Hello World, the MEETING is tomorrow at noon").id;
        send(aliceWs, bob, "something else entirely");

        bothPaths(() -> {
            for (String q : List.of("hello", "WORLD", "meet", "Meeting is tom", "noon", "hello world", "He", "o")) {
                assertThat(ids(search(bob, q))).as(q).contains(id);
            }
            assertThat(ids(search(bob, "meetings"))).isEmpty();
            assertThat(ids(search(bob, "xyzzy"))).isEmpty();
            // Leading and trailing white space is not part of the query.
            assertThat(ids(search(bob, "  noon  "))).containsExactly(id);
        });
    }

    @Test
    void caseFoldsBeyondAsciiForQueriesOfThreeOrMoreCharacters() {
        long id = send(aliceWs, bob, "ÄRGER im Büro, ΣΟΦΙΑ").id;
        bothPaths(() -> {
            assertThat(ids(search(alice, "ärger"))).containsExactly(id);
            assertThat(ids(search(alice, "BÜRO"))).containsExactly(id);
            assertThat(ids(search(alice, "σοφια"))).containsExactly(id);
        });
    }

    @Test
    void chineseIsFoundBySubstringsOfAnyLength() {
        long weather = send(aliceWs, bob, "今天天气很好").id;
        long other = send(bobWs, alice, "我们明天去北京吧").id;

        bothPaths(() -> {
            assertThat(ids(search(alice, "天气"))).containsExactly(weather);
            assertThat(ids(search(alice, "天气很好"))).containsExactly(weather);
            assertThat(ids(search(alice, "好"))).containsExactly(weather);
            assertThat(ids(search(alice, "北京"))).containsExactly(other);
            assertThat(ids(search(alice, "明天去北京"))).containsExactly(other);
            assertThat(ids(search(alice, "天"))).containsExactly(other, weather); // newest first
            assertThat(ids(search(alice, "上海"))).isEmpty();
            assertThat(ids(search(alice, "天气不好"))).isEmpty();
        });
    }

    @Test
    void japaneseIsFoundBySubstrings() {
        long tokyo = send(aliceWs, bob, "明日東京に行きます").id;
        send(aliceWs, bob, "大阪は楽しかった");

        bothPaths(() -> {
            assertThat(ids(search(bob, "東京"))).containsExactly(tokyo);
            assertThat(ids(search(bob, "東京に行"))).containsExactly(tokyo);
            assertThat(ids(search(bob, "行きます"))).containsExactly(tokyo);
            assertThat(ids(search(bob, "京"))).containsExactly(tokyo);
            assertThat(ids(search(bob, "名古屋"))).isEmpty();
        });
    }

    @Test
    void mixedScriptsAreFoundAcrossTheirBoundaries() {
        long id = send(aliceWs, bob, "Parley服务器works很好, 東京Tower").id;
        bothPaths(() -> {
            assertThat(ids(search(bob, "服务器works"))).containsExactly(id);
            assertThat(ids(search(bob, "ley服"))).containsExactly(id);
            assertThat(ids(search(bob, "京T"))).containsExactly(id);
            assertThat(ids(search(bob, "tower"))).containsExactly(id);
        });
    }

    @Test
    void likeWildcardsQuotesAndBackslashesInTheQueryAreLiteral() {
        long percent = send(aliceWs, bob, "I am 100% sure").id;
        send(aliceWs, bob, "I am 1000 percent sure");
        long underscore = send(aliceWs, bob, "file_name.txt").id;
        send(aliceWs, bob, "filename.txt and fileXname");
        long backslash = send(aliceWs, bob, "C:\\temp\\x").id;
        long quoted = send(aliceWs, bob, "she said \"hi there\" OR NOT").id;

        bothPaths(() -> {
            assertThat(ids(search(bob, "100%"))).containsExactly(percent);
            assertThat(ids(search(bob, "0%"))).containsExactly(percent);
            assertThat(ids(search(bob, "%"))).containsExactly(percent);
            assertThat(ids(search(bob, "file_name"))).containsExactly(underscore);
            assertThat(ids(search(bob, "e_"))).containsExactly(underscore);
            assertThat(ids(search(bob, "_"))).containsExactly(underscore);
            assertThat(ids(search(bob, "\\temp"))).containsExactly(backslash);
            assertThat(ids(search(bob, "\\"))).containsExactly(backslash);
            // Nothing is FTS5 query syntax either: quotes, OR, NOT, *, parentheses.
            assertThat(ids(search(bob, "\"hi there\""))).containsExactly(quoted);
            assertThat(ids(search(bob, "\" OR NOT"))).containsExactly(quoted);
            assertThat(ids(search(bob, "hi* OR (x)"))).isEmpty();
        });
    }

    // ---- whose messages ----

    @Test
    void onlyTheCallersOwnConversationsAreSearched() {
        Device dave = users.newUserDevice("dave");
        Device eve = users.newUserDevice("eve");
        users.befriend(dave, eve);
        WsClient daveWs = connect(dave);
        Sent secret = send(daveWs, eve, "the secret plan 秘密计划");
        long mine = send(aliceWs, bob, "my own plan 计划").id;

        assertThat(ids(search(alice, "plan"))).containsExactly(mine);
        assertThat(ids(search(alice, "计划"))).containsExactly(mine);
        assertThat(ids(search(alice, "secret"))).isEmpty();
        assertThat(ids(search(alice, "秘密"))).isEmpty();
        assertThat(ids(search(eve, "secret"))).containsExactly(secret.id);
        assertError(search(alice, "secret", Map.of("conversationId", secret.conversationId)), 404, "conversation_not_found");
        assertError(search(alice, "秘", Map.of("conversationId", secret.conversationId)), 404, "conversation_not_found");
    }

    @Test
    void searchWithinOneConversation() {
        Device carol = users.newUserDevice("carol");
        users.befriend(alice, carol);
        Sent withBob = send(aliceWs, bob, "apple pie recipe 苹果");
        Sent withCarol = send(aliceWs, carol, "apple juice 苹果汁");

        assertThat(ids(search(alice, "apple"))).containsExactly(withCarol.id, withBob.id);
        assertThat(ids(search(alice, "apple", Map.of("conversationId", withBob.conversationId)))).containsExactly(withBob.id);
        assertThat(ids(search(alice, "苹果", Map.of("conversationId", withCarol.conversationId)))).containsExactly(withCarol.id);
        assertThat(ids(search(alice, "pie", Map.of("conversationId", withCarol.conversationId)))).isEmpty();
    }

    // ---- the answer ----

    @Test
    void resultsCarryTheMessageItsConversationAndUpToTwoEntriesOfContextEachSide() {
        List<Sent> sent = new ArrayList<>();
        for (int i = 1; i <= 7; i++) sent.add(send(i % 2 == 0 ? bobWs : aliceWs, i % 2 == 0 ? alice : bob, i == 4 ? "the needle 针" : "hay " + i));
        sent.add(send(aliceWs, bob, "needle at the end"));
        long conversationId = sent.getFirst().conversationId;

        Api.Response r = search(alice, "needle");
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        assertThat(r.body().has("next")).isFalse();
        JsonNode results = r.body().get("results");
        assertThat(results).hasSize(2);

        JsonNode last = results.get(0); // newest first: seq 8
        assertThat(last.get("message").get("id").asLong()).isEqualTo(sent.get(7).id);
        assertThat(last.get("message").get("seq").asLong()).isEqualTo(8);
        assertThat(seqs(last.get("before"))).containsExactly(6L, 7L);
        assertThat(seqs(last.get("after"))).isEmpty();

        JsonNode middle = results.get(1);
        JsonNode m = middle.get("message");
        assertThat(m.get("id").asLong()).isEqualTo(sent.get(3).id);
        assertThat(m.get("conversationId").asLong()).isEqualTo(conversationId);
        assertThat(m.get("seq").asLong()).isEqualTo(4);
        assertThat(m.get("senderId").asLong()).isEqualTo(bob.user().id());
        assertThat(m.get("text").asString()).isEqualTo("the needle 针");
        assertThat(m.get("sentAt").asLong()).isPositive();
        assertThat(seqs(middle.get("before"))).containsExactly(2L, 3L);
        assertThat(seqs(middle.get("after"))).containsExactly(5L, 6L);
        assertThat(middle.get("before").get(1).get("text").asString()).isEqualTo("hay 3");
        assertThat(middle.get("after").get(0).get("text").asString()).isEqualTo("hay 5");

        JsonNode c = middle.get("conversation");
        assertThat(c.get("id").asLong()).isEqualTo(conversationId);
        assertThat(c.get("kind").asString()).isEqualTo("direct");
        assertThat(c.get("peer").get("id").asLong()).isEqualTo(bob.user().id());
        assertThat(c.get("lastSeq").asLong()).isEqualTo(8);

        JsonNode first = search(alice, "hay 1").body().get("results").get(0);
        assertThat(seqs(first.get("before"))).isEmpty();
        assertThat(seqs(first.get("after"))).containsExactly(2L, 3L);
    }

    @Test
    void pagesFollowTheCursorNewestFirstWithoutGapsOrRepeats() {
        Device carol = users.newUserDevice("carol");
        users.befriend(alice, carol);
        WsClient carolWs = connect(carol);
        // Two conversations, interleaved, so that pages cross from one to the other and back.
        List<Long> sent = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            Sent s = switch (i % 3) {
                case 0 -> send(aliceWs, bob, "page test 分页 " + i);
                case 1 -> send(carolWs, alice, "page test 分页 " + i);
                default -> send(bobWs, alice, "page test 分页 " + i);
            };
            sent.add(s.id);
            // SQLite: the first four are indexed, the last three not yet, so pages cross from the tail to the index.
            if (i == 3) server.bean(SearchIndexing.class).indexNow();
        }
        List<Long> newestFirst = new ArrayList<>(sent.reversed());

        for (String q : List.of("page test", "分页")) {
            List<Long> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                Map<String, Object> params = new HashMap<>(Map.of("limit", 3));
                if (cursor != null) params.put("cursor", cursor);
                Api.Response r = search(alice, q, params);
                assertThat(r.status()).as(r.raw()).isEqualTo(200);
                assertThat(r.body().get("results").size()).isLessThanOrEqualTo(3);
                seen.addAll(ids(r));
                cursor = r.body().has("next") ? r.body().get("next").asString() : null;
                pages++;
            } while (cursor != null && pages < 10);
            assertThat(pages).as(q).isEqualTo(3);
            assertThat(seen).as(q).containsExactlyElementsOf(newestFirst);
        }
        // Default page size is 20: all seven on one page, no cursor.
        Api.Response all = search(alice, "page test");
        assertThat(ids(all)).hasSize(7);
        assertThat(all.body().has("next")).isFalse();
    }

    @Test
    void shortQueriesPageThroughLongConversationsAsIndexedOnesDo() {
        Device carol = users.newUserDevice("carol");
        users.befriend(alice, carol);
        WsClient carolWs = connect(carol);
        // 200 entries with bob and 30 with carol, sent in bursts so that each conversation's matches lie in
        // several chunks of the scan and the newest matches alternate between the two.
        // Three devices each for alice and bob: each connection may send a burst of 40 frames (protocol.md §3).
        List<WsClient> aliceDevices = List.of(aliceWs, connect(users.login(alice.user(), "alice-2")), connect(users.login(alice.user(), "alice-3")));
        List<WsClient> bobDevices = List.of(bobWs, connect(users.login(bob.user(), "bob-2")), connect(users.login(bob.user(), "bob-3")));
        List<Long> matches = new ArrayList<>();
        for (int i = 0; i < 230; i++) {
            boolean withCarol = i % 8 == 7;
            boolean match = i % 7 == 0 || i == 1;
            String text = (match ? "长城 Great Wall " : "nothing here ") + i;
            WsClient device = (i % 2 == 0 ? aliceDevices : bobDevices).get(i / 77);
            Sent s = withCarol ? send(carolWs, alice, text) : send(device, i % 2 == 0 ? bob : alice, text);
            if (match) matches.add(s.id);
        }
        List<Long> newestFirst = new ArrayList<>(matches.reversed());
        for (String q : List.of("长城", "城", "Great Wall")) {
            for (int limit : List.of(4, 50)) {
                List<Long> seen = new ArrayList<>();
                String cursor = null;
                int pages = 0;
                do {
                    Map<String, Object> params = new HashMap<>(Map.of("limit", limit));
                    if (cursor != null) params.put("cursor", cursor);
                    Api.Response r = search(alice, q, params);
                    seen.addAll(ids(r));
                    cursor = r.body().has("next") ? r.body().get("next").asString() : null;
                } while (cursor != null && ++pages < 30);
                assertThat(seen).as("%s, limit %d", q, limit).containsExactlyElementsOf(newestFirst);
            }
        }
    }

    /**
     * Runs {@code checks} before and after the SQLite search index has caught up: a message is first found in the
     * unindexed tail, then through FTS5 (SearchIndexing). PostgreSQL indexes at once: the same checks twice.
     */
    private void bothPaths(Runnable checks) {
        checks.run();
        server.bean(SearchIndexing.class).indexNow();
        checks.run();
    }

    @Test
    void editsAndRecallsOfIndexedMessagesLeaveTheIndexAtOnce() {
        Sent edited = send(aliceWs, bob, "meet me by the lighthouse 灯塔");
        Sent recalled = send(aliceWs, bob, "secret lighthouse code 密码");
        server.bean(SearchIndexing.class).indexNow();
        assertThat(ids(search(bob, "lighthouse"))).containsExactly(recalled.id, edited.id);

        ok(aliceWs.request(frame("type", "edit", "conversationId", edited.conversationId, "messageId", edited.id, "text", "meet me by the pier 码头")));
        ok(aliceWs.request(frame("type", "recall", "conversationId", recalled.conversationId, "messageId", recalled.id)));
        for (String q : List.of("lighthouse", "灯塔", "secret", "密码")) assertThat(ids(search(bob, q))).as(q).isEmpty();
        assertThat(ids(search(bob, "the pier"))).containsExactly(edited.id);
        assertThat(ids(search(bob, "码头"))).containsExactly(edited.id);
    }

    // ---- current state ----

    @Test
    void anEditedMessageIsFoundByItsNewTextAndNotItsOldNorByItsEditEntry() {
        Sent s = send(aliceWs, bob, "see you at the harbour 港口");
        ok(aliceWs.request(frame("type", "edit", "conversationId", s.conversationId, "messageId", s.id, "text", "see you at the station 车站")));

        bothPaths(() -> {
            for (Device who : List.of(alice, bob)) {
                assertThat(ids(search(who, "harbour"))).isEmpty();
                assertThat(ids(search(who, "港口"))).isEmpty();
                assertThat(ids(search(who, "港"))).isEmpty();
                // The message itself, once: the edit entry carrying the new text is not a result of its own.
                assertThat(ids(search(who, "station"))).containsExactly(s.id);
                assertThat(ids(search(who, "车站"))).containsExactly(s.id);
            }
            JsonNode m = search(bob, "station").body().get("results").get(0).get("message");
            assertThat(m.get("text").asString()).isEqualTo("see you at the station 车站");
            assertThat(m.get("editedAt").asLong()).isPositive();
        });
    }

    @Test
    void aRecalledMessageIsNotFoundAndShowsAsRecalledInContext() {
        Sent before = send(aliceWs, bob, "keep this one 保留");
        Sent gone = send(aliceWs, bob, "oops wrong chat 撤回");
        ok(aliceWs.request(frame("type", "edit", "conversationId", gone.conversationId, "messageId", gone.id, "text", "oops edited 撤回")));
        ok(aliceWs.request(frame("type", "recall", "conversationId", gone.conversationId, "messageId", gone.id)));
        Sent after = send(bobWs, alice, "what was that? 什么");

        bothPaths(() -> {
            for (String q : List.of("oops", "wrong chat", "edited", "撤回", "撤")) assertThat(ids(search(bob, q))).as(q).isEmpty();
            JsonNode r = search(bob, "this one").body().get("results").get(0);
            assertThat(r.get("message").get("id").asLong()).isEqualTo(before.id);
            JsonNode recalled = r.get("after").get(0);
            assertThat(recalled.get("id").asLong()).isEqualTo(gone.id);
            assertThat(recalled.get("recalled").asBoolean()).isTrue();
            assertThat(recalled.has("text")).isFalse();
            assertThat(r.get("after").get(1).get("id").asLong()).as("edit and recall entries are not context").isEqualTo(after.id);
        });
    }

    @Test
    void onlyTextAndMediaMessagesAreFoundNotSystemEntries() {
        long group = groupWithBobAndCarol("Picnic 野餐");
        Device carol = this.carol;
        JsonNode ack = Chat.send(aliceWs, group, "picnic on sunday 周日野餐");
        long text = ack.get("messageId").asLong();
        // Group system entries ("created", with the name) are context, never results.
        assertThat(ids(search(carol, "Picnic"))).containsExactly(text);
        assertThat(ids(search(carol, "野餐"))).containsExactly(text);
        JsonNode r = search(carol, "sunday").body().get("results").get(0);
        assertThat(r.get("before").get(0).get("kind").asString()).isEqualTo("system");
        assertThat(r.get("conversation").get("kind").asString()).isEqualTo("group");
        assertThat(r.get("conversation").get("group").get("name").asString()).isEqualTo("Picnic 野餐");
        // A media message is found by its caption (set as the media feature stores it: kind 'media', caption in body).
        TestDb.update(server, "UPDATE messages SET kind = 'media' WHERE id = ?", text);
        assertThat(ids(search(carol, "sunday"))).containsExactly(text);
        assertThat(ids(search(carol, "日野"))).containsExactly(text);
    }

    @Test
    void entriesAtOrBelowTheClearedSeqAreNotFound() {
        Sent one = send(aliceWs, bob, "cleared one 清除");
        send(aliceWs, bob, "cleared two 清除");
        Api.Response clear = api.post("/api/v1/conversations/" + one.conversationId + "/clear", alice.accessToken(), null);
        assertThat(clear.status()).as(clear.raw()).isEqualTo(200);
        Sent three = send(aliceWs, bob, "cleared three 清除");

        assertThat(ids(search(alice, "cleared"))).containsExactly(three.id);
        assertThat(ids(search(alice, "清除"))).containsExactly(three.id);
        assertThat(ids(search(alice, "清"))).containsExactly(three.id);
        JsonNode r = search(alice, "three").body().get("results").get(0);
        assertThat(seqs(r.get("before"))).as("context stops at the cleared seq too").isEmpty();
        assertThat(ids(search(bob, "cleared"))).as("clearing is per member").hasSize(3);
    }

    @Test
    void afterLeavingAGroupOnlyEntriesUpToTheLeaveAreFoundAndLaterEditsStayHidden() {
        long group = groupWithBobAndCarol("Leavers 离开");
        Device carol = this.carol;
        long one = Chat.send(aliceWs, group, "before leaving 离开 1").get("messageId").asLong();
        long two = Chat.send(aliceWs, group, "before leaving 离开 2").get("messageId").asLong();
        Api.Response left = api.post("/api/v1/groups/" + group + "/leave", bob.accessToken(), null);
        assertThat(left.status()).as(left.raw()).isEqualTo(204);
        Chat.send(aliceWs, group, "after leaving 离开 3");
        ok(aliceWs.request(frame("type", "edit", "conversationId", group, "messageId", one, "text", "before leaving 离开 1, secret addendum")));

        assertThat(ids(search(bob, "leaving"))).containsExactly(two, one);
        assertThat(ids(search(bob, "离开"))).containsExactly(two, one);
        assertThat(ids(search(bob, "离"))).containsExactly(two, one);
        assertThat(ids(search(bob, "after"))).isEmpty();
        // The edit came after bob left: he sees the old text, and search does not reveal the new one.
        assertThat(ids(search(bob, "secret addendum"))).isEmpty();
        assertThat(ids(search(carol, "secret addendum"))).containsExactly(one);
        Api.Response within = search(bob, "离开 2", Map.of("conversationId", group));
        JsonNode r = within.body().get("results").get(0);
        assertThat(r.get("conversation").get("left").asBoolean()).isTrue();
        List<JsonNode> after = new ArrayList<>();
        r.get("after").forEach(after::add);
        assertThat(after).as("context stops at the entry that ended the membership").hasSize(1);
        assertThat(after.get(0).get("system").get("event").asString()).isEqualTo("member_left");
        assertThat(ids(search(carol, "leaving"))).hasSize(3);
    }

    // ---- bad input ----

    @Test
    void everyBadInputGetsItsDocumentedError() {
        Sent s = send(aliceWs, bob, "bad input target");
        String t = alice.accessToken();

        assertError(api.get("/api/v1/search/messages", t), 400, "invalid_field");
        for (String q : List.of("", "   ", "\t\n", "a\u0000b")) assertError(search(alice, q), 400, "invalid_field");
        assertThat(search(alice, "😀".repeat(200)).status()).isEqualTo(200);
        assertError(search(alice, "😀".repeat(201)), 400, "invalid_field");
        assertError(search(alice, "x".repeat(201)), 400, "invalid_field");

        for (String limit : List.of("0", "51", "-1", "abc", "1.5")) {
            assertError(api.get("/api/v1/search/messages?q=target&limit=" + limit, t), 400, "invalid_field");
        }
        assertThat(api.get("/api/v1/search/messages?q=target&limit=50", t).status()).isEqualTo(200);
        assertThat(api.get("/api/v1/search/messages?q=target&limit=1", t).status()).isEqualTo(200);

        String notOurs = Base64.getUrlEncoder().withoutPadding().encodeToString("x1:5".getBytes(StandardCharsets.US_ASCII));
        String negative = Base64.getUrlEncoder().withoutPadding().encodeToString("m1:-5".getBytes(StandardCharsets.US_ASCII));
        for (String cursor : List.of("", "not a cursor!", "%%%", notOurs, negative, "bTE6YWJj")) {
            assertError(search(alice, "target", Map.of("cursor", cursor)), 400, "invalid_field");
        }

        for (String id : List.of("0", "-3", "abc")) {
            assertError(api.get("/api/v1/search/messages?q=target&conversationId=" + id, t), 400, "invalid_field");
        }
        assertError(search(alice, "target", Map.of("conversationId", s.conversationId + 1_000_000)), 404, "conversation_not_found");

        assertError(api.get("/api/v1/search/messages?q=target", null), 401, "unauthorized");
        assertError(api.get("/api/v1/search/messages?q=target", "not-a-token"), 401, "token_invalid");
        // And the server still answers.
        assertThat(ids(search(alice, "target"))).containsExactly(s.id);
    }

    // ---- helpers ----

    private record Sent(long id, long conversationId, long seq) {}

    private Device carol;

    /** A group of alice's with bob and a new user carol (befriended first), who is kept in {@link #carol}. */
    private long groupWithBobAndCarol(String name) {
        carol = users.newUserDevice("carol");
        users.befriend(alice, carol);
        Api.Response r = api.post("/api/v1/groups", alice.accessToken(), Map.of("name", name, "memberIds", List.of(bob.user().id(), carol.user().id())));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return r.body().get("id").asLong();
    }

    /** Sends from {@code ws} to the direct conversation with {@code to} (opened by the first message) and waits for the ack. */
    private static Sent send(WsClient ws, Device to, String text) {
        JsonNode ack = ws.request(Map.of("type", "send", "to", to.user().id(), "clientMsgId", "s" + CLIENT_IDS.incrementAndGet(), "text", text));
        assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
        return new Sent(ack.get("messageId").asLong(), ack.get("conversationId").asLong(), ack.get("seq").asLong());
    }

    private Api.Response search(Device who, String q) {
        return search(who, q, Map.of());
    }

    private Api.Response search(Device who, String q, Map<String, ?> params) {
        StringBuilder path = new StringBuilder("/api/v1/search/messages?q=").append(URLEncoder.encode(q, StandardCharsets.UTF_8));
        params.forEach((k, v) -> path.append('&').append(k).append('=').append(URLEncoder.encode(String.valueOf(v), StandardCharsets.UTF_8)));
        return api.get(path.toString(), who.accessToken());
    }

    private static List<Long> ids(Api.Response r) {
        assertThat(r.status()).as(r.raw()).isEqualTo(200);
        List<Long> out = new ArrayList<>();
        r.body().get("results").forEach(n -> out.add(n.get("message").get("id").asLong()));
        return out;
    }

    private static List<Long> seqs(JsonNode entries) {
        List<Long> out = new ArrayList<>();
        entries.forEach(n -> out.add(n.get("seq").asLong()));
        return out;
    }
}
