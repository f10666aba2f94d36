package dev.parley.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * idle: ramp N authenticated WebSocket connections spread over several generator processes, hold them, measure
 * the server's heap, RSS, kernel socket memory and heartbeat CPU per connection.
 * reconnect: then drop every connection at once and time until each is back, authenticated and synced.
 */
final class ConnectionScenarios {
    record Result(int connections, double loginsPerSecond, double rampSeconds, long baseHeapKib, long heapKib,
                  long baseRssKib, long rssKib, long baseSockKib, long sockKib, double holdSeconds, double serverCpuSeconds,
                  List<Double> stormSeconds, int stormRetries, double generatorCpuSeconds, int unexpectedCloses, List<ClassCost> perConnection) {}

    /** What one connection adds of one class: (held - baseline) / connections, from the class histograms. */
    record ClassCost(String className, double instances, double bytes) {}

    private ConnectionScenarios() {}

    static Result run(ServerProcess server, int connections, int processes, int ramp, int holdSeconds, int storms,
                      Path workDir, Path benchJar) throws Exception {
        Accounts.Created created = new Accounts(server.port).create("conn", connections, 8);
        Path tokens = workDir.resolve("tokens-" + server.database + ".txt");
        Files.write(tokens, created.users().stream().map(Accounts.User::token).toList());

        long baseHeap = server.heapUsedAfterGcKib();
        long baseRss = server.rssKib();
        long baseSock = KernelSockets.tcpMemKib();
        var baseClasses = server.classHistogram(workDir.resolve("histogram-" + server.database + "-baseline.txt"));

        List<Process> workers = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        List<PrintWriter> ins = new ArrayList<>();
        long t0 = System.nanoTime();
        int per = (connections + processes - 1) / processes;
        for (int p = 0; p < processes; p++) {
            int from = p * per, to = Math.min(connections, from + per);
            if (from >= to) break;
            Process w = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-jar", benchJar.toString(), "worker", tokens.toString(), Integer.toString(from), Integer.toString(to), Integer.toString(server.port),
                    "250", Integer.toString(Math.max(1, ramp / processes)), "25")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            workers.add(w);
            outs.add(new BufferedReader(new InputStreamReader(w.getInputStream())));
            ins.add(new PrintWriter(w.getOutputStream(), true));
        }
        for (BufferedReader r : outs) expect(r, "OPEN");
        double rampSeconds = (System.nanoTime() - t0) / 1e9;
        System.out.printf("%d connections open in %.1f s%n", connections, rampSeconds);

        long cpu0 = server.cpuNanos();
        long h0 = System.nanoTime();
        Thread.sleep(holdSeconds * 1000L);
        double held = (System.nanoTime() - h0) / 1e9;
        double serverCpu = (server.cpuNanos() - cpu0) / 1e9;
        long heap = server.heapUsedAfterGcKib();
        long rss = server.rssKib();
        long sock = KernelSockets.tcpMemKib();
        var heldClasses = server.classHistogram(workDir.resolve("histogram-" + server.database + "-held.txt"));

        // Storms one after another, 5 s apart: the first one after the ramp also runs the token sync's code for the
        // first time (the ramp syncs without a token), so it measures the JIT as much as the server; later ones
        // show a server that has been up a while.
        List<Double> stormSeconds = new ArrayList<>();
        int stormRetries = 0;
        for (int storm = 0; storm < storms; storm++) {
            if (storm > 0) Thread.sleep(5_000);
            for (PrintWriter in : ins) in.println("DROP");
            double worst = 0;
            for (BufferedReader r : outs) {
                String[] caughtUp = expect(r, "CAUGHTUP").split(" "); // nanos, connects the clients retried
                worst = Math.max(worst, Long.parseLong(caughtUp[0]) / 1e9);
                stormRetries += Integer.parseInt(caughtUp[1]);
            }
            stormSeconds.add(worst);
            System.out.printf("storm %d: all back and synced in %.2f s%n", storm + 1, worst);
        }
        double genCpu = 0;
        int unexpected = 0;
        for (int i = 0; i < workers.size(); i++) {
            ins.get(i).println("QUIT");
            String[] cpu = expect(outs.get(i), "CPU").split(" ");
            genCpu += Long.parseLong(cpu[0]) / 1e9;
            unexpected += Integer.parseInt(cpu[1]);
            workers.get(i).waitFor();
        }
        return new Result(connections, created.loginsPerSecond(), rampSeconds, baseHeap, heap, baseRss, rss, baseSock, sock,
                held, serverCpu, stormSeconds, stormRetries, genCpu, unexpected, perConnection(baseClasses, heldClasses, connections));
    }

    /** The classes that grew most with the connections, per connection, largest first. */
    static List<ClassCost> perConnection(java.util.Map<String, long[]> base, java.util.Map<String, long[]> held, int connections) {
        List<ClassCost> out = new ArrayList<>();
        held.forEach((name, h) -> {
            long[] b = base.getOrDefault(name, new long[2]);
            out.add(new ClassCost(name, (h[0] - b[0]) / (double) connections, (h[1] - b[1]) / (double) connections));
        });
        out.sort(java.util.Comparator.comparingDouble(ClassCost::bytes).reversed());
        return out;
    }

    /** Reads lines until one starts with {@code word}; returns the rest of it. */
    static String expect(BufferedReader r, String word) throws Exception {
        for (String line; (line = r.readLine()) != null; ) {
            if (line.startsWith(word)) return line.substring(word.length()).trim();
        }
        throw new IllegalStateException("generator process ended before " + word);
    }
}
