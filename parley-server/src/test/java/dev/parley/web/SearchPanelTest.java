package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.parley.web.ChatPages.bubble;
import static dev.parley.web.ChatPages.login;
import static dev.parley.web.ChatPages.sendDirect;
import static dev.parley.web.ChatPages.shot;
import static dev.parley.web.ChatPages.user;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import dev.parley.testkit.WsClient;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Message search in the browser: a Chinese query over all conversations finds a message far back in a long
 * conversation; choosing it opens the chat at that message (history around it), and search within the open
 * conversation works the same way.
 */
class SearchPanelTest extends BrowserTest {

    @Test
    void aChineseQueryFindsAnOldMessageAndJumpsToIt() {
        Users users = new Users(server);
        Users.Device wang = user(users, "wang", "王小明");
        Users.Device li = user(users, "li", "李华");
        users.befriend(wang, li);

        // An old message, then more than a page of newer ones, so the hit is not among the messages loaded first.
        try (WsClient ws = WsClient.connect(server, li.accessToken())) {
            ws.await("hello");
            sendDirect(ws, wang.user().id(), "s-0", "我们明天下午三点开会讨论预算");
            for (int i = 1; i <= 70; i++) sendDirect(ws, wang.user().id(), "s-" + i, "第 " + i + " 条消息");
        }

        BrowserContext ctx = newContext("zh-CN", 1280, 800, 20_000);
        Page page = login(ctx, wang);
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("搜索消息")).click();
        Locator panel = page.getByRole(AriaRole.COMPLEMENTARY, new Page.GetByRoleOptions().setName("搜索消息"));
        panel.getByRole(AriaRole.SEARCHBOX, new Locator.GetByRoleOptions().setName("搜索消息")).fill("开会");
        Locator results = panel.locator(".result");
        assertThat(results).hasCount(1);
        assertThat(results.first()).containsText("李华");
        assertThat(results.first().locator("mark")).hasText("开会");
        assertThat(results.first().locator(".search-line.hit")).containsText("我们明天下午三点开会讨论预算");
        // Context: nothing before it, the two messages after it.
        assertThat(results.first().locator(".search-line")).hasText(new String[] {"李华: 我们明天下午三点开会讨论预算", "李华: 第 1 条消息", "李华: 第 2 条消息"});
        shot(page, "i5-06-search-results-zh-CN");

        results.first().click();
        Locator hit = bubble(page, "我们明天下午三点开会讨论预算");
        assertThat(hit).hasCount(1);
        assertThat(hit).isInViewport();
        assertThat(hit).hasClass(Pattern.compile("\\bflash\\b"));
        // Scrolling down from the jump reaches the newest message, each once. The page around the hit may be short
        // enough that the next one loads at once (then there is no "back to latest" button): scroll or click.
        Locator latest = page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("回到最新 ↓"));
        for (int i = 0; i < 30 && bubble(page, "第 70 条消息").count() == 0; i++) {
            if (latest.isVisible()) latest.click();
            else page.locator(".chat-pane .messages").first().evaluate("el => { el.scrollTop = el.scrollHeight; }");
            page.waitForTimeout(200);
        }
        assertThat(bubble(page, "第 70 条消息")).hasCount(1);
        for (int i : new int[] {1, 25, 26, 50, 51, 69}) assertThat(bubble(page, "第 " + i + " 条消息")).hasCount(1);

        // Search within the open conversation.
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("搜索聊天记录")).click();
        Locator inChat = page.getByRole(AriaRole.COMPLEMENTARY, new Page.GetByRoleOptions().setName("在“李华”中搜索"));
        inChat.getByRole(AriaRole.SEARCHBOX).fill("第 3 条");
        assertThat(inChat.locator(".result")).hasCount(1);
        inChat.locator(".result").first().click();
        assertThat(bubble(page, "第 3 条消息")).isInViewport();
    }
}
