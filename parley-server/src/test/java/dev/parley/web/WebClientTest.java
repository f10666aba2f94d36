package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import java.nio.file.Files;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The web client in real headless Chromium against a real server (SQLite). */
class WebClientTest extends BrowserTest {

    @BeforeAll
    static void start() throws Exception {
        Files.createDirectories(Browsers.SCREENSHOTS);
    }

    private BrowserContext context(String locale, int width, int height) {
        return newContext(locale, width, height, 20_000);
    }

    private BrowserContext desktop() { return context("en-US", 1280, 800); }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Browsers.SCREENSHOTS.resolve(name + ".png")));
    }

    private static Page open(BrowserContext ctx) {
        Page page = ctx.newPage();
        page.navigate("/");
        return page;
    }

    private static void register(Page page, String username, String displayName) {
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Create account")).click();
        page.getByLabel("Username").fill(username);
        page.getByLabel("Display name").fill(displayName);
        page.getByLabel("Password").fill(Users.PASSWORD);
        page.locator("form button[type=submit]").click();
        assertThat(navigation(page)).isVisible();
    }

    private static void login(Page page, String username) {
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(Users.PASSWORD);
        page.locator("form button[type=submit]").click();
        assertThat(navigation(page)).isVisible();
    }

    private static Locator navigation(Page page) {
        return page.getByRole(AriaRole.NAVIGATION);
    }

    private static void nav(Page page, String name) {
        navigation(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName(name)).click();
    }

    private static void openChat(Page page, String username) {
        nav(page, "Chats");
        page.locator(".conv-item[data-peer='" + username + "']").click();
        assertThat(composer(page)).isVisible();
    }

    @Test
    void twoUsersBefriendChatLiveAndCatchUpAfterClosingTheTab() {
        String alice = Users.freshName("alice");
        String bob = Users.freshName("bob");
        BrowserContext ctxA = desktop();
        BrowserContext ctxB = desktop();

        Page a = open(ctxA);
        assertThat(a.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Log in"))).isVisible();
        shot(a, "01-login");
        register(a, alice, "Alice Liddell");
        Page b = open(ctxB);
        register(b, bob, "Bob Builder");

        // Alice finds Bob and sends a request with a note; Bob sees it arrive live and accepts.
        nav(a, "Contacts");
        a.locator("#user-search").fill(bob);
        a.locator("#user-search").press("Enter");
        Locator result = a.locator(".person[data-username='" + bob + "']");
        result.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Add friend")).click();
        result.getByLabel("Note (optional)").fill("Hi Bob, it's Alice from the workshop");
        result.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Send request")).click();
        assertThat(a.getByText("Request sent.").first()).isVisible();

        nav(b, "Contacts");
        Locator request = b.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Friend requests"))
                .locator(".person[data-username='" + alice + "']");
        assertThat(request).containsText("Hi Bob, it's Alice from the workshop");
        shot(b, "03-contacts-request");
        request.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Accept Alice Liddell")).click();
        Locator bobsFriends = b.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Friends"));
        assertThat(bobsFriends.locator(".person[data-username='" + alice + "']")).isVisible();
        // Alice's friend list follows through the friend_added event.
        assertThat(a.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Friends"))
                .locator(".person[data-username='" + bob + "']")).isVisible();
        shot(a, "04-contacts");

        // Bob opens the chat from his friend list and writes first; Alice gets it live.
        bobsFriends.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Message Alice Liddell")).click();
        send(b, "Hi Alice! Got your request 👋");
        assertThat(b.locator(ACKED)).hasCount(1);
        nav(a, "Chats");
        Locator convOnA = a.locator(".conv-item[data-peer='" + bob + "']");
        assertThat(convOnA).containsText("Hi Alice! Got your request");
        assertThat(convOnA.locator(".badge")).hasText("1");
        assertThat(a).hasTitle("(1) Parley");
        convOnA.click();
        assertThat(bubbles(a, "theirs")).hasText(new String[] {"Hi Alice! Got your request 👋"});
        assertThat(a).hasTitle("Parley");

        send(a, "Hello Bob! Shall we meet at https://example.com/cafe tomorrow?\nI can bring the drawings.");
        assertThat(bubbles(b, "theirs")).hasCount(1);
        assertThat(bubbles(b, "theirs").first()).containsText("I can bring the drawings.");
        Locator link = b.locator(".messages a[href='https://example.com/cafe']");
        assertThat(link).hasAttribute("rel", "noopener noreferrer");
        send(b, "Perfect, see you there ☕");
        assertThat(bubbles(a, "theirs")).hasCount(2);
        shot(a, "05-chat");
        nav(a, "Chats");
        a.locator(".list-pane").focus();
        shot(a, "02-conversation-list");

        // Alice closes her tab. Bob writes three messages meanwhile.
        a.close();
        for (int i = 1; i <= 3; i++) send(b, "While you were away " + i);
        assertThat(b.locator(ACKED)).hasCount(5);

        // Alice comes back in a new tab: the refresh cookie logs her in, and she sees each message exactly once.
        Page a2 = open(ctxA);
        assertThat(navigation(a2)).isVisible();
        Locator conv2 = a2.locator(".conv-item[data-peer='" + bob + "']");
        assertThat(conv2.locator(".badge")).hasText("3");
        assertThat(conv2).containsText("While you were away 3");
        conv2.click();
        assertThat(bubbles(a2, "theirs")).hasText(new String[] {
                "Hi Alice! Got your request 👋", "Perfect, see you there ☕",
                "While you were away 1", "While you were away 2", "While you were away 3"});
        assertThat(bubbles(a2, "mine")).hasCount(1);

        // And live again both ways on the new tab.
        send(a2, "Back! Read all three.");
        assertThat(bubbles(b, "theirs").last()).hasText("Back! Read all three.");
        send(b, "Welcome back");
        assertThat(bubbles(a2, "theirs").last()).hasText("Welcome back");
        assertThat(bubbles(a2, "theirs")).hasCount(6);

        // Settings, then the dark theme.
        nav(a2, "Settings");
        assertThat(a2.getByText("This device")).isVisible();
        shot(a2, "06-settings");
        a2.getByLabel("Dark").check();
        assertThat(a2.locator("html")).hasAttribute("data-theme", "dark");
        openChat(a2, bob);
        shot(a2, "07-chat-dark");

        // The phone: one pane at a time.
        BrowserContext phone = context("en-US", 375, 740);
        Page p = open(phone);
        shot(p, "08-phone-login");
        login(p, alice);
        assertThat(p.locator(".conv-item[data-peer='" + bob + "']")).isVisible();
        shot(p, "09-phone-list");
        p.locator(".conv-item[data-peer='" + bob + "']").click();
        assertThat(bubbles(p, "theirs")).hasCount(6);
        assertThat(p.locator(".list-pane")).isHidden();
        shot(p, "10-phone-chat");
        p.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Back to chats")).click();
        assertThat(p.locator(".list-pane")).isVisible();
    }

    @Test
    void markupInAMessageIsShownAsTextAndNeverRuns() {
        Users users = new Users(server);
        Users.Device mallory = users.newUserDevice("mallory");
        Users.Device victim = users.newUserDevice("victim");
        users.befriend(mallory, victim);

        List<String> dialogs = new CopyOnWriteArrayList<>();
        Page m = open(desktop());
        m.onDialog(d -> { dialogs.add(d.message()); d.dismiss(); });
        login(m, mallory.user().username());
        Page v = open(desktop());
        v.onDialog(d -> { dialogs.add(d.message()); d.dismiss(); });
        login(v, victim.user().username());

        nav(m, "Contacts");
        m.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Message victim")).click();
        String evil = "<img src=x onerror=alert(1)>";
        String evil2 = "<script>alert(2)</script> javascript:alert(3) <a href=\"javascript:alert(4)\">x</a>";
        send(m, evil);
        send(m, evil2);

        openChat(v, mallory.user().username());
        assertThat(bubbles(v, "theirs")).hasText(new String[] {evil, evil2});
        assertThat(v.getByText(evil, new Page.GetByTextOptions().setExact(true))).isVisible();
        assertThat(v.locator(".messages img")).hasCount(0);
        assertThat(v.locator(".messages script")).hasCount(0);
        assertThat(v.locator(".messages a")).hasCount(0);
        assertThat(m.locator(".messages img")).hasCount(0);
        // The preview in the list is text too.
        assertThat(v.locator(".conv-item .conv-preview").first()).containsText("<script>alert(2)</script>");
        v.waitForTimeout(500);
        assertThat(dialogs).as("no script ran").isEmpty();
    }

    @Test
    void theInterfaceSpeaksChinese() {
        Users users = new Users(server);
        Users.Device wang = users.newUserDevice("wang");
        Users.Device li = users.newUserDevice("li");
        users.befriend(wang, li);

        // A Traditional Chinese browser gets zh-TW by default.
        Page tw = open(context("zh-TW", 1280, 800));
        assertThat(tw.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("登入"))).isVisible();
        assertThat(tw.getByLabel("使用者名稱")).isVisible();

        // An English browser switches to Simplified Chinese in Settings.
        Page page = open(desktop());
        login(page, wang.user().username());
        nav(page, "Settings");
        page.getByLabel("Language").selectOption("zh-CN");
        assertThat(page.locator("html")).hasAttribute("lang", "zh-CN");
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("设置"))).isVisible();
        assertThat(navigation(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("聊天"))).isVisible();
        assertThat(navigation(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("联系人"))).isVisible();
        assertThat(page.getByText("退出登录")).isVisible();
        shot(page, "11-settings-zh-CN");
        navigation(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("联系人")).click();
        assertThat(page.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("好友").setExact(true))).isVisible();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("发消息 li")).click();
        assertThat(page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("消息").setExact(true))).isVisible();
        page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("消息").setExact(true)).fill("你好！");
        page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("消息").setExact(true)).press("Enter");
        assertThat(page.locator(ACKED)).hasCount(1);
        assertThat(page.locator(".day-sep")).hasText("今天");
        shot(page, "12-chat-zh-CN");
        // The choice sticks across reloads.
        page.reload();
        assertThat(navigation(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("设置"))).isVisible();
    }
}
