package dev.parley.bench;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;

/**
 * search: one user (the searcher) with {@code conversations} friends holds {@code messages} messages in total
 * across those direct conversations, and as many again ({@code noise}) sit in other users' conversations with
 * the same vocabulary, so the index holds matches the searcher must not see. Texts are English, Chinese and
 * Japanese sentences from a fixed vocabulary with a fixed seed. The messages are sent over WebSockets (so the
 * index is built by the server as it stores them), then each query runs sequentially over HTTP, a few warm-up
 * runs and then {@code runs} timed ones, from request to full answer.
 */
final class SearchScenario {
    record Query(String label, String q, boolean oneConversation) {}

    record Result(Query query, long matching, int returned, double p50Ms, double p95Ms, double maxMs) {}

    record Run(long messages, long noise, double fillSeconds, long sendErrors, List<Result> results) {}

    static final List<Query> QUERIES = List.of(
            new Query("English word, ~5% of messages", "meeting", false),
            new Query("English word, rare (~0.1%)", "xylophone", false),
            new Query("English word prefix", "deadl", false),
            new Query("no match, 5 characters", "zzqxj", false),
            new Query("Chinese, 4 characters", "天气很好", false),
            new Query("Chinese, 2 characters (scan on SQLite)", "天气", false),
            new Query("Chinese, 1 character, common (scan on SQLite)", "的", false),
            new Query("Chinese, 1 character, rare (scan on SQLite)", "猫", false),
            new Query("Japanese, 3 characters", "東京に", false),
            new Query("no match, 2 characters (full scan of the searcher's messages on SQLite)", "qz", false),
            new Query("English word, within one conversation", "meeting", true));

    private static final String[] EN = ("the a to and of is in it you that we for on this with be are have not at will can just so what "
            + "about get all do there time good now know like see go think out up project tomorrow lunch report budget coffee "
            + "weather please thanks call later today team plan").split(" ");
    private static final String[] ZH = "我们 今天 明天 开会 北京 吃饭 工作 的 了 是 不 在 有 这个 那个 朋友 公司 下午 晚上 电话 问题 已经 可以 什么".split(" ");
    private static final String[] JA = "明日 今日 会議 ありがとう です ます の を に は 行き 来ます 電話 仕事 友達 午後 ちょっと お願いします".split(" ");

    private final ServerProcess server;
    private final int messages;
    private final int noise;
    private final int conversations;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    SearchScenario(ServerProcess server, int messages, int noise, int conversations) {
        this.server = server;
        this.messages = messages;
        this.noise = noise;
        this.conversations = conversations;
    }

    Run run(int runs) throws Exception {
        Accounts accounts = new Accounts(server.port);
        // 0: the searcher; 1..K: their friends; K+1..3K: K pairs of other users (the noise).
        List<Accounts.User> users = accounts.create("search", 1 + 3 * conversations, 8).users();
        Accounts.User searcher = users.get(0);
        for (int i = 1; i <= conversations; i++) accounts.befriend(users.get(i), searcher);
        for (int i = 0; i < conversations; i++) accounts.befriend(users.get(1 + conversations + 2 * i), users.get(2 + conversations + 2 * i));

        long[] firstConversation = new long[1];
        String[] texts = new String[messages];
        long t0 = System.nanoTime();
        long errors;
        try (WsClients clients = new WsClients("127.0.0.1", server.port, 2)) {
            int senders = 2 * conversations;
            Semaphore window = new Semaphore(2000);
            AtomicLong failed = new AtomicLong();
            CountDownLatch hellos = new CountDownLatch(senders);
            CountDownLatch done = new CountDownLatch(messages + noise);
            WsClients.Listener listener = (c, text) -> {
                JsonNode n = Accounts.JSON.readTree(text);
                switch (n.get("type").asString()) {
                    case "hello" -> hellos.countDown();
                    case "ack", "error" -> {
                        if (n.get("type").asString().equals("error")) failed.incrementAndGet();
                        else if (c.tag == 0 && firstConversation[0] == 0) firstConversation[0] = n.get("conversationId").asLong();
                        window.release();
                        done.countDown();
                    }
                    default -> { }
                }
            };
            // Senders 0..K-1: the searcher's friends; K..2K-1: the first user of each noise pair.
            WsClients.Conn[] conns = new WsClients.Conn[senders];
            for (int i = 0; i < senders; i++) {
                conns[i] = new WsClients.Conn(i);
                Accounts.User u = i < conversations ? users.get(1 + i) : users.get(1 + conversations + 2 * (i - conversations));
                clients.connect(conns[i], u.token(), "127.0.0.1", listener);
            }
            if (!hellos.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("connections did not open");
            Random random = new Random(42);
            long total = (long) messages + noise;
            for (long i = 0; i < total; i++) {
                // The searcher's messages spread evenly among the noise, as on a shared server.
                window.acquire();
                if (isSearchers(i, total)) {
                    int m = (int) (i * messages / total);
                    texts[m] = text(random);
                    conns[m % conversations].send(frame(searcher.id(), "s" + i, texts[m]));
                } else {
                    int pair = (int) (i % conversations);
                    conns[conversations + pair].send(frame(users.get(2 + conversations + 2 * pair).id(), "s" + i, text(random)));
                }
            }
            if (!done.await(600, TimeUnit.SECONDS)) throw new IllegalStateException("not every message was acknowledged");
            errors = failed.get();
        }
        double fillSeconds = (System.nanoTime() - t0) / 1e9;
        server.analyze();

        List<Result> results = new ArrayList<>();
        for (Query q : QUERIES) results.add(measure(searcher, q, firstConversation[0], texts, runs));
        return new Run(messages, noise, fillSeconds, errors, results);
    }

    /** Exactly {@code messages} of the {@code total} sends are the searcher's, evenly spread; send i is the searcher's m-th, m = i * messages / total. */
    private boolean isSearchers(long i, long total) {
        return (i + 1) * messages / total != i * messages / total;
    }

    private static String frame(long to, String clientMsgId, String text) {
        Map<String, Object> f = new LinkedHashMap<>();
        f.put("type", "send");
        f.put("to", to);
        f.put("clientMsgId", clientMsgId);
        f.put("text", text);
        return Accounts.JSON.writeValueAsString(f);
    }

    /** One sentence: half English, 3 in 10 Chinese, 2 in 10 Japanese, with the query terms at fixed rates. */
    static String text(Random r) {
        double lang = r.nextDouble();
        StringBuilder b = new StringBuilder();
        if (lang < 0.5) {
            int n = 6 + r.nextInt(10);
            for (int w = 0; w < n; w++) b.append(w == 0 ? "" : " ").append(EN[r.nextInt(EN.length)]);
            if (r.nextDouble() < 0.1) b.append(" meeting");
            if (r.nextDouble() < 0.02) b.append(" deadline");
            if (r.nextDouble() < 0.002) b.append(" xylophone");
        } else if (lang < 0.8) {
            int n = 4 + r.nextInt(8);
            for (int w = 0; w < n; w++) b.append(ZH[r.nextInt(ZH.length)]);
            if (r.nextDouble() < 0.05) b.append("天气很好");
            if (r.nextDouble() < 0.03) b.append("猫");
        } else {
            int n = 4 + r.nextInt(8);
            for (int w = 0; w < n; w++) b.append(JA[r.nextInt(JA.length)]);
            if (r.nextDouble() < 0.1) b.append("東京に行きます");
        }
        return b.toString();
    }

    private Result measure(Accounts.User searcher, Query q, long conversationId, String[] texts, int runs) throws Exception {
        String needle = q.q().toLowerCase(Locale.ROOT);
        long matching = Arrays.stream(texts).filter(t -> t != null && t.toLowerCase(Locale.ROOT).contains(needle)).count();
        String path = "/api/v1/search/messages?q=" + URLEncoder.encode(q.q(), StandardCharsets.UTF_8)
                + (q.oneConversation() ? "&conversationId=" + conversationId : "");
        if (q.oneConversation()) matching = -1; // only a share of the conversation's messages; not counted here
        int returned = 0;
        for (int i = 0; i < 5; i++) returned = get(path, searcher.token()).get("results").size();
        double[] ms = new double[runs];
        for (int i = 0; i < runs; i++) {
            long t = System.nanoTime();
            get(path, searcher.token());
            ms[i] = (System.nanoTime() - t) / 1e6;
        }
        Arrays.sort(ms);
        return new Result(q, matching, returned, ms[runs / 2], ms[(int) Math.ceil(runs * 0.95) - 1], ms[runs - 1]);
    }

    private JsonNode get(String path, String token) throws Exception {
        HttpRequest r = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + server.port + path)).timeout(Duration.ofSeconds(120))
                .header("Authorization", "Bearer " + token).GET().build();
        HttpResponse<String> res = http.send(r, HttpResponse.BodyHandlers.ofString());
        if (res.statusCode() != 200) throw new IllegalStateException(path + " -> " + res.statusCode() + " " + res.body());
        return Accounts.JSON.readTree(res.body());
    }
}
