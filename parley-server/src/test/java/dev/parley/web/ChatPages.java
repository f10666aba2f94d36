package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Api;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import java.nio.file.Files;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/** Page helpers of the issue-5 browser tests: users with display names, login, the group screens, screenshots. */
final class ChatPages {
    private ChatPages() {}

    /** A fresh user with a display name of our choice (the test kit's users are named by their prefix). */
    static Users.Device user(Users users, String prefix, String displayName) {
        String name = Users.freshName(prefix);
        Api.Response r = users.api().post("/api/v1/accounts", null, Map.of("username", name, "displayName", displayName, "password", Users.PASSWORD));
        assertThat(r.status()).as(r.raw()).isEqualTo(201);
        return users.login(new Users.User(r.body().get("id").asLong(), name), prefix + "-phone");
    }

    /** Sends a message over a test connection, waiting out the per-connection rate limit; asserts it was stored. */
    static void sendDirect(WsClient ws, long to, String clientMsgId, String text) {
        for (int attempt = 0; ; attempt++) {
            JsonNode r = ws.request(Map.of("type", "send", "to", to, "clientMsgId", clientMsgId, "text", text));
            if ("ack".equals(r.get("type").asString())) return;
            assertThat(r.path("code").asString()).as(r.toString()).isEqualTo("rate_limited");
            assertThat(attempt).as("still rate limited").isLessThan(50);
            try {
                Thread.sleep(200);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new AssertionError(e);
            }
        }
    }

    static Page open(BrowserContext ctx, String path) {
        Page page = ctx.newPage();
        // Group admins confirm removals and recalls.
        page.onDialog(d -> d.accept());
        page.navigate(path);
        return page;
    }

    /** Logs in on the login form and waits for the live connection. */
    static Page login(BrowserContext ctx, Users.Device who) {
        return login(ctx, who, "/");
    }

    static Page login(BrowserContext ctx, Users.Device who, String path) {
        Page page = open(ctx, path);
        page.locator("input[name=username]").fill(who.user().username());
        page.locator("input[name=password]").fill(Users.PASSWORD);
        page.locator("form button[type=submit]").click();
        assertThat(page.locator(".shell")).hasAttribute("data-status", "online");
        return page;
    }

    static Locator navigation(Page page) {
        return page.getByRole(AriaRole.NAVIGATION);
    }

    static void nav(Page page, String name) {
        navigation(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name)).click();
    }

    static Locator groupItem(Page page, String groupName) {
        return page.locator(".conv-item[data-group='" + groupName + "']");
    }

    static Locator peerItem(Page page, String username) {
        return page.locator(".conv-item[data-peer='" + username + "']");
    }

    /** Opens a group from the conversation list and waits for its composer (or its read-only note). */
    static void openGroup(Page page, String groupName) {
        groupItem(page, groupName).click();
        assertThat(page.locator(".chat-pane .chat-title h2")).hasText(groupName);
    }

    /** Shown message bubbles (not system lines, not recalled placeholders) of a side: "mine", "theirs" or "" for both. */
    static Locator texts(Page page, String side) {
        return page.locator(".messages .msg" + (side.isEmpty() ? "" : "." + side) + " .msg-text");
    }

    /** The message bubble whose text contains the given text. */
    static Locator bubble(Page page, String text) {
        return page.locator(".messages .msg").filter(new Locator.FilterOptions().setHas(page.locator(".msg-text", new Page.LocatorOptions().setHasText(text))));
    }

    static Locator systemLines(Page page) {
        return page.locator(".messages .sys-line");
    }

    /** Clicks one of the actions on a message (Reply, React, Forward, Edit, Recall), hovering it first like a mouse user. */
    static void action(Locator bubble, String action) {
        bubble.locator(".bubble").hover();
        bubble.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(action).setExact(true)).click();
    }

    static void react(Locator bubble, String emoji) {
        react(bubble, emoji, "React");
    }

    /** Reacts through the quick picker; {@code label}: the React button's name in the page's language. */
    static void react(Locator bubble, String emoji, String label) {
        action(bubble, label);
        bubble.locator(".reaction-picker").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(emoji).setExact(true)).click();
    }

    static void shot(Page page, String name) {
        try {
            Files.createDirectories(Browsers.SCREENSHOTS);
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
        page.screenshot(new Page.ScreenshotOptions().setPath(Browsers.SCREENSHOTS.resolve(name + ".png")));
    }
}
