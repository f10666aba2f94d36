package dev.parley.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A Parley server in a process of its own (its own file-descriptor budget, its own memory to measure), started from
 * the built jar with benchmark settings, on SQLite in a temp folder or on a PostgreSQL database made for the run.
 */
final class ServerProcess implements AutoCloseable {
    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");
    /** {@code   12:     4000     320000  some.Class (module@version)} */
    private static final Pattern HISTOGRAM_ROW = Pattern.compile("(?m)^\\s*\\d+:\\s+(\\d+)\\s+(\\d+)\\s+(\\S+)");
    private static final long CLOCK_TICK_NANOS = 10_000_000L; // USER_HZ = 100 on Linux

    final int port;
    final String database;
    private final Process process;
    private final Path dataDir;
    private final String pgDatabase;
    private final Path log;

    private ServerProcess(int port, String database, Process process, Path dataDir, String pgDatabase, Path log) {
        this.port = port;
        this.database = database;
        this.process = process;
        this.dataDir = dataDir;
        this.pgDatabase = pgDatabase;
        this.log = log;
    }

    static ServerProcess start(Path jar, String database, int port, Map<String, String> settings, List<String> jvmOptions)
            throws Exception {
        Path dataDir = Files.createTempDirectory("parley-bench-data-");
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        cmd.add("--enable-native-access=ALL-UNNAMED");
        // As ./parley run does: a heap that gives back what it does not use, and compact object headers on JDK 25+.
        cmd.add("-XX:MaxHeapFreeRatio=20");
        cmd.add("-XX:MinHeapFreeRatio=10");
        if (Runtime.version().feature() >= 25) cmd.add("-XX:+UseCompactObjectHeaders");
        cmd.addAll(jvmOptions);
        cmd.add("-jar");
        cmd.add(jar.toString());
        cmd.add("--server.port=" + port);
        cmd.add("--server.address=127.0.0.1");
        cmd.add("--parley.data-dir=" + dataDir);
        String pgDb = null;
        if ("postgresql".equals(database)) {
            pgDb = "parley_bench_" + UUID.randomUUID().toString().replace("-", "").substring(0, 12);
            try (Connection c = DriverManager.getConnection(pgAdminUrl(), "postgres", "")) {
                c.createStatement().execute("CREATE DATABASE " + pgDb);
            }
            cmd.add("--parley.database.url=" + pgAdminUrl().replace("/postgres", "/" + pgDb));
            cmd.add("--parley.database.username=postgres");
        }
        settings.forEach((k, v) -> cmd.add("--" + k + "=" + v));
        Path log = dataDir.resolve("server.log");
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        ServerProcess s = new ServerProcess(port, database, p, dataDir, pgDb, log);
        s.awaitReady();
        return s;
    }

    static String pgAdminUrl() {
        String v = System.getenv("PARLEY_BENCH_PG_URL");
        return v != null && !v.isBlank() ? v : "jdbc:postgresql://127.0.0.1:5432/postgres";
    }

    private void awaitReady() throws Exception {
        HttpClient http = HttpClient.newHttpClient();
        long deadline = System.nanoTime() + 120_000_000_000L;
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) throw new IllegalStateException("server exited; see " + log + "\n" + tail());
            try {
                HttpResponse<String> r = http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/api/v1/me")).build(),
                        HttpResponse.BodyHandlers.ofString());
                if (r.statusCode() == 401) return;
            } catch (IOException notYet) {
                // still starting
            }
            Thread.sleep(250);
        }
        throw new IllegalStateException("server did not start in 120 s; see " + log);
    }

    long pid() { return process.pid(); }

    /**
     * PostgreSQL: ANALYZE the run's database now, so that query plans after a bulk fill do not depend on when
     * autovacuum last came by. SQLite: nothing (Parley keeps no planner statistics there).
     */
    void analyze() throws SQLException {
        if (pgDatabase == null) return;
        try (Connection c = DriverManager.getConnection(pgAdminUrl().replace("/postgres", "/" + pgDatabase), "postgres", "")) {
            c.createStatement().execute("ANALYZE");
        }
    }

    /** Resident set size in KiB, from /proc. */
    long rssKib() throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/" + pid() + "/status"))) {
            if (line.startsWith("VmRSS:")) return Long.parseLong(line.replaceAll("\\D", ""));
        }
        return -1;
    }

    /** User plus system CPU time of the server process, in nanoseconds. */
    long cpuNanos() throws IOException {
        if (!process.isAlive()) throw new IllegalStateException("the server process exited; its log ends:\n" + tail());
        String stat = Files.readString(Path.of("/proc/" + pid() + "/stat"));
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
        return (Long.parseLong(f[11]) + Long.parseLong(f[12])) * CLOCK_TICK_NANOS; // utime, stime (fields 14, 15)
    }

    /** Heap in use after a full GC, in KiB (jcmd GC.run, then GC.heap_info). */
    long heapUsedAfterGcKib() throws Exception {
        jcmd("GC.run");
        Thread.sleep(500);
        jcmd("GC.run");
        String info = jcmd("GC.heap_info");
        Matcher m = HEAP_USED.matcher(info);
        if (!m.find()) throw new IllegalStateException("no heap figure in: " + info);
        return Long.parseLong(m.group(1));
    }

    /** Heap in use now, garbage included (no GC forced), in KiB. */
    long heapUsedKib() throws Exception {
        Matcher m = HEAP_USED.matcher(jcmd("GC.heap_info"));
        if (!m.find()) throw new IllegalStateException("no heap figure");
        return Long.parseLong(m.group(1));
    }

    /**
     * The live objects by class after a full GC ({@code jcmd GC.class_histogram}): class name (module suffix
     * dropped) to {instances, bytes}. The raw output is written to {@code out}.
     */
    java.util.Map<String, long[]> classHistogram(Path out) throws Exception {
        String text = jcmd("GC.class_histogram");
        Files.writeString(out, text);
        java.util.Map<String, long[]> classes = new java.util.HashMap<>();
        Matcher m = HISTOGRAM_ROW.matcher(text);
        while (m.find()) classes.put(m.group(3), new long[] {Long.parseLong(m.group(1)), Long.parseLong(m.group(2))});
        return classes;
    }

    private String jcmd(String command) throws Exception {
        Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
        Process p = new ProcessBuilder(jcmd.toString(), Long.toString(pid()), command).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return out;
    }

    String tail() {
        try {
            List<String> lines = Files.readAllLines(log);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
        } catch (IOException e) {
            return "(no log)";
        }
    }

    @Override
    public void close() throws Exception {
        process.destroy();
        if (!process.waitFor(20, java.util.concurrent.TimeUnit.SECONDS)) process.destroyForcibly().waitFor();
        if (pgDatabase != null) {
            try (Connection c = DriverManager.getConnection(pgAdminUrl(), "postgres", "")) {
                c.createStatement().execute("DROP DATABASE IF EXISTS " + pgDatabase + " WITH (FORCE)");
            } catch (SQLException e) {
                System.err.println("could not drop " + pgDatabase + ": " + e.getMessage());
            }
        }
        try (var walk = Files.walk(dataDir)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(x -> x.toFile().delete());
        }
    }
}
