package dev.parley.web;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserType;
import com.microsoft.playwright.Playwright;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.Map;

/**
 * One headless system Chromium (Debian's /usr/bin/chromium) for the whole browser test run, driven by Playwright.
 * Playwright never downloads a browser here; each test opens fresh contexts (own cookies and storage).
 */
final class Browsers {
    static final Path CHROMIUM = Paths.get(System.getenv().getOrDefault("PARLEY_CHROMIUM", "/usr/bin/chromium"));
    static final Path SCREENSHOTS = Paths.get("target", "e2e-screenshots");
    private static Playwright playwright;
    private static Browser browser;
    private static ParleyServer server;

    private Browsers() {}

    /**
     * The server the browser tests talk to: one of their own (SQLite), started on first use and stopped when the
     * JVM exits, so that other test classes starting and stopping servers never pull it away from under them.
     */
    static synchronized ParleyServer server() {
        if (server == null) {
            try {
                server = ParleyServer.dedicated(Backend.SQLITE, java.util.Map.of());
            } catch (Exception e) {
                throw new IllegalStateException("could not start Parley for the browser tests", e);
            }
            ParleyServer s = server;
            Runtime.getRuntime().addShutdownHook(new Thread(s::stop));
        }
        return server;
    }

    static synchronized Browser shared() {
        if (browser == null) {
            if (!Files.isExecutable(CHROMIUM)) {
                throw new IllegalStateException("The browser tests need Chromium at " + CHROMIUM
                        + ": install it (apt-get install -y chromium) or point PARLEY_CHROMIUM at one.");
            }
            playwright = Playwright.create(new Playwright.CreateOptions().setEnv(Map.of("PLAYWRIGHT_SKIP_BROWSER_DOWNLOAD", "1")));
            browser = playwright.chromium().launch(new BrowserType.LaunchOptions()
                    .setExecutablePath(CHROMIUM)
                    .setHeadless(true)
                    .setArgs(List.of("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                            "--disable-background-networking", "--disable-component-update", "--disable-sync",
                            // A fake microphone and camera (a beep, a test pattern) without a permission prompt: voice messages.
                            "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream")));
            Runtime.getRuntime().addShutdownHook(new Thread(Browsers::close));
        }
        return browser;
    }

    static synchronized void close() {
        try {
            if (browser != null) browser.close();
            if (playwright != null) playwright.close();
        } catch (RuntimeException ignored) {
            // the JVM is going away
        }
        browser = null;
        playwright = null;
    }
}
