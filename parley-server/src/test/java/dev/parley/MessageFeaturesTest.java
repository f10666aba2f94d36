package dev.parley;

import static dev.parley.testkit.Chat.awaitEntry;
import static dev.parley.testkit.Chat.frame;
import static dev.parley.testkit.Chat.historyAfter;
import static dev.parley.testkit.Chat.ok;
import static dev.parley.testkit.Chat.refused;
import static dev.parley.testkit.Chat.send;
import static org.assertj.core.api.Assertions.assertThat;

import dev.parley.testkit.Backend;
import dev.parley.testkit.Chat;
import dev.parley.testkit.OnBothDatabases;
import dev.parley.testkit.TestDb;
import dev.parley.testkit.Users.Device;
import dev.parley.testkit.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedClass;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

/**
 * Edits, recalls, reactions, replies, forwards and mentions: each is an entry every device sees (offline ones when
 * they catch up), history shows messages in their current state, a recalled text is gone from storage, and every
 * misuse gets its documented error.
 */
@ParameterizedClass
@EnumSource(Backend.class)
class MessageFeaturesTest extends OnBothDatabases {

    /** Two friends, both connected, with a direct conversation. */
    record Pair(Device a, Device b, WsClient wa, WsClient wb, long id) {}

    private Pair pair(String prefix) {
        Device a = users.newUserDevice(prefix + "_a");
        Device b = users.newUserDevice(prefix + "_b");
        users.befriend(a, b);
        WsClient wa = connect(a);
        WsClient wb = connect(b);
        long id = ok(wa.request(frame("type", "send", "to", b.user().id(), "clientMsgId", prefix + "-first", "text", "first"))).get("conversationId").asLong();
        awaitEntry(wb, id, "text");
        return new Pair(a, b, wa, wb, id);
    }

    @Test
    void anEditReplacesTheTextMarksItEditedAndReachesEveryDevice() {
        Pair p = pair("ed");
        Device aLaptop = users.login(p.a().user(), "laptop");
        WsClient wl = connect(aLaptop);
        JsonNode sent = send(p.wa(), p.id(), "helo");
        long mid = sent.get("messageId").asLong();
        awaitEntry(p.wb(), p.id(), "text");

        JsonNode ack = ok(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid, "text", "hello")));
        assertThat(ack.get("type").asString()).isEqualTo("ack");
        assertThat(ack.get("seq").asLong()).isEqualTo(3);
        assertThat(ack.has("clientMsgId")).isFalse();
        for (WsClient ws : List.of(p.wb(), wl)) {
            JsonNode e = awaitEntry(ws, p.id(), "edit");
            assertThat(e.get("seq").asLong()).isEqualTo(3);
            assertThat(e.get("text").asString()).isEqualTo("hello");
            assertThat(e.get("targetId").asLong()).isEqualTo(mid);
            assertThat(e.get("targetSeq").asLong()).isEqualTo(2);
            assertThat(e.get("senderId").asLong()).isEqualTo(p.a().user().id());
        }
        List<JsonNode> all = historyAfter(p.wb(), p.id(), 0);
        assertThat(all).hasSize(3);
        assertThat(all.get(1).get("text").asString()).as("history shows the current text").isEqualTo("hello");
        assertThat(all.get(1).get("editedAt").asLong()).isEqualTo(ack.get("sentAt").asLong());
        assertThat(all.get(1).get("clientMsgId").asString()).isEqualTo(sent.get("clientMsgId").asString());
        assertThat(all.get(2).get("kind").asString()).isEqualTo("edit");
        assertThat(Chat.summary(api, p.b(), p.id()).get("conversation").get("unread").asLong()).as("an edit is not unread").isEqualTo(2);
        assertThat(Chat.summary(api, p.b(), p.id()).get("lastMessage").get("text").asString()).isEqualTo("hello");

        // Only one's own messages, with a proper text, that exist where one says.
        refused(p.wb().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid, "text", "mine now")), "not_author");
        refused(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid, "text", "  ")), "empty_message");
        refused(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid, "text", "x".repeat(8001))), "text_too_long");
        refused(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid)), "invalid_field");
        refused(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", 987654321, "text", "?")), "message_not_found");
        refused(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", ack.get("messageId").asLong(), "text", "?")),
                "message_not_found");
        Pair other = pair("ed2");
        long elsewhere = send(other.wa(), other.id(), "not here").get("messageId").asLong();
        refused(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", elsewhere, "text", "?")), "message_not_found");
        refused(p.wa().request(frame("type", "edit", "conversationId", other.id(), "messageId", elsewhere, "text", "?")), "conversation_not_found");
        assertThat(historyAfter(p.wb(), p.id(), 3)).isEmpty();
    }

    @Test
    void aRecallErasesTheTextFromStorageAndEveryoneSeesItRecalled() {
        Pair p = pair("rc");
        long mid = send(p.wa(), p.id(), "oops, secret").get("messageId").asLong();
        ok(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid, "text", "oops, secret v2")));
        long reply = ok(p.wb().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rc-reply", "text", "what?", "replyTo", mid)))
                .get("messageId").asLong();
        ok(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "😮")));
        String token = p.wb().request(frame("type", "sync")).get("token").asString();
        p.wb().close();

        JsonNode ack = ok(p.wa().request(frame("type", "recall", "conversationId", p.id(), "messageId", mid)));
        assertThat(ack.get("seq").asLong()).isEqualTo(6);

        // The text is gone from storage: the message, its edit, and nothing else holds it.
        assertThat(TestDb.query(server, "SELECT body FROM messages WHERE id = ?", mid).get(0).get(0)).isEqualTo("");
        assertThat(TestDb.query(server, "SELECT COUNT(*) FROM messages WHERE conversation_id = ? AND (body LIKE ? OR data LIKE ?)",
                p.id(), "%secret%", "%secret%").get(0).get(0).toString()).isEqualTo("0");
        assertThat(TestDb.query(server, "SELECT COUNT(*) FROM reactions WHERE message_id = ?", mid).get(0).get(0).toString()).isEqualTo("0");

        // b's device was offline: it catches up the recall exactly once, and history shows the placeholder.
        WsClient wb = connect(p.b());
        JsonNode sync = wb.request(frame("type", "sync", "token", token));
        assertThat(sync.get("conversations").toString()).contains("\"lastSeq\":6");
        List<JsonNode> caught = historyAfter(wb, p.id(), 5);
        assertThat(caught).hasSize(1);
        assertThat(caught.get(0).get("kind").asString()).isEqualTo("recall");
        assertThat(caught.get(0).get("targetId").asLong()).isEqualTo(mid);
        assertThat(caught.get(0).get("targetSeq").asLong()).isEqualTo(2);
        List<JsonNode> all = historyAfter(wb, p.id(), 0);
        JsonNode recalled = all.get(1);
        assertThat(recalled.get("recalled").asBoolean()).isTrue();
        assertThat(recalled.get("recalledBy").asLong()).isEqualTo(p.a().user().id());
        assertThat(recalled.has("text")).isFalse();
        assertThat(recalled.has("editedAt")).isFalse();
        assertThat(recalled.has("reactions")).isFalse();
        assertThat(all.get(2).get("kind").asString()).isEqualTo("edit");
        assertThat(all.get(2).has("text")).as("the edit's text is gone too").isFalse();
        JsonNode quoting = all.get(3);
        assertThat(quoting.get("id").asLong()).isEqualTo(reply);
        assertThat(quoting.get("replyTo").get("recalled").asBoolean()).isTrue();
        assertThat(quoting.get("replyTo").has("text")).isFalse();
        assertThat(wb.request(frame("type", "history", "conversationId", p.id())).toString()).doesNotContain("secret");
        assertThat(api.get("/api/v1/conversations/" + p.id() + "/messages", p.a().accessToken()).raw()).doesNotContain("secret");
        assertThat(Chat.summary(api, p.b(), p.id()).toString()).doesNotContain("secret");

        // A recalled message cannot be recalled, edited, reacted to, replied to or forwarded.
        refused(p.wa().request(frame("type", "recall", "conversationId", p.id(), "messageId", mid)), "message_recalled");
        refused(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid, "text", "back")), "message_recalled");
        refused(wb.request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "👍")), "message_recalled");
        refused(wb.request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rc-2", "text", "re", "replyTo", mid)), "message_recalled");
        refused(wb.request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rc-3", "forwardOf", mid)), "message_recalled");
        // Only the sender recalls in a direct conversation.
        long othersMessage = send(p.wa(), p.id(), "someone else's").get("messageId").asLong();
        refused(wb.request(frame("type", "recall", "conversationId", p.id(), "messageId", othersMessage)), "not_author");
    }

    @Test
    void theSenderRecallsOnlyWithinTheWindowWhileGroupAdminsRemoveAnyMessage() {
        Device owner = users.newUserDevice("rw_owner");
        Device adm = users.newUserDevice("rw_admin");
        Device mem = users.newUserDevice("rw_member");
        long id = Chat.group(users, owner, "Recalls", adm, mem);
        api.put("/api/v1/groups/" + id + "/members/" + adm.user().id() + "/role", owner.accessToken(), Map.of("role", "admin"));
        WsClient wm = connect(mem);
        WsClient wa = connect(adm);
        long fresh = send(wm, id, "fresh").get("messageId").asLong();
        long old = send(wm, id, "old").get("messageId").asLong();
        long adminsOld = send(wa, id, "admin's old").get("messageId").asLong();
        // Older than the 2-minute window.
        TestDb.update(server, "UPDATE messages SET created_at = created_at - 180000 WHERE id IN (?, ?)", old, adminsOld);

        refused(wm.request(frame("type", "recall", "conversationId", id, "messageId", old)), "recall_window_passed");
        refused(wm.request(frame("type", "recall", "conversationId", id, "messageId", adminsOld)), "not_author");
        ok(wm.request(frame("type", "recall", "conversationId", id, "messageId", fresh)));
        // An admin removes any message, however old, and their own as well.
        JsonNode removal = ok(wa.request(frame("type", "recall", "conversationId", id, "messageId", old)));
        ok(wa.request(frame("type", "recall", "conversationId", id, "messageId", adminsOld)));
        JsonNode seen = Chat.awaitEntry(wm, id, "recall");
        assertThat(seen.get("targetId").asLong()).isEqualTo(old);
        assertThat(seen.get("senderId").asLong()).isEqualTo(adm.user().id());
        List<JsonNode> all = historyAfter(wm, id, 0);
        assertThat(all.stream().filter(n -> n.has("recalled")).map(n -> n.get("recalledBy").asLong()).toList())
                .containsExactly(mem.user().id(), adm.user().id(), adm.user().id());
        assertThat(removal.get("seq").asLong()).isEqualTo(all.get(all.size() - 2).get("seq").asLong());
        // Entries that are not messages cannot be recalled.
        refused(wa.request(frame("type", "recall", "conversationId", id, "messageId", all.get(0).get("id").asLong())), "message_not_found");
    }

    @Test
    void reactionsAreEntriesShownOnTheMessageInOrderOfFirstUse() {
        Pair p = pair("re");
        long mid = send(p.wa(), p.id(), "react to me").get("messageId").asLong();
        JsonNode first = ok(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "👍")));
        assertThat(first.get("type").asString()).isEqualTo("ack");
        JsonNode pushed = awaitEntry(p.wa(), p.id(), "reaction");
        assertThat(pushed.get("emoji").asString()).isEqualTo("👍");
        assertThat(pushed.get("targetId").asLong()).isEqualTo(mid);
        assertThat(pushed.has("removed")).isFalse();
        ok(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "❤️")));
        ok(p.wa().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "👍")));
        long last = lastSeq(p);
        // Adding one again, or taking back one never given: answered ok, nothing stored.
        JsonNode again = p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "👍"));
        assertThat(again.get("type").asString()).isEqualTo("ok");
        assertThat(again.size()).as("ok carries only type and id").isEqualTo(2);
        assertThat(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "🎉", "remove", true))
                .get("type").asString()).isEqualTo("ok");
        assertThat(lastSeq(p)).isEqualTo(last);

        JsonNode msg = historyAfter(p.wb(), p.id(), 0).get(1);
        assertThat(msg.get("reactions")).hasSize(2);
        assertThat(msg.get("reactions").get(0).get("emoji").asString()).isEqualTo("👍");
        assertThat(msg.get("reactions").get(0).get("userIds")).extracting(JsonNode::asLong)
                .containsExactlyInAnyOrder(p.a().user().id(), p.b().user().id());
        assertThat(msg.get("reactions").get(1).get("emoji").asString()).isEqualTo("❤️");

        JsonNode taken = ok(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "👍", "remove", true)));
        assertThat(taken.get("type").asString()).isEqualTo("ack");
        JsonNode removedEntry = awaitEntry(p.wa(), p.id(), "reaction");
        while (!removedEntry.has("removed")) removedEntry = awaitEntry(p.wa(), p.id(), "reaction");
        assertThat(removedEntry.get("removed").asBoolean()).isTrue();
        JsonNode after = historyAfter(p.wb(), p.id(), 0).get(1);
        // Order of first use among the reactions that remain: b's heart (before a's thumb) comes first now.
        assertThat(after.get("reactions")).extracting(r -> r.get("emoji").asString()).containsExactly("❤️", "👍");
        assertThat(after.get("reactions").get(1).get("userIds")).extracting(JsonNode::asLong).containsExactly(p.a().user().id());
        assertThat(Chat.summary(api, p.a(), p.id()).get("conversation").get("unread").asLong()).as("reactions are not unread").isZero();

        refused(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", " ")), "invalid_field");
        refused(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "x".repeat(17))), "invalid_field");
        refused(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid)), "invalid_field");
        refused(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", mid, "emoji", "👍", "remove", "yes")), "invalid_field");
        refused(p.wb().request(frame("type", "react", "conversationId", p.id(), "messageId", 987654321, "emoji", "👍")), "message_not_found");
    }

    @Test
    void repliesQuoteAndForwardsCopyWithoutRevealingTheSender() {
        Pair p = pair("rf");
        String longText = "q".repeat(250) + "😀";
        long mid = send(p.wa(), p.id(), longText).get("messageId").asLong();
        JsonNode ack = ok(p.wb().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rf-1", "text", "I agree", "replyTo", mid)));
        JsonNode pushed = awaitEntry(p.wa(), p.id(), "text");
        while (!pushed.has("replyTo")) pushed = awaitEntry(p.wa(), p.id(), "text");
        JsonNode quote = pushed.get("replyTo");
        assertThat(quote.get("id").asLong()).isEqualTo(mid);
        assertThat(quote.get("seq").asLong()).isEqualTo(2);
        assertThat(quote.get("senderId").asLong()).isEqualTo(p.a().user().id());
        assertThat(quote.get("kind").asString()).isEqualTo("text");
        assertThat(quote.get("text").asString()).isEqualTo("q".repeat(200));
        JsonNode inHistory = historyAfter(p.wa(), p.id(), 0).get(2);
        assertThat(inHistory.get("id").asLong()).isEqualTo(ack.get("messageId").asLong());
        assertThat(inHistory.get("replyTo")).isEqualTo(quote);
        // An edit of the quoted message shows in the quote.
        ok(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", mid, "text", "short now")));
        assertThat(historyAfter(p.wa(), p.id(), 0).get(2).get("replyTo").get("text").asString()).isEqualTo("short now");

        // Forward into a group: the text is copied, marked forwarded, the original sender is not named.
        Device c = users.newUserDevice("rf_c");
        long group = Chat.group(users, p.b(), "Forwards", c);
        WsClient wc = connect(c);
        JsonNode fwd = ok(p.wb().request(frame("type", "send", "conversationId", group, "clientMsgId", "rf-fwd", "forwardOf", mid)));
        JsonNode got = awaitEntry(wc, group, "text");
        assertThat(got.get("forwarded").asBoolean()).isTrue();
        assertThat(got.get("text").asString()).isEqualTo("short now");
        assertThat(got.get("senderId").asLong()).isEqualTo(p.b().user().id());
        assertThat(got.propertyNames()).doesNotContain("targetId", "replyTo", "forwardOf", "originalSenderId");
        assertThat(got.get("id").asLong()).isEqualTo(fwd.get("messageId").asLong());

        // Bad references.
        refused(p.wb().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rf-2", "text", "re", "replyTo", 987654321)),
                "message_not_found");
        refused(p.wb().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rf-3", "text", "re", "replyTo", fwd.get("messageId").asLong())),
                "message_not_found");
        refused(p.wb().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rf-4", "forwardOf", mid, "text", "and more")),
                "invalid_field");
        Pair strangers = pair("rf_x");
        long theirs = send(strangers.wa(), strangers.id(), "private").get("messageId").asLong();
        refused(p.wb().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rf-5", "forwardOf", theirs)), "message_not_found");
        refused(p.wb().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "rf-6")), "invalid_field");
        assertThat(historyAfter(wc, group, 0).stream().map(n -> n.get("kind").asString()).toList()).containsExactly("system", "text");
    }

    @Test
    void mentionsAreCountedForTheMentionedAndAllIsForAdmins() {
        Device owner = users.newUserDevice("mn_owner");
        Device ann = users.newUserDevice("mn_ann");
        Device ben = users.newUserDevice("mn_ben");
        Device gone = users.newUserDevice("mn_gone");
        Device stranger = users.newUserDevice("mn_stranger");
        long id = Chat.group(users, owner, "Mentions", ann, ben, gone);
        api.delete("/api/v1/groups/" + id + "/members/" + gone.user().id(), owner.accessToken());
        WsClient wa = connect(ann);
        WsClient wo = connect(owner);

        JsonNode ack = ok(wa.request(frame("type", "send", "conversationId", id, "clientMsgId", "mn-1", "text", "@ben look", "mentions",
                List.of(ben.user().id()))));
        JsonNode seen = historyAfter(wo, id, ack.get("seq").asLong() - 1).get(0);
        assertThat(seen.get("mentions")).extracting(JsonNode::asLong).containsExactly(ben.user().id());
        JsonNode benView = Chat.summary(api, ben, id).get("conversation");
        assertThat(benView.get("mentionCount").asLong()).isEqualTo(1);
        assertThat(Chat.summary(api, owner, id).get("conversation").has("mentionCount")).isFalse();

        refused(wa.request(frame("type", "send", "conversationId", id, "clientMsgId", "mn-2", "text", "@gone", "mentions", List.of(gone.user().id()))),
                "invalid_mention");
        refused(wa.request(frame("type", "send", "conversationId", id, "clientMsgId", "mn-3", "text", "@x", "mentions",
                List.of(stranger.user().id()))), "invalid_mention");
        refused(wa.request(frame("type", "send", "conversationId", id, "clientMsgId", "mn-4", "text", "@all", "mentionsAll", true)), "forbidden");
        refused(wa.request(frame("type", "send", "conversationId", id, "clientMsgId", "mn-5", "text", "@x", "mentions", List.of("ben"))),
                "invalid_field");

        JsonNode all = ok(wo.request(frame("type", "send", "conversationId", id, "clientMsgId", "mn-6", "text", "@all meeting", "mentionsAll", true)));
        assertThat(historyAfter(wa, id, all.get("seq").asLong() - 1).get(0).get("mentionsAll").asBoolean()).isTrue();
        assertThat(Chat.summary(api, ben, id).get("conversation").get("mentionCount").asLong()).isEqualTo(2);
        assertThat(Chat.summary(api, ann, id).get("conversation").get("mentionCount").asLong()).isEqualTo(1);
        // Reading clears it.
        WsClient wb = connect(ben);
        JsonNode read = wb.request(frame("type", "read", "conversationId", id, "seq", all.get("seq").asLong()));
        assertThat(read.has("mentionCount")).isFalse();
        assertThat(Chat.summary(api, ben, id).get("conversation").has("mentionCount")).isFalse();
        // A recalled mention no longer counts.
        long later = ok(wa.request(frame("type", "send", "conversationId", id, "clientMsgId", "mn-7", "text", "@ben again", "mentions",
                List.of(ben.user().id())))).get("messageId").asLong();
        assertThat(Chat.summary(api, ben, id).get("conversation").get("mentionCount").asLong()).isEqualTo(1);
        ok(wa.request(frame("type", "recall", "conversationId", id, "messageId", later)));
        assertThat(Chat.summary(api, ben, id).get("conversation").has("mentionCount")).isFalse();
        // In a direct conversation, @all does not exist.
        users.befriend(ann, ben);
        refused(wa.request(frame("type", "send", "to", ben.user().id(), "clientMsgId", "mn-8", "text", "@all", "mentionsAll", true)), "forbidden");
    }

    @Test
    void anOfflineDeviceCatchesUpEveryChangeExactlyOnceAndInOrder() {
        Pair p = pair("of");
        JsonNode before = p.wb().request(frame("type", "history", "conversationId", p.id()));
        long held = before.get("lastSeq").asLong();
        p.wb().abort();
        long m1 = send(p.wa(), p.id(), "m1").get("messageId").asLong();                                    // 2
        ok(p.wa().request(frame("type", "edit", "conversationId", p.id(), "messageId", m1, "text", "m1 edited"))); // 3
        ok(p.wa().request(frame("type", "react", "conversationId", p.id(), "messageId", m1, "emoji", "👀")));     // 4
        long m2 = send(p.wa(), p.id(), "m2").get("messageId").asLong();                                    // 5
        ok(p.wa().request(frame("type", "recall", "conversationId", p.id(), "messageId", m2)));                  // 6
        ok(p.wa().request(frame("type", "react", "conversationId", p.id(), "messageId", m1, "emoji", "👀", "remove", true))); // 7

        WsClient wb = connect(p.b());
        List<JsonNode> caught = historyAfter(wb, p.id(), held);
        assertThat(caught.stream().map(n -> n.get("seq").asLong()).toList()).containsExactly(2L, 3L, 4L, 5L, 6L, 7L);
        assertThat(caught.stream().map(n -> n.get("kind").asString()).toList())
                .containsExactly("text", "edit", "reaction", "text", "recall", "reaction");
        assertThat(caught.get(0).get("text").asString()).isEqualTo("m1 edited");
        assertThat(caught.get(1).get("text").asString()).isEqualTo("m1 edited");
        assertThat(caught.get(2).get("emoji").asString()).isEqualTo("👀");
        assertThat(caught.get(3).get("recalled").asBoolean()).isTrue();
        assertThat(caught.get(5).get("removed").asBoolean()).isTrue();
        assertThat(historyAfter(wb, p.id(), 7)).isEmpty();
        assertThat(Chat.summary(api, p.b(), p.id()).get("conversation").get("unread").asLong())
                .as("first and m1; m2 recalled, the rest are changes").isEqualTo(2);
    }

    @Test
    void badSendsGetTheirCodes() {
        Pair p = pair("bs");
        refused(p.wa().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "bs-1", "attachments", List.of("m-1"))),
                "media_not_found");
        refused(p.wa().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "bs-2", "text", "pic", "attachments",
                List.of("m-1"))), "media_not_found");
        refused(p.wa().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "bs-3", "attachments", "m-1")), "invalid_field");
        refused(p.wa().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "bs-4", "attachments", List.of(1))), "invalid_field");
        refused(p.wa().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "bs-5", "text", "x", "replyTo", "2")), "invalid_field");
        refused(p.wa().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "bs\u0001", "text", "ctl")), "invalid_field");
        refused(p.wa().request(frame("type", "send", "conversationId", p.id(), "clientMsgId", "bs-6", "text", "x", "mentionsAll", "yes")),
                "invalid_field");
        assertThat(lastSeq(p)).isEqualTo(1);
    }

    @Test
    void historyAroundASeqCentresThePage() {
        Pair p = pair("ar");
        for (int i = 0; i < 9; i++) send(p.wa(), p.id(), "n" + (i + 2));
        JsonNode page = p.wb().request(frame("type", "history", "conversationId", p.id(), "around", 5, "limit", 4));
        assertThat(page.get("messages")).extracting(n -> n.get("seq").asLong()).containsExactly(3L, 4L, 5L, 6L);
        assertThat(page.get("hasMoreBefore").asBoolean()).isTrue();
        assertThat(page.get("hasMoreAfter").asBoolean()).isTrue();
        JsonNode start = p.wb().request(frame("type", "history", "conversationId", p.id(), "around", 1, "limit", 4));
        assertThat(start.get("messages")).extracting(n -> n.get("seq").asLong()).containsExactly(1L, 2L);
        assertThat(start.get("hasMoreBefore").asBoolean()).isFalse();
        assertThat(start.get("hasMoreAfter").asBoolean()).isTrue();
        JsonNode rest = api.get("/api/v1/conversations/" + p.id() + "/messages?around=10&limit=6", p.b().accessToken()).body();
        assertThat(rest.get("messages")).extracting(n -> n.get("seq").asLong()).containsExactly(7L, 8L, 9L, 10L);
        assertThat(rest.get("hasMoreAfter").asBoolean()).isFalse();
        assertThat(p.wb().request(frame("type", "history", "conversationId", p.id(), "after", 9)).has("hasMoreBefore")).isFalse();
        refused(p.wb().request(frame("type", "history", "conversationId", p.id(), "around", 5, "after", 2)), "invalid_field");
        refused(p.wb().request(frame("type", "history", "conversationId", p.id(), "around", -1)), "invalid_field");
    }

    private long lastSeq(Pair p) {
        return Chat.summary(api, p.a(), p.id()).get("conversation").get("lastSeq").asLong();
    }
}
