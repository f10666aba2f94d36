package dev.parley.bench;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The benchmark command (README: {@code ./parley bench SCENARIO [options]}). Starts a Parley server process per
 * database with benchmark settings, drives it from this process (and generator processes for many connections),
 * prints a Markdown report and writes it, with PNG plots, to {@code bench-results/<time>/}.
 * Loopback only; every loop is bounded in count and time.
 */
public final class Bench {
    private Bench() {}

    public static void main(String[] argv) throws Exception {
        if (argv.length > 0 && argv[0].equals("worker")) {
            Worker.main(Arrays.copyOfRange(argv, 1, argv.length));
            return;
        }
        Args a = Args.parse(argv);
        String scenario = a.positional.isEmpty() ? "help" : a.positional.get(0);
        if (!List.of("idle", "reconnect", "direct", "group", "media", "search", "all").contains(scenario)) {
            System.out.println("""
                    usage: ./parley bench idle|reconnect|direct|group|media|search|all [options]
                      --db sqlite|postgresql|both        (default both)
                      idle, reconnect: --connections 19000 --processes 2 --ramp 2000 (per s) --hold 60 (s) --storms 3 (reconnect)
                      direct:          --pairs 200 --rates 2000,5000,10000,20000 --seconds 10 --repeat 1 --warmup 20 (s)
                      group:           --sizes 1000,10000 --messages 5 --processes 2
                      media:           --size-mb 200 --runs 3 (upload and download MB/s; server heap and RSS during an upload)
                      search:          --messages 100000 --noise 100000 --conversations 20 --runs 30 (not part of all)
                      --server-jvm "-Xmx2g ..."          JVM options of the server process
                      --out bench-results               where reports and plots go""");
            return;
        }
        List<String> dbs = switch (a.get("db", "both")) {
            case "both" -> List.of("sqlite", "postgresql");
            default -> List.of(a.get("db", "sqlite"));
        };
        Path serverJar = Path.of(a.get("server-jar", "parley-server/target/parley-server.jar")).toAbsolutePath();
        Path benchJar = Path.of(a.get("bench-jar", "parley-bench/target/parley-bench.jar")).toAbsolutePath();
        Path out = Path.of(a.get("out", "bench-results"), LocalDateTime.now().format(DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss")));
        Files.createDirectories(out);
        Report report = new Report(out.resolve("report.md"));
        report.section("Run", "scenario `" + scenario + "`, databases " + dbs + ", " + Runtime.getRuntime().availableProcessors()
                + " cores, JDK " + System.getProperty("java.version") + ", arguments `" + String.join(" ", argv) + "`");
        List<String> jvm = a.get("server-jvm", "").isBlank() ? List.of() : List.of(a.get("server-jvm", "").trim().split("\\s+"));

        Map<String, List<DirectScenario.Step>> directByDb = new LinkedHashMap<>();
        for (String db : dbs) {
            if (scenario.equals("idle") || scenario.equals("reconnect") || scenario.equals("all")) {
                int n = a.integer("connections", 19000);
                Map<String, String> settings = benchSettings(n + 100);
                try (ServerProcess server = ServerProcess.start(serverJar, db, freePort(), settings, jvm)) {
                    ConnectionScenarios.Result r = ConnectionScenarios.run(server, n, a.integer("processes", 2), a.integer("ramp", 2000),
                            a.integer("hold", 60), scenario.equals("idle") ? 0 : a.integer("storms", 3), out, benchJar);
                    reportConnections(report, db, r);
                }
            }
            if (scenario.equals("direct") || scenario.equals("all")) {
                List<Integer> rates = Arrays.stream(a.get("rates", "2000,5000,10000,20000").split(",")).map(String::trim).map(Integer::parseInt).toList();
                try (ServerProcess server = ServerProcess.start(serverJar, db, freePort(), benchSettings(1000 + 2 * a.integer("pairs", 200)), jvm)) {
                    List<DirectScenario.Step> steps = new DirectScenario(server, a.integer("pairs", 200))
                            .run(rates, a.integer("seconds", 10), a.integer("repeat", 1), a.integer("warmup", 20));
                    directByDb.put(db, steps);
                    reportDirect(report, db, a.integer("pairs", 200), a.integer("warmup", 20), steps);
                    reportMedians(report, steps);
                }
            }
            if (scenario.equals("group") || scenario.equals("all")) {
                List<Integer> sizes = Arrays.stream(a.get("sizes", "1000,10000").split(",")).map(String::trim).map(Integer::parseInt).toList();
                List<GroupScenario.Result> results = new ArrayList<>();
                for (int size : sizes) {
                    Map<String, String> settings = benchSettings(size + 100);
                    settings.put("parley.limits.max-group-members", Integer.toString(size));
                    try (ServerProcess server = ServerProcess.start(serverJar, db, freePort(), settings, jvm)) {
                        results.add(GroupScenario.run(server, size, a.integer("messages", 5), a.integer("processes", 2), out, benchJar));
                    }
                }
                reportGroup(report, db, results);
            }
            if (scenario.equals("media") || scenario.equals("all")) {
                Map<String, String> settings = benchSettings(1000);
                settings.put("parley.media.max-file-size", (a.integer("size-mb", 200) + 1) + "MB");
                settings.put("parley.media.quota-per-user", "1TB");
                try (ServerProcess server = ServerProcess.start(serverJar, db, freePort(), settings, jvm)) {
                    MediaScenario.Result r = new MediaScenario(server).run(a.integer("size-mb", 200), a.integer("runs", 3),
                            Files.createTempDirectory("parley-bench-media-"));
                    reportMedia(report, db, r);
                }
            }
            if (scenario.equals("search")) {
                Map<String, String> settings = benchSettings(1000);
                settings.put("parley.limits.frames-per-second", "100000"); // the fill sends as fast as acks come back
                settings.put("parley.limits.frame-burst", "100000");
                settings.put("parley.rate-limits.sends.per-second", "100000");
                settings.put("parley.rate-limits.sends.burst", "100000");
                try (ServerProcess server = ServerProcess.start(serverJar, db, freePort(), settings, jvm)) {
                    SearchScenario.Run r = new SearchScenario(server, a.integer("messages", 100_000), a.integer("noise", 100_000),
                            a.integer("conversations", 20)).run(a.integer("runs", 30));
                    reportSearch(report, db, a.integer("conversations", 20), r);
                }
            }
        }
        if (!directByDb.isEmpty()) plotDirect(out, directByDb);
        System.out.println("\nReport and plots: " + out.toAbsolutePath());
    }

    static int freePort() throws java.io.IOException {
        try (var s = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /**
     * Server settings for a run: cheap password hashing (setting up thousands of accounts would otherwise take
     * most of the run), per-user frame, send and search rates above what the scenarios offer, room for the
     * connections, and sign-up limits that let the generator create its users from a few addresses at once.
     */
    static Map<String, String> benchSettings(int maxConnections) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("parley.security.argon2-memory-kib", "1024");
        s.put("parley.security.argon2-iterations", "1");
        s.put("parley.limits.frames-per-second", "1000");
        s.put("parley.limits.frame-burst", "2000");
        // Per user: 20,000 sends/s over 200 senders is 100 a second each, ten times the default a person needs.
        s.put("parley.rate-limits.sends.per-second", "1000");
        s.put("parley.rate-limits.sends.burst", "2000");
        s.put("parley.rate-limits.searches.per-second", "1000");
        s.put("parley.rate-limits.searches.burst", "2000");
        s.put("parley.limits.max-connections", Integer.toString(maxConnections));
        // Thousands of connections come from a few loopback addresses (idle: 127.0.0.1-250), each a client.
        s.put("parley.connections.max-per-address", Integer.toString(Math.max(200, maxConnections)));
        // The generator signs up thousands of users from a few loopback addresses, as fast as it can.
        s.put("parley.registration.max-per-address", "100000000");
        s.put("parley.password-hashing.max-queued", "100000");
        s.put("parley.password-hashing.max-wait", "120s");
        s.put("logging.level.root", "WARN");
        return s;
    }

    private static void reportMedia(Report report, String db, MediaScenario.Result r) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (int i = 0; i < r.runs().size(); i++) {
            MediaScenario.Run run = r.runs().get(i);
            rows.add(Report.row(i + 1, String.format("%.0f", run.uploadMBps()), String.format("%.0f", run.downloadMBps())));
        }
        double[] up = r.runs().stream().mapToDouble(MediaScenario.Run::uploadMBps).sorted().toArray();
        double[] down = r.runs().stream().mapToDouble(MediaScenario.Run::downloadMBps).sorted().toArray();
        rows.add(Report.row("median", String.format("%.0f", up[up.length / 2]), String.format("%.0f", down[down.length / 2])));
        report.section("Media on " + db, String.format("%d MB file (kind file: streamed to disk, SHA-256, type sniffing, local store), "
                + "one PATCH, then one GET, over loopback; MB = 10^6 bytes. Each run uploads different bytes.", r.sizeBytes() / 1_000_000));
        report.table(List.of("run", "upload MB/s", "download MB/s"), rows);
        MediaScenario.Memory m = r.memory();
        report.table(List.of("server memory during an upload", "MiB"), List.of(
                Report.row("heap after GC before the upload", String.format("%.1f", m.baseHeapKib() / 1024.0)),
                Report.row("heap after a GC during the upload (held)", String.format("%.1f", m.heldHeapKib() / 1024.0)),
                Report.row("heap in use, peak of " + m.samples() + " samples, garbage included", String.format("%.1f", m.peakHeapKib() / 1024.0)),
                Report.row("RSS before the upload", String.format("%.1f", m.baseRssKib() / 1024.0)),
                Report.row("RSS, peak during the upload", String.format("%.1f", m.peakRssKib() / 1024.0))));
    }

    private static void reportConnections(Report report, String db, ConnectionScenarios.Result r) throws Exception {
        double heapPer = (r.heapKib() - r.baseHeapKib()) * 1024.0 / r.connections();
        double rssPer = (r.rssKib() - r.baseRssKib()) * 1024.0 / r.connections();
        double sockPer = (r.sockKib() - r.baseSockKib()) * 1024.0 / r.connections();
        double cpuPct = r.serverCpuSeconds() / r.holdSeconds() * 100;
        List<List<String>> rows = new ArrayList<>();
        rows.add(Report.row("connections", r.connections()));
        rows.add(Report.row("logins/s (setup, REST)", String.format("%.0f", r.loginsPerSecond())));
        rows.add(Report.row("ramp time (s)", String.format("%.1f", r.rampSeconds())));
        rows.add(Report.row("server heap after GC: idle baseline → with connections (MiB)",
                String.format("%.1f → %.1f", r.baseHeapKib() / 1024.0, r.heapKib() / 1024.0)));
        rows.add(Report.row("server heap per connection (bytes)", String.format("%.0f", heapPer)));
        rows.add(Report.row("server RSS: baseline → with connections (MiB)", String.format("%.1f → %.1f", r.baseRssKib() / 1024.0, r.rssKib() / 1024.0)));
        rows.add(Report.row("server RSS per connection (bytes)", String.format("%.0f", rssPer)));
        rows.add(Report.row("kernel TCP memory per connection, both ends (bytes)", String.format("%.0f", sockPer)));
        rows.add(Report.row("server CPU while holding (heartbeats), % of one core", String.format("%.2f", cpuPct)));
        if (!r.stormSeconds().isEmpty()) {
            List<Double> sorted = r.stormSeconds().stream().sorted().toList();
            rows.add(Report.row("reconnect storm: all back and synced, median of " + sorted.size() + " (s)",
                    String.format("%.2f", sorted.get(sorted.size() / 2))));
            rows.add(Report.row("reconnect storms in turn (s)",
                    String.join(", ", r.stormSeconds().stream().map(x -> String.format("%.2f", x)).toList())));
            // A connect that failed (listen backlog full, SYN dropped until the connect timed out) or closed before
            // its sync is tried again by the client after 0.1 to 1 s, as real clients do.
            rows.add(Report.row("reconnect storm: connects retried by clients", String.valueOf(r.stormRetries())));
        }
        rows.add(Report.row("generator CPU (s, all processes)", String.format("%.1f", r.generatorCpuSeconds())));
        rows.add(Report.row("unexpected closes", r.unexpectedCloses()));
        report.section("Connections on " + db, "");
        report.table(List.of("measure", "value"), rows);
        double baseMiB = r.baseRssKib() / 1024.0;
        report.table(List.of("projected connections", "heap (GiB)", "RSS (GiB)", "kernel TCP, server side (GiB)"), List.of(
                projection(100_000, r.baseHeapKib(), heapPer, baseMiB, rssPer, sockPer),
                projection(1_000_000, r.baseHeapKib(), heapPer, baseMiB, rssPer, sockPer)));
        // Where the heap per connection goes: the classes that grew most, per connection (full histograms beside the report).
        List<List<String>> classes = new ArrayList<>();
        for (ConnectionScenarios.ClassCost c : r.perConnection().subList(0, Math.min(25, r.perConnection().size()))) {
            classes.add(Report.row("`" + c.className() + "`", String.format("%.2f", c.instances()), String.format("%.0f", c.bytes())));
        }
        double listed = r.perConnection().stream().filter(c -> c.bytes() > 0).mapToDouble(ConnectionScenarios.ClassCost::bytes).sum();
        classes.add(Report.row("all classes that grew", "", String.format("%.0f", listed)));
        report.table(List.of("class (held − baseline) / connections", "instances per connection", "bytes per connection"), classes);
    }

    private static List<String> projection(int n, long baseHeapKib, double heapPer, double baseRssMiB, double rssPer, double sockPer) {
        double gib = 1024.0 * 1024 * 1024;
        return Report.row(String.format("%,d", n), String.format("%.2f", (baseHeapKib * 1024.0 + n * heapPer) / gib),
                String.format("%.2f", (baseRssMiB * 1024 * 1024 + n * rssPer) / gib), String.format("%.2f", n * sockPer / 2 / gib));
    }

    private static void reportGroup(Report report, String db, List<GroupScenario.Result> results) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (GroupScenario.Result r : results) {
            rows.add(Report.row(r.members(), String.format("%.1f", r.joinSeconds()), r.deliveries().size(),
                    String.format("%.1f", r.medianAllMs()), String.format("%.1f", r.maxAllMs()),
                    String.format("%.1f", GroupScenario.median(r.deliveries().stream().mapToDouble(GroupScenario.Delivery::ackMs).toArray())),
                    String.format("%.0f", r.medianDeliveriesPerSecond()),
                    r.deliveries().stream().mapToInt(GroupScenario.Delivery::receivers).min().orElse(0),
                    String.format("%.0f", r.serverCpuMsPerMessage()), String.format("%.1f", r.generatorCpuSeconds()), r.unexpectedCloses()));
        }
        report.section("Group messages on " + db, "One sender; every other member online on its own WebSocket in generator processes. "
                + "all have it: from the send until the last member received the push (wall clock, same machine); after one unmeasured "
                + "warm-up message, one message a second.");
        report.table(List.of("members", "join time (s)", "messages", "median all have it (ms)", "max (ms)", "median ack (ms)",
                "median deliveries/s", "fewest receivers", "server CPU ms/message", "generator CPU (s)", "unexpected closes"), rows);
    }

    private static void reportSearch(Report report, String db, int conversations, SearchScenario.Run r) throws Exception {
        report.section("Search on " + db, String.format("%,d messages in the searcher's %d conversations, %,d more in other users' conversations "
                + "(same vocabulary); filled over WebSockets in %.1f s (%.0f messages/s stored with the index kept, %d send errors). "
                + "Latency of GET /api/v1/search/messages from request to full answer (first page, limit 20, with context and "
                + "summaries), sequential, after 5 warm-up runs.", r.messages(), conversations, r.noise(), r.fillSeconds(),
                (r.messages() + r.noise()) / r.fillSeconds(), r.sendErrors()));
        List<List<String>> rows = new ArrayList<>();
        for (SearchScenario.Result x : r.results()) {
            rows.add(Report.row(x.query().label(), "`" + x.query().q() + "`", x.matching() < 0 ? "–" : String.format("%,d", x.matching()),
                    x.returned(), String.format("%.1f", x.p50Ms()), String.format("%.1f", x.p95Ms()), String.format("%.1f", x.maxMs())));
        }
        report.table(List.of("query", "q", "searcher's matching messages", "returned", "p50 ms", "p95 ms", "max ms"), rows);
    }

    private static void reportDirect(Report report, String db, int pairs, int warmup, List<DirectScenario.Step> steps) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (DirectScenario.Step s : steps) {
            rows.add(Report.row(s.offeredRate(), String.format("%.0f", s.deliveredPerSecond()), s.sent(), s.acked(), s.errors(), s.lost(),
                    s.notLive(), s.duplicates(), String.format("%.2f", s.p50Ms()), String.format("%.2f", s.p99Ms()), String.format("%.2f", s.p999Ms()),
                    String.format("%.1f", s.maxMs()), String.format("%.0f", s.serverCpuMsPer1000()), String.format("%.0f", s.generatorCpuMsPer1000()),
                    s.closedByServer()));
        }
        report.section("Direct messages on " + db, pairs + " pairs, after an unmeasured warm-up of " + warmup + " s at the first rate (at most "
                + DirectScenario.MAX_WARMUP_RATE + "/s); latency from send to receipt at the other client. "
                + "delivered/s: live deliveries over the time until the last one. lost: acknowledged but absent from history "
                + "(must be 0). not live: stored but not pushed within 20 s after sending stopped (a client gets them by sync). "
                + "sent but not acked: still queued when the step ended. closed by server: connections the server closed so far "
                + "in the run, by close code (4429: too many frames waiting to be written to it, protocol.md); must be 0.");
        report.table(List.of("offered/s", "delivered/s", "sent", "acked", "errors", "lost", "not live", "dup", "p50 ms", "p99 ms", "p99.9 ms",
                "max ms", "server CPU ms/1000 msg", "generator CPU ms/1000 msg", "closed by server"), rows);
    }

    /** Per offered rate, the median over repeats of delivered/s and of each latency percentile. */
    private static void reportMedians(Report report, List<DirectScenario.Step> steps) throws Exception {
        java.util.Map<Integer, List<DirectScenario.Step>> byRate = new java.util.TreeMap<>();
        steps.forEach(s -> byRate.computeIfAbsent(s.offeredRate(), k -> new ArrayList<>()).add(s));
        if (byRate.values().stream().allMatch(l -> l.size() < 2)) return;
        List<List<String>> rows = new ArrayList<>();
        byRate.forEach((rate, l) -> rows.add(Report.row(rate, l.size(),
                String.format("%.0f", median(l, DirectScenario.Step::deliveredPerSecond)),
                String.format("%.2f", median(l, DirectScenario.Step::p50Ms)),
                String.format("%.2f", median(l, DirectScenario.Step::p99Ms)),
                String.format("%.2f", median(l, DirectScenario.Step::p999Ms)),
                l.stream().mapToLong(DirectScenario.Step::lost).sum(), l.stream().mapToLong(DirectScenario.Step::duplicates).sum())));
        report.table(List.of("offered/s", "runs", "median delivered/s", "median p50 ms", "median p99 ms", "median p99.9 ms", "lost (all runs)", "dup (all runs)"), rows);
    }

    private static double median(List<DirectScenario.Step> l, java.util.function.ToDoubleFunction<DirectScenario.Step> f) {
        double[] v = l.stream().mapToDouble(f).sorted().toArray();
        return v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + v[v.length / 2]) / 2;
    }

    private static void plotDirect(Path out, Map<String, List<DirectScenario.Step>> byDb) throws Exception {
        List<Plot.Series> latency = new ArrayList<>();
        List<Plot.Series> throughput = new ArrayList<>();
        byDb.forEach((db, steps) -> {
            // Medians per offered rate, in rate order (repeats would otherwise zig-zag).
            java.util.Map<Integer, List<DirectScenario.Step>> byRate = new java.util.TreeMap<>();
            steps.forEach(s -> byRate.computeIfAbsent(s.offeredRate(), k -> new ArrayList<>()).add(s));
            double[] x = byRate.keySet().stream().mapToDouble(Integer::doubleValue).toArray();
            latency.add(new Plot.Series(db + " p50", x, byRate.values().stream().mapToDouble(l -> median(l, DirectScenario.Step::p50Ms)).toArray()));
            latency.add(new Plot.Series(db + " p99", x, byRate.values().stream().mapToDouble(l -> median(l, DirectScenario.Step::p99Ms)).toArray()));
            throughput.add(new Plot.Series(db, x, byRate.values().stream().mapToDouble(l -> median(l, DirectScenario.Step::deliveredPerSecond)).toArray()));
        });
        Plot.lines(out.resolve("direct-latency.png"), "Direct messages: latency vs offered rate", "offered messages/s", "ms", latency, true);
        Plot.lines(out.resolve("direct-throughput.png"), "Direct messages: delivered vs offered", "offered messages/s", "delivered messages/s", throughput, false);
    }
}
