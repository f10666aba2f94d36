package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.BoundingBox;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Long conversations: older history loads on scrolling up without moving what is on screen; new messages wait politely. */
class HistoryScrollTest extends BrowserTest {
    private BrowserContext context;

    @AfterEach
    void close() {
        if (context != null) context.close();
    }

    private static void send(WsClient ws, long to, String text) {
        JsonNode ack = ws.request(Map.of("type", "send", "to", to, "clientMsgId", java.util.UUID.randomUUID().toString(), "text", text));
        assertThat(ack.get("type").asString()).as(ack.toString()).isEqualTo("ack");
    }

    @Test
    void scrollingUpLoadsOlderMessagesInPlaceAndNewOnesShowAButton() throws Exception {
        Users users = new Users(server);
        Users.Device ivy = users.newUserDevice("ivy");
        Users.Device jon = users.newUserDevice("jon");
        users.befriend(ivy, jon);
        try (WsClient ws = WsClient.connect(server, jon.accessToken())) {
            ws.await("hello");
            for (int i = 1; i <= 130; i++) {
                send(ws, ivy.user().id(), "history " + i);
                if (i > 30) Thread.sleep(60); // stay under the per-connection rate limit
            }

            context = browser.newContext(new Browser.NewContextOptions().setLocale("en-US").setViewportSize(1100, 700).setBaseURL(server.http()));
            context.setDefaultTimeout(20_000);
            Page page = context.newPage();
            page.navigate("/");
            page.getByLabel("Username").fill(ivy.user().username());
            page.getByLabel("Password").fill(Users.PASSWORD);
            page.locator("form button[type=submit]").click();
            page.locator(".conv-item").first().click();

            Locator bubbles = page.locator(".messages .msg.theirs .msg-text");
            Locator scroller = page.locator(".messages");
            assertThat(bubbles).hasCount(50);
            assertThat(bubbles.last()).hasText("history 130");
            assertThat(bubbles.first()).hasText("history 81");
            assertThat(page).hasTitle("Parley"); // read on open

            // Scroll to the top: the previous page arrives above, and "history 81" stays where it was on screen.
            Locator anchor = page.getByText("history 81", new Page.GetByTextOptions().setExact(true));
            scroller.evaluate("el => { el.scrollTop = 0; }");
            BoundingBox before = anchor.boundingBox();
            assertThat(bubbles).hasCount(100);
            page.waitForTimeout(200);
            BoundingBox after = anchor.boundingBox();
            assertThat(Math.abs(after.y - before.y)).as("the view did not jump").isLessThan(60);
            scroller.evaluate("el => { el.scrollTop = 0; }");
            assertThat(bubbles).hasCount(130);
            assertThat(bubbles.first()).hasText("history 1");
            assertThat(page.getByText("This is the beginning of your conversation.")).isVisible();

            // Reading old messages: a new one does not yank the view down, a button offers to jump.
            scroller.evaluate("el => { el.scrollTop = 0; }");
            send(ws, ivy.user().id(), "something new");
            Locator jump = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("New messages ↓"));
            assertThat(jump).isVisible();
            assertThat(((Number) scroller.evaluate("el => el.scrollTop")).doubleValue()).isLessThan(200);
            jump.click();
            assertThat(jump).isHidden();
            assertThat(scroller.getByText("something new")).isInViewport();
            assertThat(bubbles).hasCount(131);

            // At the bottom, new messages simply appear in view.
            send(ws, ivy.user().id(), "and another");
            assertThat(scroller.getByText("and another")).isInViewport();
            assertThat(jump).isHidden();
        }
    }
}
