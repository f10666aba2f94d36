package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.parley.web.ChatPages.action;
import static dev.parley.web.ChatPages.bubble;
import static dev.parley.web.ChatPages.login;
import static dev.parley.web.ChatPages.openGroup;
import static dev.parley.web.ChatPages.peerItem;
import static dev.parley.web.ChatPages.systemLines;
import static dev.parley.web.ChatPages.user;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Api;
import dev.parley.testkit.Users;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * Group moderation in the browser: admins, muting a member and everyone, transferring ownership, forwarding, leaving;
 * invite links with an expiry and a use limit, banning a member whom no link then lets back in, lifting the ban.
 */
class GroupModerationTest extends BrowserTest {

    private static Locator info(Page page) {
        return page.getByRole(AriaRole.COMPLEMENTARY, new Page.GetByRoleOptions().setName("Group info"));
    }

    private static void memberAction(Page page, String member, String what) {
        info(page).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Actions for " + member)).click();
        page.getByRole(AriaRole.MENUITEM, new Page.GetByRoleOptions().setName(what)).click();
    }

    @Test
    void adminsMutesOwnershipForwardAndLeave() {
        Users users = new Users(server);
        Users.Device alice = user(users, "alice", "Alice Liddell");
        Users.Device bob = user(users, "bob", "Bob Builder");
        Users.Device carol = user(users, "carol", "Carol Chen");
        users.befriend(alice, bob);
        users.befriend(alice, carol);
        String group = "Book club " + alice.user().id();
        Api.Response created = users.api().post("/api/v1/groups", alice.accessToken(),
                Map.of("name", group, "memberIds", List.of(bob.user().id(), carol.user().id())));
        org.assertj.core.api.Assertions.assertThat(created.status()).as(created.raw()).isEqualTo(201);

        BrowserContext ctxA = newContext("en-US", 1280, 800, 20_000);
        Page a = login(ctxA, alice);
        Page b = login(newContext("en-US", 1280, 800, 20_000), bob);
        Page c = login(newContext("en-US", 1280, 800, 20_000), carol);
        openGroup(a, group);
        openGroup(b, group);
        openGroup(c, group);
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Conversation info")).click();

        // Bob becomes an admin.
        memberAction(a, "Bob Builder", "Make admin");
        assertThat(info(a).locator(".member[data-username='" + bob.user().username() + "'] .chip")).hasText("Admin");
        assertThat(systemLines(b).last()).hasText("Alice Liddell made you an admin");

        // Carol is muted for an hour: she cannot write, the others can; then unmuted.
        memberAction(a, "Carol Chen", "Mute for 1 hour");
        assertThat(systemLines(c).last()).hasText("Alice Liddell muted you");
        assertThat(c.locator(".composer.disabled")).containsText("You are muted in this group until");
        assertThat(info(a).locator(".member[data-username='" + carol.user().username() + "']")).containsText("muted until");
        memberAction(a, "Carol Chen", "Unmute");
        assertThat(systemLines(c).last()).hasText("Alice Liddell unmuted you");
        assertThat(composer(c)).isVisible();

        // Everyone muted: only admins write.
        info(a).getByRole(AriaRole.SWITCH, new Locator.GetByRoleOptions().setName("Mute everyone (only admins can send)")).click();
        assertThat(c.locator(".composer.disabled")).hasText("Only admins can send messages in this group right now.");
        send(b, "Admins only for a moment");
        assertThat(bubble(c, "Admins only for a moment")).hasCount(1);
        info(a).getByRole(AriaRole.SWITCH, new Locator.GetByRoleOptions().setName("Mute everyone (only admins can send)")).click();
        assertThat(composer(c)).isVisible();
        send(c, "Chapter 3 is great");

        // Alice hands the group to Bob and becomes an admin.
        memberAction(a, "Bob Builder", "Transfer ownership");
        assertThat(info(a).locator(".member[data-username='" + bob.user().username() + "'] .chip")).hasText("Owner");
        assertThat(info(a).locator(".member[data-username='" + alice.user().username() + "'] .chip")).hasText("Admin");
        assertThat(systemLines(c).last()).hasText("Alice Liddell made Bob Builder the owner");

        // Alice forwards Carol's message to Bob directly.
        action(bubble(a, "Chapter 3 is great"), "Forward");
        Locator forward = a.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("Forward to…"));
        forward.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Forward Bob Builder")).click();
        assertThat(a.locator(".chat-notice")).hasText("Forwarded.");
        peerItem(b, alice.user().username()).click();
        Locator fwd = bubble(b, "Chapter 3 is great");
        assertThat(fwd.locator(".forwarded")).containsText("Forwarded");

        // Alice leaves (her info panel is still open): her group freezes.
        info(a).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Leave group")).click();
        assertThat(a.getByText("You are no longer a member of this group.")).isVisible();
        assertThat(systemLines(a).last()).hasText("You left the group");
        openGroup(c, group);
        assertThat(systemLines(c).last()).hasText("Alice Liddell left the group");
    }

    @Test
    void limitedInviteLinksAndABanThatNoLinkGetsRound() {
        Users users = new Users(server);
        Users.Device alice = user(users, "alice", "Alice Liddell");
        Users.Device carol = user(users, "carol", "Carol Chen");
        users.befriend(alice, carol);
        String group = "Chess club " + alice.user().id();
        Api.Response created = users.api().post("/api/v1/groups", alice.accessToken(),
                Map.of("name", group, "memberIds", List.of(carol.user().id())));
        org.assertj.core.api.Assertions.assertThat(created.status()).as(created.raw()).isEqualTo(201);

        Page a = login(newContext("en-US", 1280, 800, 20_000), alice);
        Page c = login(newContext("en-US", 1280, 800, 20_000), carol);
        openGroup(a, group);
        openGroup(c, group);
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Conversation info")).click();

        // A link for one day and two uses shows what is left of it.
        info(a).getByLabel("Link expires").selectOption("24");
        info(a).getByLabel("Uses (empty: no limit)").fill("2");
        info(a).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Create link")).click();
        Locator link = info(a).locator(".invite").first();
        assertThat(link.locator(".invite-limits")).containsText("2 of 2 uses left");
        assertThat(link.locator(".invite-limits")).containsText("expires");
        String code = link.getAttribute("data-code");

        // Carol is banned: she sees it, leaves the member list and appears among the bans.
        memberAction(a, "Carol Chen", "Ban from group");
        assertThat(systemLines(c).last()).hasText("Alice Liddell banned you");
        assertThat(info(a).locator(".member[data-username='" + carol.user().username() + "']")).hasCount(0);
        Locator bans = info(a).getByRole(AriaRole.LIST, new Locator.GetByRoleOptions().setName("Banned"));
        assertThat(bans.locator(".ban[data-username='" + carol.user().username() + "']")).hasCount(1);

        // The live link does not let her back in.
        Page back = login(newContext("en-US", 1280, 800, 20_000), carol, "/#/invite/" + code);
        Locator invite = back.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("Group invitation"));
        assertThat(invite.getByRole(AriaRole.ALERT)).hasText("This invite link is not valid any more.");

        // Lifting the ban empties the list; it does not add her back.
        bans.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Lift the ban on Carol Chen")).click();
        assertThat(info(a).getByText("Nobody is banned.")).isVisible();
        assertThat(info(a).locator(".member[data-username='" + carol.user().username() + "']")).hasCount(0);
    }
}
