package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.Browser;
import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Page;
import dev.parley.testkit.Api;
import dev.parley.testkit.Backend;
import dev.parley.testkit.ParleyServer;
import dev.parley.testkit.Users;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/**
 * Sign-up on an invite-only server, as a person does it: an invite link opens the sign-up form with its code filled
 * in and takes the code out of the address bar; without a usable code the form says why. A server of its own, since
 * the registration mode is a server setting.
 */
class InviteOnlySignUpTest extends BrowserTest {
    private static final String BOOTSTRAP = "bootstrap-invite-0123456789";
    static ParleyServer inviteOnly;

    @BeforeAll
    static void startInviteOnlyServer() throws Exception {
        inviteOnly = ParleyServer.dedicated(Backend.SQLITE, Map.of(
                "parley.registration.mode", "invite",
                "parley.registration.admins", "inv_admin",
                "parley.registration.bootstrap-token", BOOTSTRAP));
    }

    @AfterAll
    static void stopInviteOnlyServer() {
        inviteOnly.stop();
    }

    private BrowserContext contextOnInviteOnlyServer() {
        BrowserContext c = browser.newContext(new Browser.NewContextOptions()
                .setLocale("en-US").setViewportSize(1200, 800).setBaseURL(inviteOnly.http()));
        c.setDefaultTimeout(15_000);
        c.onConsoleMessage(m -> {
            if (m.text().contains("Content Security Policy")) policyViolations.add(m.text());
        });
        contexts.add(c);
        return c;
    }

    @Test
    void anInviteLinkOpensSignUpWithItsCodeAndAnUnusableCodeIsRefused() {
        Api api = new Api(inviteOnly);
        assertThat(api.post("/api/v1/accounts", null, Map.of("username", "inv_admin", "password", Users.PASSWORD, "token", BOOTSTRAP))
                .status()).isEqualTo(201);
        String admin = api.post("/api/v1/auth/login", null, Map.of("username", "inv_admin", "password", Users.PASSWORD, "deviceName", "test"))
                .body().get("accessToken").asString();
        Api.Response created = api.post("/api/v1/registration-tokens", admin, Map.of("maxUses", 1));
        assertThat(created.status()).as(created.raw()).isEqualTo(201);
        String code = created.body().get("token").asString();

        // Without a code: the form asks for one, and a wrong one is refused with the documented text.
        Page stranger = ChatPages.open(contextOnInviteOnlyServer(), "/");
        stranger.locator("p.switch button").click();
        assertThat(stranger.locator("input[name=token]")).isVisible();
        stranger.locator("input[name=token]").fill("not-a-real-code");
        stranger.locator("input[name=username]").fill("inv_stranger");
        stranger.locator("input[name=password]").fill(Users.PASSWORD);
        stranger.locator("form button[type=submit]").click();
        assertThat(stranger.getByRole(com.microsoft.playwright.options.AriaRole.ALERT))
                .hasText("This invite is not valid: it is unknown, revoked, expired or used up.");

        // With the link: the code is filled in, gone from the address bar, and the new account is signed in.
        Page invited = ChatPages.open(contextOnInviteOnlyServer(), "/#token=" + code);
        assertThat(invited.locator("input[name=token]")).hasValue(code);
        // The page takes the code out of the address bar once it has read it (asserted with retries: it happens
        // just after the first render).
        assertThat(invited).hasURL(java.util.regex.Pattern.compile("^(?!.*token=).*$"));
        invited.locator("input[name=username]").fill("inv_newcomer");
        invited.locator("input[name=password]").fill(Users.PASSWORD);
        invited.locator("form button[type=submit]").click();
        assertThat(invited.locator(".shell")).hasAttribute("data-status", "online");

        // The link admitted one account: it is used up now.
        JsonNode tokens = api.get("/api/v1/registration-tokens", admin).body();
        JsonNode used = null;
        for (JsonNode t : tokens) if (t.get("token").asString().equals(code)) used = t;
        assertThat(used).as("the admin still lists the code").isNotNull();
        assertThat(used.get("uses").asInt()).isEqualTo(1);
        assertThat(used.get("usable").asBoolean()).isFalse();
    }
}
