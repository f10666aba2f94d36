package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;

import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import org.junit.jupiter.api.Test;

/** Device sessions from the browser: revoking one logs that browser out live; password change; log out. */
class SessionsTest extends BrowserTest {

    private Page login(String username, String password) {
        Page page = newContext("en-US", 1280, 800, 20_000).newPage();
        page.navigate("/");
        page.getByLabel("Username").fill(username);
        page.getByLabel("Password").fill(password);
        page.locator("form button[type=submit]").click();
        assertThat(page.getByRole(AriaRole.NAVIGATION)).isVisible();
        return page;
    }

    private static void settings(Page page) {
        page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Settings")).click();
    }

    @Test
    void revokingADeviceLogsItOutAndLogoutForgetsTheBrowser() {
        Users users = new Users(server);
        Users.Device kim = users.newUserDevice("kim");
        String name = kim.user().username();
        Page laptop = login(name, Users.PASSWORD);
        Page tablet = login(name, Users.PASSWORD);

        settings(laptop);
        Locator sessions = laptop.getByRole(AriaRole.LIST, new Page.GetByRoleOptions().setName("Devices"));
        assertThat(sessions.locator("li")).hasCount(3);
        assertThat(sessions).containsText("kim-phone");
        assertThat(sessions).containsText("This device");
        // Sign out every other device: the phone (API) and the tablet (browser).
        Locator signOut = sessions.getByRole(AriaRole.BUTTON);
        assertThat(signOut).hasCount(2);
        signOut.first().click();
        assertThat(signOut).hasCount(1);
        signOut.first().click();
        assertThat(sessions.locator("li")).hasCount(1);

        // The tablet's connection is closed (4403): it is back at the login screen, and stays there after a reload.
        assertThat(tablet.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Log in"))).isVisible();
        tablet.reload();
        assertThat(tablet.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Log in"))).isVisible();

        // Display name and password.
        laptop.getByLabel("Display name").fill("Kim Jiwoo");
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Save")).click();
        assertThat(laptop.getByText("Saved.")).isVisible();
        laptop.getByLabel("Current password").fill(Users.PASSWORD);
        laptop.getByLabel("New password").fill("a much better passphrase");
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Change password")).click();
        assertThat(laptop.getByText("Password changed. Other devices were signed out.")).isVisible();

        // Log out: the cookie is gone, a reload shows the login screen; the new password works.
        laptop.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Log out")).click();
        assertThat(laptop.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Log in"))).isVisible();
        laptop.reload();
        assertThat(laptop.getByRole(AriaRole.HEADING, new Page.GetByRoleOptions().setName("Log in"))).isVisible();
        Page again = login(name, "a much better passphrase");
        settings(again);
        assertThat(again.getByLabel("Display name")).hasValue("Kim Jiwoo");
    }
}
