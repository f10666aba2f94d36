package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.parley.web.ChatPages.bubble;
import static dev.parley.web.ChatPages.login;
import static dev.parley.web.ChatPages.peerItem;
import static dev.parley.web.ChatPages.sendDirect;
import static dev.parley.web.ChatPages.texts;
import static dev.parley.web.ChatPages.user;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import org.junit.jupiter.api.Test;

/**
 * Per-conversation settings in the browser: mute (not counted, no notification), pin (on top), archive (own
 * folder, synced live to the user's other tab), and delete for me (gone until something new arrives).
 */
class ConversationSettingsPageTest extends BrowserTest {

    private static void toggle(Page page, String label) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Conversation info")).click();
        Locator info = page.getByRole(AriaRole.COMPLEMENTARY, new Page.GetByRoleOptions().setName("Conversation info"));
        info.getByRole(AriaRole.SWITCH, new Locator.GetByRoleOptions().setName(label)).click();
        assertThat(info.getByRole(AriaRole.SWITCH, new Locator.GetByRoleOptions().setName(label))).isChecked();
        info.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Close")).click();
    }

    @Test
    void muteTogglePinArchiveAndDeleteForMe() {
        Users users = new Users(server);
        Users.Device alice = user(users, "alice", "Alice Liddell");
        Users.Device bob = user(users, "bob", "Bob Builder");
        Users.Device carol = user(users, "carol", "Carol Chen");
        users.befriend(alice, bob);
        users.befriend(alice, carol);
        try (WsClient wb = WsClient.connect(server, bob.accessToken()); WsClient wc = WsClient.connect(server, carol.accessToken())) {
            wb.await("hello");
            wc.await("hello");
            sendDirect(wc, alice.user().id(), "c-1", "Hi from Carol");
            sendDirect(wb, alice.user().id(), "b-1", "Hi from Bob");

            BrowserContext ctx = newContext("en-US", 1280, 800, 20_000);
            Page a = login(ctx, alice);
            Page other = ChatPages.open(ctx, "/");
            assertThat(other.locator(".shell")).hasAttribute("data-status", "online");
            assertThat(a).hasTitle("(2) Parley");

            // Mute Carol: her next message shows a grey badge and does not count in the title.
            peerItem(a, carol.user().username()).click();
            toggle(a, "Mute notifications");
            peerItem(a, bob.user().username()).click();
            assertThat(a).hasTitle("Parley");
            sendDirect(wc, alice.user().id(), "c-2", "Muted ping");
            Locator carolItem = peerItem(a, carol.user().username());
            assertThat(carolItem.locator(".badge.muted-badge")).hasText("1");
            assertThat(carolItem).hasClass(java.util.regex.Pattern.compile("\\bis-muted\\b"));
            assertThat(a).hasTitle("Parley");

            // Pin Carol: on top although Bob's chat is opened (and newer).
            carolItem.click();
            toggle(a, "Pin to top");
            assertThat(a.locator(".conv-item").first()).hasAttribute("data-peer", carol.user().username());
            assertThat(other.locator(".conv-item").first()).hasAttribute("data-peer", carol.user().username());

            // Archive Bob: his chat moves to the archived folder, on the other tab too.
            peerItem(a, bob.user().username()).click();
            toggle(a, "Archive");
            assertThat(peerItem(a, bob.user().username())).hasCount(0);
            assertThat(peerItem(other, bob.user().username())).hasCount(0);
            a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Archived chats (1)")).click();
            assertThat(peerItem(a, bob.user().username())).isVisible();
            a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to chats")).click();

            // Delete Carol's history for me: gone from the list until she writes again, then only the new message.
            carolItem.click();
            assertThat(texts(a, "theirs")).hasCount(2);
            a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Conversation info")).click();
            a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Delete history for me")).click();
            assertThat(texts(a, "theirs")).hasCount(0);
            assertThat(peerItem(a, carol.user().username())).hasCount(0);
            sendDirect(wc, alice.user().id(), "c-3", "Starting over");
            assertThat(peerItem(a, carol.user().username())).isVisible();
            peerItem(a, carol.user().username()).click();
            assertThat(texts(a, "theirs")).hasText(new String[] {"Starting over"});
            a.reload();
            peerItem(a, carol.user().username()).click();
            assertThat(texts(a, "theirs")).hasText(new String[] {"Starting over"});
            assertThat(bubble(a, "Hi from Carol")).hasCount(0);
        }
    }
}
