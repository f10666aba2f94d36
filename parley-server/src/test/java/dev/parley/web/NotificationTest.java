package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A new message while the tab is hidden raises a browser notification (once permission is granted) and the unread
 * total shows in the tab title. Headless Chromium has no notification centre and never hides a tab, so the page
 * gets a recording Notification and a switchable document.hidden before it loads.
 */
class NotificationTest extends BrowserTest {
    private static final String FAKES = """
            window.__notes = [];
            window.__hidden = false;
            Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get() { return window.__hidden; } });
            Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true,
                get() { return window.__hidden ? 'hidden' : 'visible'; } });
            window.__permission = 'default';
            class RecordingNotification {
              static get permission() { return window.__permission; }
              static requestPermission() { window.__permission = 'granted'; return Promise.resolve('granted'); }
              constructor(title, options) { window.__notes.push({ title, body: options && options.body }); }
              close() {}
            }
            window.Notification = RecordingNotification;
            """;

    private BrowserContext context;

    @AfterEach
    void close() {
        if (context != null) context.close();
    }

    @Test
    @SuppressWarnings("unchecked")
    void aMessageWhileTheTabIsHiddenRaisesANotification() {
        Users users = new Users(server);
        Users.Device lea = users.newUserDevice("lea");
        Users.Device max = users.newUserDevice("max");
        users.befriend(lea, max);

        context = browser.newContext(new Browser.NewContextOptions().setLocale("en-US").setViewportSize(1280, 800).setBaseURL(server.http()));
        context.setDefaultTimeout(20_000);
        context.addInitScript(FAKES);
        Page page = context.newPage();
        page.navigate("/");
        page.getByLabel("Username").fill(lea.user().username());
        page.getByLabel("Password").fill(Users.PASSWORD);
        page.locator("form button[type=submit]").click();
        assertThat(page.locator(".shell")).hasAttribute("data-status", "online");

        page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Settings")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Enable notifications")).click();
        assertThat(page.getByText("Notifications are on")).isVisible();

        try (WsClient ws = WsClient.connect(server, max.accessToken())) {
            ws.await("hello");
            // Visible tab: no notification, but the title counts.
            ws.request(Map.of("type", "send", "to", lea.user().id(), "clientMsgId", "n-1", "text", "first, while you look"));
            assertThat(page).hasTitle("(1) Parley");
            // Hidden tab: a notification with the sender's name and the text.
            page.evaluate("() => { window.__hidden = true; document.dispatchEvent(new Event('visibilitychange')); }");
            ws.request(Map.of("type", "send", "to", lea.user().id(), "clientMsgId", "n-2", "text", "second, while you are away"));
            assertThat(page).hasTitle("(2) Parley");
            page.waitForCondition(() -> ((Number) page.evaluate("() => window.__notes.length")).intValue() == 1);
            List<Map<String, Object>> notes = (List<Map<String, Object>>) page.evaluate("() => window.__notes");
            assertThat(notes).hasSize(1);
            assertThat(notes.get(0)).containsEntry("title", "New message from max").containsEntry("body", "second, while you are away");
        }
    }
}
