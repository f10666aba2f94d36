package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.WebSocketRoute;
import com.microsoft.playwright.assertions.LocatorAssertions;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/** The web client when the network misbehaves: dropped WebSockets, offline periods, WebSockets blocked for good. */
class ConnectionTest extends BrowserTest {

    private BrowserContext context() {
        return newContext("en-US", 1280, 800, 30_000);
    }

    private static Page login(BrowserContext ctx, String username) {
        Page page = ctx.newPage();
        page.navigate("/");
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(Users.PASSWORD);
        page.locator("form button[type=submit]").click();
        assertThat(page.getByRole(AriaRole.NAVIGATION)).isVisible();
        return page;
    }

    private static void messageFriend(Page page, String displayName) {
        page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Contacts")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Message " + displayName)).click();
        assertThat(composer(page)).isVisible();
    }

    @Test
    void afterAnOutageTheClientReconnectsShowsWhatItMissedOnceAndDeliversWhatWasTyped() {
        Users users = new Users(server);
        Users.Device amy = users.newUserDevice("amy");
        Users.Device ben = users.newUserDevice("ben");
        users.befriend(amy, ben);

        BrowserContext ctxA = context();
        AtomicBoolean blocked = new AtomicBoolean();
        List<WebSocketRoute> sockets = new CopyOnWriteArrayList<>();
        ctxA.routeWebSocket(url -> url.contains("/ws?"), ws -> {
            if (blocked.get()) {
                ws.close();
                return;
            }
            ws.connectToServer();
            sockets.add(ws);
        });
        Page a = login(ctxA, amy.user().username());
        Page b = login(context(), ben.user().username());
        messageFriend(b, "amy");
        send(b, "before the outage");
        messageFriend(a, "ben");
        assertThat(bubbles(a, "theirs")).hasText(new String[] {"before the outage"});
        Locator shell = a.locator(".shell");
        assertThat(shell).hasAttribute("data-status", "online");

        // The network goes away: the socket drops, reconnects fail, the banner says so.
        blocked.set(true);
        ctxA.setOffline(true);
        sockets.get(sockets.size() - 1).close();
        assertThat(a.locator(".banner.offline")).isVisible();
        send(a, "typed while offline");
        assertThat(a.locator(".msg.mine[data-status='pending']")).hasCount(1);
        for (int i = 1; i <= 3; i++) send(b, "missed " + i);
        assertThat(b.locator(ACKED)).hasCount(4);

        // It comes back: exactly the missed messages appear, once each, and the pending one goes out once.
        blocked.set(false);
        ctxA.setOffline(false);
        assertThat(shell).hasAttribute("data-status", "online");
        assertThat(shell).hasAttribute("data-transport", "websocket");
        assertThat(bubbles(a, "theirs")).hasText(new String[] {"before the outage", "missed 1", "missed 2", "missed 3"});
        assertThat(a.locator(ACKED)).hasCount(1);
        assertThat(a.locator(".msg.mine[data-status='pending']")).hasCount(0);
        assertThat(bubbles(b, "theirs")).hasText(new String[] {"typed while offline"});
        assertThat(a.locator(".banner")).hasCount(0);
        a.waitForTimeout(1000);
        assertThat(bubbles(b, "theirs")).hasCount(1);
        assertThat(bubbles(a, "theirs")).hasCount(4);
    }

    @Test
    void whenWebSocketsNeverConnectTheClientFallsBackToLongPoll() {
        Users users = new Users(server);
        Users.Device cat = users.newUserDevice("cat");
        Users.Device dan = users.newUserDevice("dan");
        users.befriend(cat, dan);

        BrowserContext ctx = context();
        ctx.routeWebSocket(url -> url.contains("/ws?"), WebSocketRoute::close); // a proxy that kills every WebSocket
        Page c = login(ctx, cat.user().username());
        Locator shell = c.locator(".shell");
        assertThat(shell).hasAttribute("data-transport", "longpoll");
        assertThat(shell).hasAttribute("data-status", "online");

        Page d = login(context(), dan.user().username());
        messageFriend(d, "cat");
        send(d, "can you hear me?");
        c.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Chats (1)")).click();
        c.locator(".conv-item").first().click();
        assertThat(bubbles(c, "theirs")).hasText(new String[] {"can you hear me?"});
        send(c, "loud and clear, over long-poll");
        assertThat(c.locator(ACKED)).hasCount(1);
        assertThat(bubbles(d, "theirs")).hasText(new String[] {"loud and clear, over long-poll"});
        send(d, "great");
        assertThat(bubbles(c, "theirs")).hasText(new String[] {"can you hear me?", "great"},
                new LocatorAssertions.HasTextOptions().setTimeout(30_000));
    }
}
