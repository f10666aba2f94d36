package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static dev.parley.web.ChatPages.bubble;
import static dev.parley.web.ChatPages.login;
import static dev.parley.web.ChatPages.openGroup;
import static dev.parley.web.ChatPages.react;
import static dev.parley.web.ChatPages.shot;
import static dev.parley.web.ChatPages.systemLines;
import static dev.parley.web.ChatPages.user;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.options.AriaRole;
import dev.parley.testkit.Users;
import org.junit.jupiter.api.Test;

/** The group screens in Simplified Chinese: creating a group, its info panel, an invite link and joining by it. */
class GroupScreensChineseTest extends BrowserTest {

    private static Locator textbox(Page page) {
        return page.getByRole(AriaRole.TEXTBOX, new Page.GetByRoleOptions().setName("消息").setExact(true));
    }

    @Test
    void createInviteAndJoinInChinese() {
        Users users = new Users(server);
        Users.Device wang = user(users, "wang", "王小明");
        Users.Device li = user(users, "li", "李华");
        Users.Device zhao = user(users, "zhao", "赵六");
        users.befriend(wang, li);
        String group = "周末徒步 " + wang.user().id();

        BrowserContext ctxW = newContext("zh-CN", 1280, 800, 20_000);
        Page w = login(ctxW, wang);
        w.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("发起群聊")).click();
        Locator dialog = w.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("发起群聊"));
        dialog.getByLabel("群名称").fill(group);
        dialog.locator(".person[data-username='" + li.user().username() + "'] input[type=checkbox]").check();
        assertThat(dialog.getByText("已选 1 人")).isVisible();
        dialog.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("创建群聊")).click();
        assertThat(systemLines(w).first()).hasText("你创建了群聊“" + group + "”");
        assertThat(w.locator(".chat-sub")).hasText("2 位成员");

        Page l = login(newContext("zh-CN", 1280, 800, 20_000), li);
        openGroup(l, group);
        assertThat(systemLines(l).first()).hasText("王小明创建了群聊“" + group + "”");
        textbox(l).fill("大家好！周六早上八点出发。");
        textbox(l).press("Enter");
        react(bubble(w, "周六早上八点出发"), "👍", "回应");
        assertThat(bubble(l, "周六早上八点出发").locator(".reaction")).hasAttribute("title", "王小明 回应了 👍");

        // The announcement and an invite link from the info panel.
        w.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("聊天信息")).click();
        Locator info = w.getByRole(AriaRole.COMPLEMENTARY, new Page.GetByRoleOptions().setName("群聊信息"));
        info.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("编辑群公告")).click();
        info.getByRole(AriaRole.TEXTBOX, new Locator.GetByRoleOptions().setName("群公告")).fill("记得带登山鞋和雨衣。");
        info.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("保存")).click();
        assertThat(w.locator(".announcement")).containsText("记得带登山鞋和雨衣。");
        assertThat(systemLines(l).last()).hasText("王小明更新了群公告");
        assertThat(l.locator(".announcement")).containsText("记得带登山鞋和雨衣。");
        info.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("生成链接")).click();
        Locator invite = info.locator(".invite").first();
        assertThat(invite).isVisible();
        String code = invite.getAttribute("data-code");
        assertThat(info.locator(".member[data-username='" + wang.user().username() + "'] .chip")).hasText("群主");
        shot(w, "i5-07-group-info-zh-CN");

        // Zhao, no member and nobody's friend, opens the link, sees the group and joins.
        Page z = login(newContext("zh-CN", 1280, 800, 20_000), zhao, "/#/invite/" + code);
        Locator join = z.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("群聊邀请"));
        assertThat(join).containsText(group);
        assertThat(join).containsText("2 位成员");
        shot(z, "i5-08-invite-zh-CN");
        join.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("加入群聊")).click();
        assertThat(z.locator(".chat-pane .chat-title h2")).hasText(group);
        assertThat(systemLines(z).last()).hasText("你通过邀请链接加入了群聊");
        assertThat(systemLines(w).last()).hasText("赵六通过邀请链接加入了群聊");
        assertThat(w.locator(".chat-sub")).hasText("3 位成员");
        shot(w, "i5-09-group-chat-zh-CN");

        // Revoking the link: it no longer opens the group.
        info.locator(".invite[data-code='" + code + "']").getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("撤销")).click();
        assertThat(info.getByText("没有有效的邀请链接。")).isVisible();
        z.navigate("/#/invite/" + code);
        assertThat(z.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("群聊邀请")).getByRole(AriaRole.ALERT)).hasText("此邀请链接已失效。");
    }
}
