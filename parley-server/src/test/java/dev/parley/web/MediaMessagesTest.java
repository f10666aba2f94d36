package dev.parley.web;

import static com.microsoft.playwright.assertions.PlaywrightAssertions.assertThat;
import static org.assertj.core.api.Assertions.assertThat;

import com.microsoft.playwright.BrowserContext;
import com.microsoft.playwright.Download;
import com.microsoft.playwright.JSHandle;
import com.microsoft.playwright.Locator;
import com.microsoft.playwright.Page;
import com.microsoft.playwright.Request;
import com.microsoft.playwright.Route;
import com.microsoft.playwright.options.AriaRole;
import com.microsoft.playwright.options.FilePayload;
import dev.parley.testkit.Api;
import dev.parley.testkit.Users;
import java.awt.Color;
import java.awt.GradientPaint;
import java.awt.Graphics2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Media messages in headless Chromium between two users (issue 6): an image, a voice message recorded from
 * Chromium's fake microphone, a video and a PDF, each shown or played on the other side, live and after the
 * recipient was offline; uploads that resume from the server's offset after a failed chunk; cancelling.
 */
class MediaMessagesTest extends BrowserTest {
    private static final int CHUNK = 2 * 1024 * 1024;
    /** An acknowledged message of one's own (direct chats tick on to delivered and read). */
    private static final String SENT = ".msg.mine:is([data-status='sent'], [data-status='delivered'], [data-status='read'])";

    @BeforeAll
    static void screenshots() throws IOException {
        Files.createDirectories(Browsers.SCREENSHOTS);
    }

    private BrowserContext context(String locale) {
        BrowserContext c = newContext(locale, 1280, 860, 30_000);
        c.grantPermissions(List.of("microphone"));
        return c;
    }

    private static void shot(Page page, String name) {
        page.screenshot(new Page.ScreenshotOptions().setPath(Browsers.SCREENSHOTS.resolve("media-" + name + ".png")));
    }

    private static Page login(BrowserContext ctx, Users.Device who) {
        Page page = ctx.newPage();
        page.navigate("/");
        page.locator("input[name=username]").fill(who.user().username());
        page.locator("input[name=password]").fill(Users.PASSWORD);
        page.locator("form button[type=submit]").click();
        assertThat(page.getByRole(AriaRole.NAVIGATION)).isVisible();
        return page;
    }

    /** Opens the chat with a friend from the contact list (works before the conversation exists). */
    private static void chatWith(Page page, String displayName) {
        page.getByRole(AriaRole.NAVIGATION).getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Contacts")).click();
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Message " + displayName)).click();
        assertThat(composer(page)).isVisible();
    }

    private static void attach(Page page, FilePayload... files) {
        page.locator("[data-testid=attach-input]").setInputFiles(files);
    }

    private static void waitLoaded(Page page, Locator img) {
        page.waitForFunction("el => el.complete && el.naturalWidth > 0", img.elementHandle());
    }

    static byte[] png(int w, int h) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setPaint(new GradientPaint(0, 0, new Color(0xff, 0x8a, 0x3d), 0, h, new Color(0x4f, 0x46, 0xe5)));
        g.fillRect(0, 0, w, h);
        g.setColor(new Color(0xff, 0xe0, 0x66));
        g.fillOval(w / 2 - h / 6, h / 2 - h / 6, h / 3, h / 3);
        g.setColor(new Color(0x1d, 0x1f, 0x3a));
        g.fillRect(0, h * 3 / 4, w, h / 4);
        g.dispose();
        var out = new ByteArrayOutputStream();
        try {
            ImageIO.write(img, "png", out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    /** A PDF header, pseudo-random filler (several upload chunks) and the trailer: the server sniffs the header. */
    static byte[] pdf(int size, long seed) {
        byte[] b = new byte[size];
        new Random(seed).nextBytes(b);
        byte[] head = "%PDF-1.4\n%parley test\n".getBytes(StandardCharsets.US_ASCII);
        byte[] tail = "\n%%EOF\n".getBytes(StandardCharsets.US_ASCII);
        System.arraycopy(head, 0, b, 0, head.length);
        System.arraycopy(tail, 0, b, size - tail.length, tail.length);
        return b;
    }

    static byte[] resource(String name) {
        try (InputStream in = MediaMessagesTest.class.getResourceAsStream("/media/" + name)) {
            if (in == null) throw new IllegalStateException("missing test resource media/" + name);
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void imageVoiceVideoAndPdfReachTheOtherSideLiveAndAfterBeingOffline() throws Exception {
        Users users = new Users(server);
        Users.Device alice = users.newUserDevice("alice");
        Users.Device bob = users.newUserDevice("bob");
        users.befriend(alice, bob);
        BrowserContext ctxA = context("en-US");
        BrowserContext ctxB = context("en-US");
        Page a = login(ctxA, alice);
        Page b = login(ctxB, bob);
        chatWith(a, "bob");

        // An image, previewed before sending, with a caption.
        attach(a, new FilePayload("sunset.png", "image/png", png(960, 600)));
        Locator draft = a.locator(".draft-tray .draft.image");
        waitLoaded(a, draft.locator("img"));
        assertThat(draft).hasAttribute("data-state", "done");
        composer(a).fill("Sunset at the lake");
        shot(a, "01-composer-image-preview");
        composer(a).press("Enter");
        assertThat(a.locator(".draft-tray")).hasCount(0);
        assertThat(a.locator(SENT + " .media-image img")).hasCount(1);

        // Bob gets it live: a thumbnail that opens full size.
        b.locator(".conv-item").first().click();
        Locator bobImage = b.locator(".msg.theirs .media-image img");
        assertThat(bobImage).hasCount(1);
        waitLoaded(b, bobImage);
        assertThat(b.locator(".msg.theirs .msg-text")).hasText("Sunset at the lake");
        assertThat(b.locator(".conv-item").first()).containsText("Photo");
        b.locator(".msg.theirs .media-image").click();
        Locator viewer = b.getByRole(AriaRole.DIALOG, new Page.GetByRoleOptions().setName("Image viewer"));
        assertThat(viewer).isVisible();
        waitLoaded(b, viewer.locator("img"));
        assertThat((Integer) viewer.locator("img").evaluate("i => i.naturalWidth")).isEqualTo(960);
        shot(b, "02-image-viewer");
        b.keyboard().press("Escape");
        assertThat(viewer).hasCount(0);

        // A voice message from the fake microphone, with a running timer.
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Record a voice message")).click();
        assertThat(a.locator(".recorder [role=timer]")).containsText("Recording 0:0");
        a.waitForTimeout(2200);
        assertThat(a.locator(".recorder [role=timer]")).containsText("Recording 0:02");
        shot(a, "03-recording");
        a.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Stop and send")).click();
        assertThat(a.locator(SENT + " .voice")).hasCount(1);

        Locator voice = b.locator(".msg.theirs .voice");
        assertThat(voice).hasCount(1);
        assertThat(voice.locator(".waveform .bar")).hasCount(64);
        assertThat(voice.locator(".voice-time")).hasText(java.util.regex.Pattern.compile("0:0[1-3]"));
        voice.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Play")).click();
        Locator audio = voice.locator("audio");
        b.waitForFunction("a => a.readyState >= 2 && (a.currentTime > 0 || a.ended)", audio.elementHandle());
        // The bars fill in as it plays.
        b.waitForFunction("v => v.querySelector('.waveform .bar.played') !== null", voice.elementHandle());
        shot(b, "04-voice-playing");
        double duration = ((Number) audio.evaluate("a => a.duration")).doubleValue();
        assertThat(duration).isGreaterThan(1.0).isLessThan(5.0);
        double seekedTo = ((Number) audio.evaluate(
                "a => new Promise(r => { a.pause(); a.addEventListener('seeked', () => r(a.currentTime), {once: true}); a.currentTime = 0.5; })")).doubleValue();
        assertThat(seekedTo).isBetween(0.4, 0.6);

        // Bob goes offline; Alice sends a video and a PDF meanwhile.
        b.close();
        byte[] clip = resource("clip.webm");
        attach(a, new FilePayload("clip.webm", "video/webm", clip));
        assertThat(a.locator(".draft-tray .draft.video")).hasAttribute("data-state", "done");
        composer(a).fill("The lake in motion");
        composer(a).press("Enter");
        byte[] report = pdf(3 * 1024 * 1024 + 12345, 42);
        attach(a, new FilePayload("Lake report.pdf", "application/pdf", report));
        assertThat(a.locator(".draft-tray .draft.file")).hasAttribute("data-state", "done");
        a.locator(".composer button[type=submit]").click();
        assertThat(a.locator(SENT)).hasCount(4);
        shot(a, "05-sender-view");

        // Bob comes back: everything is there and plays.
        Page b2 = ctxB.newPage();
        b2.navigate("/");
        b2.locator(".conv-item").first().click();
        assertThat(b2.locator(".msg.theirs")).hasCount(4);
        waitLoaded(b2, b2.locator(".msg.theirs .media-image img"));
        Locator video = b2.locator(".msg.theirs .media-video video");
        assertThat(video).hasAttribute("preload", "metadata");
        b2.waitForFunction("v => v.readyState >= 1 && v.duration > 0", video.elementHandle());
        double videoDuration = ((Number) video.evaluate("v => v.duration")).doubleValue();
        assertThat(videoDuration).isBetween(1.5, 2.5);
        video.evaluate("v => { v.muted = true; return v.play(); }");
        b2.waitForFunction("v => v.readyState >= 2 && v.currentTime > 0", video.elementHandle());
        double videoSeek = ((Number) video.evaluate(
                "v => new Promise(r => { v.pause(); v.addEventListener('seeked', () => r(v.currentTime), {once: true}); v.currentTime = 1.2; })")).doubleValue();
        assertThat(videoSeek).isBetween(1.1, 1.3);
        Locator card = b2.locator(".msg.theirs .file-card");
        assertThat(card.locator(".file-name")).hasText("Lake report.pdf");
        assertThat(card.locator(".file-size")).hasText("3 MB");
        Download download = b2.waitForDownload(() -> card.getByRole(AriaRole.LINK, new Locator.GetByRoleOptions().setName("Download Lake report.pdf")).click());
        assertThat(download.suggestedFilename()).isEqualTo("Lake report.pdf");
        assertThat(Files.readAllBytes(download.path())).isEqualTo(report);
        // The voice message plays after the reload too.
        Locator voice2 = b2.locator(".msg.theirs .voice");
        voice2.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Play")).click();
        b2.waitForFunction("a => a.readyState >= 2 && (a.currentTime > 0 || a.ended)", voice2.locator("audio").elementHandle());
        b2.locator(".messages").evaluate("el => el.scrollTop = el.scrollHeight");
        shot(b2, "06-recipient-after-offline");

        // The same chat in Simplified Chinese.
        Page zh = login(context("zh-CN"), bob);
        zh.locator(".conv-item").first().click();
        assertThat(zh.locator(".msg.theirs")).hasCount(4);
        assertThat(zh.locator(".msg.theirs .file-card .file-size")).hasText("3 MB");
        assertThat(zh.getByRole(AriaRole.LINK, new Page.GetByRoleOptions().setName("下载 Lake report.pdf"))).isVisible();
        assertThat(zh.locator(".conv-item").first()).containsText("Lake report.pdf");
        waitLoaded(zh, zh.locator(".msg.theirs .media-image img"));
        zh.locator(".messages").evaluate("el => el.scrollTop = el.scrollHeight");
        shot(zh, "07-chat-zh-CN");
    }

    /** A JS expression: a DataTransfer holding one PNG file named {@code name}, made from the Base64 in {@code b64}. */
    private static String pngTransfer(String name) {
        return "(() => { const dt = new DataTransfer(); dt.items.add(new File([Uint8Array.from(atob(b64), c => c.charCodeAt(0))], '"
                + name + "', {type: 'image/png'})); return dt; })()";
    }

    @Test
    void filesDroppedOnTheChatOrPastedIntoTheComposerAreAttached() {
        Users users = new Users(server);
        Users.Device ivan = users.newUserDevice("ivan");
        Users.Device jade = users.newUserDevice("jade");
        users.befriend(ivan, jade);
        Page page = login(context("en-US"), ivan);
        chatWith(page, "jade");
        String png = java.util.Base64.getEncoder().encodeToString(png(400, 300));

        // Dragged in from the desktop: the overlay shows while the file is over the chat, the drop attaches it.
        JSHandle dropped = page.evaluateHandle("b64 => " + pngTransfer("dropped.png"), png);
        Locator pane = page.locator(".messages");
        pane.dispatchEvent("dragenter", Map.of("dataTransfer", dropped));
        assertThat(page.locator(".drop-overlay")).hasText("Drop files to attach them");
        shot(page, "10-drop-overlay");
        pane.dispatchEvent("drop", Map.of("dataTransfer", dropped));
        assertThat(page.locator(".drop-overlay")).hasCount(0);
        // Pasted (a screenshot from the clipboard).
        composer(page).evaluate("(el, b64) => el.dispatchEvent(new ClipboardEvent('paste', {clipboardData: "
                + pngTransfer("pasted.png") + ", bubbles: true, cancelable: true}))", png);
        Locator drafts = page.locator(".draft-tray .draft.image");
        assertThat(drafts).hasCount(2);
        assertThat(drafts.nth(0)).hasAttribute("title", "dropped.png");
        assertThat(drafts.nth(1)).hasAttribute("title", "pasted.png");
        assertThat(composer(page)).hasValue("");
        assertThat(drafts.nth(1)).hasAttribute("data-state", "done");
        assertThat(drafts.nth(0)).hasAttribute("data-state", "done");
        composer(page).press("Enter");

        // One message with both images, side by side, for both users.
        Locator sent = page.locator(SENT + " .attachments.count-2 .media-image img");
        assertThat(sent).hasCount(2);
        Page other = login(context("en-US"), jade);
        other.locator(".conv-item").first().click();
        Locator got = other.locator(".msg.theirs .attachments.count-2 .media-image img");
        assertThat(got).hasCount(2);
        waitLoaded(other, got.nth(0));
        waitLoaded(other, got.nth(1));
        assertThat(other.locator(".conv-item").first()).containsText("Photo ×2");
        shot(other, "11-two-images");
    }

    @Test
    void aFailedChunkResumesFromTheServerOffsetNotFromZero() {
        Users users = new Users(server);
        Users.Device carol = users.newUserDevice("carol");
        Users.Device dan = users.newUserDevice("dan");
        users.befriend(carol, dan);
        Page page = login(context("en-US"), carol);
        chatWith(page, "dan");

        List<String> requests = new CopyOnWriteArrayList<>();
        List<Long> offsets = new CopyOnWriteArrayList<>();
        AtomicInteger patches = new AtomicInteger();
        AtomicReference<Route> held = new AtomicReference<>();
        page.onRequest(r -> {
            if (r.url().contains("/media/uploads")) requests.add(r.method() + " " + r.url().replaceAll("^.*/api/v1", ""));
        });
        page.route("**/api/v1/media/uploads/*", route -> {
            Request r = route.request();
            if (!r.method().equals("PATCH")) { route.resume(); return; }
            offsets.add(Long.parseLong(r.headerValue("upload-offset")));
            int n = patches.incrementAndGet();
            if (n == 2) route.abort("connectionreset"); // the network drops this chunk
            else if (n == 4) held.set(route);          // kept waiting for the screenshot of the progress
            else route.resume();
        });

        byte[] big = pdf(5 * CHUNK + 1000, 7);
        attach(page, new FilePayload("survey.pdf", "application/pdf", big));
        page.waitForCondition(() -> held.get() != null);
        Locator draft = page.locator(".draft-tray .draft.file");
        assertThat(draft).hasAttribute("data-state", "uploading");
        int shown = Integer.parseInt(draft.getByRole(AriaRole.PROGRESSBAR).getAttribute("aria-valuenow"));
        assertThat(shown).isBetween(39, 60);
        composer(page).fill("The survey, 10 MB");
        shot(page, "08-upload-progress");
        held.get().resume();
        assertThat(draft).hasAttribute("data-state", "done", new com.microsoft.playwright.assertions.LocatorAssertions.HasAttributeOptions().setTimeout(60_000));

        // Chunk 2 failed: the client asked the server where it stood and sent chunk 2 again, never from 0.
        assertThat(offsets).containsExactly(0L, (long) CHUNK, (long) CHUNK, 2L * CHUNK, 3L * CHUNK, 4L * CHUNK, 5L * CHUNK);
        List<String> kinds = new ArrayList<>();
        for (String r : requests) kinds.add(r.replaceAll("/media/uploads/[^ ?]+", "/media/uploads/{id}"));
        assertThat(kinds).containsSubsequence("POST /media/uploads", "PATCH /media/uploads/{id}", "PATCH /media/uploads/{id}",
                "GET /media/uploads/{id}", "PATCH /media/uploads/{id}");
    }

    @Test
    void aMessageStillUploadingWhenThePageReloadsResumesAndIsSent() {
        Users users = new Users(server);
        Users.Device gina = users.newUserDevice("gina");
        Users.Device hal = users.newUserDevice("hal");
        users.befriend(gina, hal);
        Page page = login(context("en-US"), gina);
        chatWith(page, "hal");

        List<Long> offsets = new CopyOnWriteArrayList<>();
        List<String> requests = new CopyOnWriteArrayList<>();
        AtomicReference<Route> held = new AtomicReference<>();
        page.onRequest(r -> {
            if (r.url().contains("/media/uploads/")) requests.add(r.method());
        });
        page.route("**/api/v1/media/uploads/*", route -> {
            Request r = route.request();
            if (!r.method().equals("PATCH")) { route.resume(); return; }
            offsets.add(Long.parseLong(r.headerValue("upload-offset")));
            if (offsets.size() == 2) held.set(route); // the page goes away while this chunk is on its way
            else route.resume();
        });

        byte[] big = pdf(5 * CHUNK + 1000, 11);
        attach(page, new FilePayload("plans.pdf", "application/pdf", big));
        page.waitForCondition(() -> held.get() != null);
        composer(page).fill("Plans, as promised");
        composer(page).press("Enter");
        assertThat(page.locator(".msg.mine.uploading")).hasCount(1);
        // Reload once the browser has stored the message and its file (IndexedDB): a write still running when the
        // page goes is dropped, and the message with it (a CI run reloaded in that window once).
        assertThat(page.locator(".msg.mine.uploading[data-saved='true']")).hasCount(1);
        page.reload();
        assertThat(page.getByRole(AriaRole.NAVIGATION)).isVisible();

        // After the reload the upload goes on from the server's offset (chunk 2), asked for with a GET, and the
        // message is sent with the caption.
        page.locator(".conv-item").first().click(new Locator.ClickOptions().setTimeout(60_000));
        Locator sent = page.locator(SENT);
        assertThat(sent.locator(".file-card .file-name")).hasText("plans.pdf");
        assertThat(sent.locator(".msg-text")).hasText("Plans, as promised");
        assertThat(offsets).containsExactly(0L, (long) CHUNK, (long) CHUNK, 2L * CHUNK, 3L * CHUNK, 4L * CHUNK, 5L * CHUNK);
        int reloadedAt = requests.lastIndexOf("GET");
        assertThat(reloadedAt).as(requests.toString()).isPositive();
        assertThat(requests.subList(reloadedAt, requests.size())).containsOnly("GET", "PATCH");
    }

    @Test
    void removingADraftAndCancellingASendDeleteTheUploads() {
        Users users = new Users(server);
        Users.Device erin = users.newUserDevice("erin");
        Users.Device finn = users.newUserDevice("finn");
        users.befriend(erin, finn);
        Page page = login(context("en-US"), erin);
        chatWith(page, "finn");

        List<Route> held = new CopyOnWriteArrayList<>();
        List<String> deleted = new CopyOnWriteArrayList<>();
        page.route("**/api/v1/media/uploads/*", route -> {
            String m = route.request().method();
            if (m.equals("PATCH")) { held.add(route); return; } // never answered: the upload stays in flight
            if (m.equals("DELETE")) deleted.add(route.request().url().replaceAll("^.*/media/uploads/", ""));
            route.resume();
        });

        // A draft removed before sending.
        attach(page, new FilePayload("draft.pdf", "application/pdf", pdf(300_000, 1)));
        page.waitForCondition(() -> held.size() == 1);
        String first = held.get(0).request().url().replaceAll("^.*/media/uploads/", "");
        page.getByRole(AriaRole.BUTTON, new Page.GetByRoleOptions().setName("Remove draft.pdf")).click();
        assertThat(page.locator(".draft-tray")).hasCount(0);
        page.waitForCondition(() -> deleted.contains(first));

        // A message whose upload is still running, cancelled from its bubble.
        attach(page, new FilePayload("later.pdf", "application/pdf", pdf(300_000, 2)));
        page.waitForCondition(() -> held.size() == 2);
        String second = held.get(1).request().url().replaceAll("^.*/media/uploads/", "");
        composer(page).fill("this one waits");
        composer(page).press("Enter");
        Locator bubble = page.locator(".msg.mine.uploading");
        assertThat(bubble).containsText("Uploading");
        assertThat(bubble.locator(".file-name")).hasText("later.pdf");
        shot(page, "09-uploading-bubble");
        bubble.getByRole(AriaRole.BUTTON, new Locator.GetByRoleOptions().setName("Cancel upload")).click();
        assertThat(bubble).hasCount(0);
        page.waitForCondition(() -> deleted.contains(second));
        for (Route r : held) {
            try {
                r.abort();
            } catch (RuntimeException alreadyGone) {
                // the page aborted it itself
            }
        }

        // The server forgot both: their offsets are no longer there. The route saw each DELETE go out, not its
        // answer, so the DELETE may still be on its way (a CI run once read 200 here): ask until it has landed.
        Api api = users.api();
        for (String id : List.of(first, second)) {
            long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
            Api.Response r = api.get("/api/v1/media/uploads/" + id, erin.accessToken());
            while (r.status() == 200 && System.nanoTime() < deadline) {
                page.waitForTimeout(50);
                r = api.get("/api/v1/media/uploads/" + id, erin.accessToken());
            }
            assertThat(r.status()).as(r.raw()).isEqualTo(404);
            assertThat(r.code()).isEqualTo("media_not_found");
        }
        assertThat(page.locator(".msg.mine")).hasCount(0);
    }
}
