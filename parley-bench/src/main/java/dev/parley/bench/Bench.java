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
        if (!List.of("idle", "reconnect", "direct", "group", "all").contains(scenario)) {
            System.out.println("""
                    usage: ./parley bench idle|reconnect|direct|group|all [options]
                      --db sqlite|postgresql|both        (default both)
                      idle, reconnect: --connections 19000 --processes 2 --ramp 2000 (per s) --hold 60 (s)
                      direct:          --pairs 200 --rates 2000,5000,10000,20000 --seconds 10 --repeat 1
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

        if (scenario.equals("group")) {
            report.section("group", "Not available yet: Parley has no group conversations (issue 5). The scenario is listed so that it "
                    + "runs as soon as groups exist.");
        }
        Map<String, List<DirectScenario.Step>> directByDb = new LinkedHashMap<>();
        for (String db : dbs) {
            if (scenario.equals("idle") || scenario.equals("reconnect") || scenario.equals("all")) {
                int n = a.integer("connections", 19000);
                Map<String, String> settings = benchSettings(n + 100);
                try (ServerProcess server = ServerProcess.start(serverJar, db, freePort(), settings, jvm)) {
                    ConnectionScenarios.Result r = ConnectionScenarios.run(server, n, a.integer("processes", 2), a.integer("ramp", 2000),
                            a.integer("hold", 60), !scenario.equals("idle"), out, benchJar);
                    reportConnections(report, db, r);
                }
            }
            if (scenario.equals("direct") || scenario.equals("all")) {
                List<Integer> rates = Arrays.stream(a.get("rates", "2000,5000,10000,20000").split(",")).map(String::trim).map(Integer::parseInt).toList();
                try (ServerProcess server = ServerProcess.start(serverJar, db, freePort(), benchSettings(1000 + 2 * a.integer("pairs", 200)), jvm)) {
                    List<DirectScenario.Step> steps = new DirectScenario(server, a.integer("pairs", 200)).run(rates, a.integer("seconds", 10), a.integer("repeat", 1));
                    directByDb.put(db, steps);
                    reportDirect(report, db, a.integer("pairs", 200), steps);
                    reportMedians(report, steps);
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
     * most of the run), a per-connection frame rate above what the scenario offers, and room for the connections.
     */
    static Map<String, String> benchSettings(int maxConnections) {
        Map<String, String> s = new LinkedHashMap<>();
        s.put("parley.security.argon2-memory-kib", "1024");
        s.put("parley.security.argon2-iterations", "1");
        s.put("parley.limits.frames-per-second", "1000");
        s.put("parley.limits.frame-burst", "2000");
        s.put("parley.limits.max-connections", Integer.toString(maxConnections));
        s.put("logging.level.root", "WARN");
        return s;
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
        if (!Double.isNaN(r.stormSeconds())) rows.add(Report.row("reconnect storm: all back and synced (s)", String.format("%.2f", r.stormSeconds())));
        rows.add(Report.row("generator CPU (s, all processes)", String.format("%.1f", r.generatorCpuSeconds())));
        rows.add(Report.row("unexpected closes", r.unexpectedCloses()));
        report.section("Connections on " + db, "");
        report.table(List.of("measure", "value"), rows);
        double baseMiB = r.baseRssKib() / 1024.0;
        report.table(List.of("projected connections", "heap (GiB)", "RSS (GiB)", "kernel TCP, server side (GiB)"), List.of(
                projection(100_000, r.baseHeapKib(), heapPer, baseMiB, rssPer, sockPer),
                projection(1_000_000, r.baseHeapKib(), heapPer, baseMiB, rssPer, sockPer)));
    }

    private static List<String> projection(int n, long baseHeapKib, double heapPer, double baseRssMiB, double rssPer, double sockPer) {
        double gib = 1024.0 * 1024 * 1024;
        return Report.row(String.format("%,d", n), String.format("%.2f", (baseHeapKib * 1024.0 + n * heapPer) / gib),
                String.format("%.2f", (baseRssMiB * 1024 * 1024 + n * rssPer) / gib), String.format("%.2f", n * sockPer / 2 / gib));
    }

    private static void reportDirect(Report report, String db, int pairs, List<DirectScenario.Step> steps) throws Exception {
        List<List<String>> rows = new ArrayList<>();
        for (DirectScenario.Step s : steps) {
            rows.add(Report.row(s.offeredRate(), String.format("%.0f", s.deliveredPerSecond()), s.sent(), s.acked(), s.errors(), s.lost(),
                    s.notLive(), s.duplicates(), String.format("%.2f", s.p50Ms()), String.format("%.2f", s.p99Ms()), String.format("%.2f", s.p999Ms()),
                    String.format("%.1f", s.maxMs()), String.format("%.0f", s.serverCpuMsPer1000()), String.format("%.0f", s.generatorCpuMsPer1000())));
        }
        report.section("Direct messages on " + db, pairs + " pairs, after an unmeasured warm-up step; latency from send to receipt at the other client. "
                + "delivered/s: live deliveries over the time until the last one. lost: acknowledged but absent from history "
                + "(must be 0). not live: stored but not pushed within 20 s after sending stopped (a client gets them by sync). "
                + "sent but not acked: still queued when the step ended.");
        report.table(List.of("offered/s", "delivered/s", "sent", "acked", "errors", "lost", "not live", "dup", "p50 ms", "p99 ms", "p99.9 ms",
                "max ms", "server CPU ms/1000 msg", "generator CPU ms/1000 msg"), rows);
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
