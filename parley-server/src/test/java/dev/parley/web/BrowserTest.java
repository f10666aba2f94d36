package dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.ParleyServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;

/**
 * Base of the browser tests: the shared server and headless Chromium ({@link Browsers}), the browser contexts a
 * test opened (closed after each test), and the page helpers every chat test needs.
 */
abstract class BrowserTest {
    static ParleyServer server;
    static Browser browser;
    final List<BrowserContext> contexts = new CopyOnWriteArrayList<>();
    /** What the browser refused under the server's Content-Security-Policy: every browser test expects none. */
    final List<String> policyViolations = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void startBrowser() {
        server = Browsers.server();
        browser = Browsers.shared();
    }

    @AfterEach
    void closeContexts() {
        contexts.forEach(BrowserContext::close);
        contexts.clear();
        assertThat(policyViolations).as("the app works under its Content-Security-Policy").isEmpty();
    }

    /** A new browser context (its own cookies and storage) on the server, closed after the test. */
    BrowserContext newContext(String locale, int width, int height, double defaultTimeoutMillis) {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions()
                .setLocale(locale).setViewportSize(width, height).setBaseURL(server.http()));
        c.setDefaultTimeout(defaultTimeoutMillis);
        c.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) policyViolations.add(m.text());
        });
        contexts.add(c);
        return c;
    }

    /** One's own messages the server acknowledged: sent, and since issue 5 perhaps already delivered or read. */
    static final String ACKED = ".msg.mine:is([data-status='sent'], [data-status='delivered'], [data-status='read'])";

    static Locator composer(Page page) {
        return page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("Message").setExact(true));
    }

    static void send(Page page, String text) {
        composer(page).fill(text);
        composer(page).press("Enter");
    }

    static Locator bubbles(Page page, String side) {
        return page.locator(".messages .msg." + side + " .msg-text");
    }
}
