package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.parley.web.ChatPages.action;
import static dev.parley.web.ChatPages.bubble;
import static dev.parley.web.ChatPages.groupItem;
import static dev.parley.web.ChatPages.login;
import static dev.parley.web.ChatPages.nav;
import static dev.parley.web.ChatPages.openGroup;
import static dev.parley.web.ChatPages.peerItem;
import static dev.parley.web.ChatPages.react;
import static dev.parley.web.ChatPages.shot;
import static dev.parley.web.ChatPages.systemLines;
import static dev.parley.web.ChatPages.texts;
import static dev.parley.web.ChatPages.user;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import org.junit.jupiter.api.Test;

/**
 * Issue 5 end to end in headless Chromium: three users create a group and chat with replies, mentions, reactions,
 * receipts, an edit and a recall; one member is offline meanwhile and catches up exactly; a removed member's view
 * stays frozen. And in a direct conversation: sent, delivered and read marks, typing, presence and its privacy.
 */
class GroupChatTest extends BrowserTest {

    private BrowserContext desktop() {
        return newContext("en-US", 1280, 800, 20_000);
    }

    @Test
    void threeUsersCreateAGroupChatWithRepliesMentionsReactionsReceiptsAndARecall() {
        Users users = new Users(server);
        Users.Device alice = user(users, "alice", "Alice Liddell");
        Users.Device bob = user(users, "bob", "Bob Builder");
        Users.Device carol = user(users, "carol", "Carol Chen");
        users.befriend(alice, bob);
        users.befriend(alice, carol);
        String group = "Weekend trip " + alice.user().id();

        BrowserContext ctxA = desktop(), ctxB = desktop(), ctxC = desktop();
        Page a = login(ctxA, alice);
        Page b = login(ctxB, bob);
        Page c = login(ctxC, carol);

        // Alice creates the group with her two friends.
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New group")).click();
        Locator dialog = a.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("New group"));
        dialog.getByLabel("Group name").fill(group);
        dialog.locator(".person[data-username='" + bob.user().username() + "'] input[type=checkbox]").check();
        dialog.locator(".person[data-username='" + carol.user().username() + "'] input[type=checkbox]").check();
        assertThat(dialog.getByText("2 selected")).isVisible();
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create group")).click();
        assertThat(a.locator(".chat-pane .chat-title h2")).hasText(group);
        assertThat(systemLines(a).first()).hasText("You created the group “" + group + "”");
        assertThat(a.locator(".chat-sub")).hasText("3 members");

        // Bob and Carol see the new group arrive live, with who created it.
        openGroup(b, group);
        assertThat(systemLines(b).first()).hasText("Alice Liddell created the group “" + group + "”");
        openGroup(c, group);
        assertThat(systemLines(c).first()).hasText("Alice Liddell created the group “" + group + "”");

        // Carol goes offline for a while.
        c.close();

        send(a, "Who brings the map?");
        assertThat(bubble(b, "Who brings the map?")).hasCount(1);
        assertThat(bubble(b, "Who brings the map?").locator(".msg-sender")).hasText("Alice Liddell");

        // Bob is typing: Alice sees it.
        composer(b).pressSequentially("I can");
        assertThat(a.locator(".typing-text")).hasText("Bob Builder is typing…");
        composer(b).fill("");

        // Bob replies to Alice's question and mentions Carol through the member picker.
        action(bubble(b, "Who brings the map?"), "Reply");
        assertThat(b.locator(".compose-bar")).containsText("Replying to Alice Liddell");
        composer(b).pressSequentially("I can. @Car");
        Locator picker = b.getByRole(AriaRole.LISTBOX, new Page.GetByRoleOptions().setName("Mention a member"));
        assertThat(picker.getByRole(AriaRole.OPTION)).hasCount(1);
        picker.getByRole(AriaRole.OPTION, new Locator.GetByRoleOptions().setName("Carol Chen")).click();
        assertThat(composer(b)).hasValue("I can. @Carol Chen ");
        composer(b).press("End");
        composer(b).pressSequentially("has the tent");
        composer(b).press("Enter");
        Locator replyOnA = bubble(a, "has the tent");
        assertThat(replyOnA.locator(".reply-quote")).containsText("Who brings the map?");
        assertThat(replyOnA.locator(".mention")).hasText("@Carol Chen");
        assertThat(a.locator(".typing-text")).hasCount(0);

        // Reactions: Alice and Bob both give the reply a thumbs-up.
        react(replyOnA, "👍");
        Locator chipOnB = bubble(b, "has the tent").locator(".reaction[data-emoji='👍']");
        assertThat(chipOnB.locator(".reaction-count")).hasText("1");
        assertThat(chipOnB).hasAttribute("title", "Alice Liddell reacted with 👍");
        chipOnB.click();
        Locator chipOnA = replyOnA.locator(".reaction[data-emoji='👍']");
        assertThat(chipOnA.locator(".reaction-count")).hasText("2");
        assertThat(chipOnA).hasAttribute("title", "You and Bob Builder reacted with 👍");

        // Receipts: Bob has read Alice's question, Carol has not.
        Locator readCount = bubble(a, "Who brings the map?").locator(".read-count");
        assertThat(readCount).hasText("Read by 1");

        // Alice edits her question; Bob sees the new text marked as edited.
        action(bubble(a, "Who brings the map?"), "Edit");
        assertThat(composer(a)).hasValue("Who brings the map?");
        composer(a).fill("Who brings the map and the compass?");
        composer(a).press("Enter");
        assertThat(bubble(b, "the compass").locator(".edited")).hasText("edited");
        assertThat(bubble(b, "the compass")).hasCount(1);

        // Alice writes into the wrong chat and recalls it: Bob sees only the placeholder.
        send(a, "My PIN is 4711");
        assertThat(bubble(b, "My PIN is 4711")).hasCount(1);
        action(bubble(a, "My PIN is 4711"), "Recall");
        assertThat(a.locator(".sys-line.recalled")).hasText("You recalled a message");
        assertThat(b.locator(".sys-line.recalled")).hasText("Alice Liddell recalled a message");
        assertThat(b.getByText("My PIN is 4711")).hasCount(0);

        send(a, "See you all on Saturday");
        assertThat(bubble(b, "See you all on Saturday")).hasCount(1);
        shot(b, "i5-01-group-chat");

        // Carol comes back: the list shows the mention, and she sees everything exactly once, already edited,
        // reacted to and recalled, never the change entries as messages of their own.
        Page c2 = ChatPages.open(ctxC, "/");
        assertThat(c2.locator(".shell")).hasAttribute("data-status", "online");
        Locator item = groupItem(c2, group);
        assertThat(item.locator(".mention-badge")).isVisible();
        assertThat(item.locator(".conv-preview")).containsText("[You were mentioned]");
        assertThat(item.locator(".badge:not(.mention-badge)")).isVisible();
        openGroup(c2, group);
        assertThat(texts(c2, "theirs")).hasText(new String[] {
                "Who brings the map and the compass?", "I can. @Carol Chen has the tent", "See you all on Saturday"});
        assertThat(texts(c2, "mine")).hasCount(0);
        assertThat(c2.locator(".sys-line.recalled")).hasCount(1);
        assertThat(c2.getByText("My PIN is 4711")).hasCount(0);
        Locator replyOnC = bubble(c2, "has the tent");
        assertThat(replyOnC).hasClass(java.util.regex.Pattern.compile("\\bmentioned\\b"));
        assertThat(replyOnC.locator(".mention.me")).hasText("@Carol Chen");
        assertThat(replyOnC.locator(".reply-quote")).containsText("Who brings the map");
        assertThat(replyOnC.locator(".reaction[data-emoji='👍'] .reaction-count")).hasText("2");
        assertThat(bubble(c2, "the compass").locator(".edited")).isVisible();
        assertThat(item.locator(".mention-badge")).hasCount(0);

        // Carol read it all: Alice's messages are read by everyone; the readers list names both.
        assertThat(bubble(a, "See you all on Saturday").locator(".read-count")).hasText("Read by all");
        bubble(a, "See you all on Saturday").locator(".read-count").click();
        Locator readers = a.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("Read by"));
        assertThat(readers.locator("li")).hasCount(2);
        assertThat(readers).containsText("Bob Builder");
        assertThat(readers).containsText("Carol Chen");
        shot(a, "i5-02-group-readers-reactions");
        readers.press("Escape");

        // A reply quote jumps to the quoted message.
        replyOnC.locator(".reply-quote").click();
        assertThat(bubble(c2, "the compass")).hasClass(java.util.regex.Pattern.compile("\\bflash\\b"));

        // Alice removes Carol. Carol's view freezes at her removal, even after a reload.
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Conversation info")).click();
        Locator info = a.getByRole(AriaRole.COMPLEMENTARY, new Page.GetByRoleOptions().setName("Group info"));
        Locator members = info.getByRole(AriaRole.LIST, new Locator.GetByRoleOptions().setName("Members"));
        assertThat(members.locator(".member")).hasCount(3);
        assertThat(members.locator(".member[data-username='" + alice.user().username() + "'] .chip")).hasText("Owner");
        shot(a, "i5-03-group-info");
        members.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Actions for Carol Chen")).click();
        a.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName("Remove from group")).click();
        assertThat(members.locator(".member")).hasCount(2);
        assertThat(systemLines(c2).last()).hasText("Alice Liddell removed you");
        assertThat(c2.getByText("You are no longer a member of this group.")).isVisible();
        assertThat(systemLines(b).last()).hasText("Alice Liddell removed Carol Chen");

        send(a, "Carol is out of the loop now");
        assertThat(bubble(b, "out of the loop")).hasCount(1);
        c2.waitForTimeout(700);
        assertThat(bubble(c2, "out of the loop")).hasCount(0);
        c2.reload();
        assertThat(c2.locator(".shell")).hasAttribute("data-status", "online");
        openGroup(c2, group);
        assertThat(systemLines(c2).last()).hasText("Alice Liddell removed you");
        assertThat(texts(c2, "theirs")).hasCount(3);
        assertThat(bubble(c2, "out of the loop")).hasCount(0);
        assertThat(c2.getByText("You are no longer a member of this group.")).isVisible();
        assertThat(groupItem(c2, group).locator(".conv-preview")).not().containsText("out of the loop");

        // The dark theme of the same chat.
        nav(a, "Settings");
        a.getByLabel("Dark").check();
        nav(a, "Chats");
        openGroup(a, group);
        shot(a, "i5-04-group-chat-dark");
    }

    @Test
    void directMessagesShowSentDeliveredAndReadTypingAndPresence() {
        Users users = new Users(server);
        Users.Device alice = user(users, "alice", "Alice Liddell");
        Users.Device bob = user(users, "bob", "Bob Builder");
        users.befriend(alice, bob);
        BrowserContext ctxA = desktop(), ctxB = desktop();
        Page a = login(ctxA, alice);

        // Bob is offline: the message is only sent.
        nav(a, "Contacts");
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Message Bob Builder")).click();
        send(a, "Are you there?");
        Locator mine = bubble(a, "Are you there?");
        assertThat(mine).hasAttribute("data-status", "sent");
        assertThat(a.locator(".chat-sub")).not().hasText("online");

        // Bob comes online (his list, not the chat): delivered, and Alice sees him online.
        Page b = login(ctxB, bob);
        assertThat(mine).hasAttribute("data-status", "delivered");
        assertThat(mine.locator(".tick")).hasAttribute("aria-label", "Delivered");
        assertThat(a.locator(".chat-sub")).hasText("online");
        assertThat(a.locator(".chat-header .presence-dot")).hasAttribute("data-presence", "online");

        // Bob opens the chat: read. He types; Alice sees it.
        peerItem(b, alice.user().username()).click();
        assertThat(mine).hasAttribute("data-status", "read");
        composer(b).pressSequentially("Yes");
        assertThat(a.locator(".chat-sub")).hasText("Bob Builder is typing…");
        composer(b).press("Enter");
        assertThat(bubble(a, "Yes")).hasCount(1);
        assertThat(a.locator(".chat-sub")).hasText("online");
        shot(a, "i5-05-direct-receipts");

        // Bob hides his presence: Alice sees him offline, without a last-seen time.
        nav(b, "Settings");
        b.getByLabel("Nobody").check();
        assertThat(b.getByText("Saved.")).isVisible();
        b.close();
        assertThat(a.locator(".chat-header .presence-dot")).hasCount(0);
        assertThat(a.locator(".chat-sub")).hasText("@" + bob.user().username());
    }
}
