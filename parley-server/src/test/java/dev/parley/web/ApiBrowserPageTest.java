package dev.parley.web;

import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Page;
import org.junit.jupiter.api.Test;

/** The API browser (Swagger UI) works under its Content-Security-Policy: it renders, and Chromium reports no violation. */
class ApiBrowserPageTest extends BrowserTest {
    @Test
    void theApiBrowserRendersUnderItsPolicy() {
        Page p = newContext("en-US", 1280, 800, 20_000).newPage();
        p.navigate("/swagger-ui.html");
        p.waitForSelector(".swagger-ui .info");
        assertThat(p.locator(".opblock").count()).as("the API's operations are listed").isPositive();
        // closeContexts() fails the test on any policy violation.
    }
}
