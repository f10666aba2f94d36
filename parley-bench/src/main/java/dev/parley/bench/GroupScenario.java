package dev.parley.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import tools.jackson.databind.JsonNode;

/**
 * group: one group of {@code members} users (the owner plus members who joined by invite link), every member
 * online on its own WebSocket in generator processes; the owner sends {@code messages} messages one at a time and
 * we take the time from the send until the last member has the push. Sender and receivers are in different
 * processes on the same machine, so the clock is the wall clock in microseconds ({@link Instant}), read on both sides.
 */
final class GroupScenario {
    /** One message: until every member had it, and the send's ack. */
    record Delivery(double allReceivedMs, double ackMs, int receivers) {}

    record Result(int members, double joinSeconds, List<Delivery> deliveries, double serverCpuMsPerMessage, double generatorCpuSeconds,
                  int unexpectedCloses) {
        double medianAllMs() {
            return median(deliveries.stream().mapToDouble(Delivery::allReceivedMs).toArray());
        }

        double maxAllMs() {
            return deliveries.stream().mapToDouble(Delivery::allReceivedMs).max().orElse(Double.NaN);
        }

        double medianDeliveriesPerSecond() {
            return median(deliveries.stream().mapToDouble(d -> d.receivers() / (d.allReceivedMs() / 1000)).toArray());
        }
    }

    private GroupScenario() {}

    static Result run(ServerProcess server, int members, int messages, int processes, Path workDir, Path benchJar) throws Exception {
        Accounts accounts = new Accounts(server.port);
        List<Accounts.User> users = accounts.create("grp" + members, members, 8).users();
        Accounts.User owner = users.get(0);
        long groupId = accounts.post("/groups", owner.token(), "{\"name\":\"bench " + members + "\",\"memberIds\":[]}", 201).get("id").asLong();
        String code = accounts.post("/groups/" + groupId + "/invites", owner.token(), "{}", 201).get("code").asString();
        long j0 = System.nanoTime();
        Semaphore gate = new Semaphore(8);
        try (var pool = Executors.newVirtualThreadPerTaskExecutor()) {
            List<Future<JsonNode>> joins = new ArrayList<>();
            for (Accounts.User u : users.subList(1, users.size())) {
                joins.add(pool.submit(() -> {
                    gate.acquire();
                    try {
                        return accounts.post("/invites/" + code + "/join", u.token(), "", 200);
                    } finally {
                        gate.release();
                    }
                }));
            }
            for (Future<JsonNode> f : joins) f.get();
        }
        double joinSeconds = (System.nanoTime() - j0) / 1e9;
        System.out.printf("group of %d: members joined in %.1f s%n", members, joinSeconds);

        // Receivers: every member but the owner, in generator processes (their file-descriptor budget, their CPU).
        List<Accounts.User> receivers = users.subList(1, users.size());
        Path tokens = workDir.resolve("group-tokens-" + server.database + "-" + members + ".txt");
        Files.write(tokens, receivers.stream().map(Accounts.User::token).toList());
        List<Process> workers = new ArrayList<>();
        List<BufferedReader> outs = new ArrayList<>();
        List<PrintWriter> ins = new ArrayList<>();
        int per = (receivers.size() + processes - 1) / processes;
        for (int p = 0; p < processes; p++) {
            int from = p * per, to = Math.min(receivers.size(), from + per);
            if (from >= to) break;
            Process w = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx1g", "--enable-native-access=ALL-UNNAMED", "-jar", benchJar.toString(), "worker", tokens.toString(),
                    Integer.toString(from), Integer.toString(to), Integer.toString(server.port), "250", "2000", "25")
                    .redirectError(ProcessBuilder.Redirect.INHERIT).start();
            workers.add(w);
            outs.add(new BufferedReader(new InputStreamReader(w.getInputStream())));
            ins.add(new PrintWriter(w.getOutputStream(), true));
        }
        for (BufferedReader r : outs) ConnectionScenarios.expect(r, "OPEN");
        System.out.printf("group of %d: %d receivers online%n", members, receivers.size());

        List<Delivery> deliveries = new ArrayList<>();
        long cpu0 = 0;
        try (WsClients clients = new WsClients("127.0.0.1", server.port, 1)) {
            Sender sender = new Sender();
            WsClients.Conn conn = new WsClients.Conn(0);
            clients.connect(conn, owner.token(), "127.0.0.1", sender);
            sender.hello.get(30, TimeUnit.SECONDS);
            for (int k = 0; k <= messages; k++) { // k = 0: unmeasured warm-up
                if (k == 1) cpu0 = server.cpuNanos();
                CompletableFuture<Long> ack = new CompletableFuture<>();
                sender.ack = ack;
                long sentMicros = nowMicros();
                conn.send("{\"type\":\"send\",\"id\":\"g" + k + "\",\"conversationId\":" + groupId + ",\"clientMsgId\":\"grp-" + members
                        + "-" + System.nanoTime() + "\",\"text\":\"G" + k + "\"}");
                long ackMicros = ack.get(120, TimeUnit.SECONDS);
                long last = 0;
                int got = 0;
                for (BufferedReader r : outs) {
                    String[] all = ConnectionScenarios.expect(r, "ALL " + k + " ").split(" ");
                    last = Math.max(last, Long.parseLong(all[0]));
                    got += Integer.parseInt(all[1]);
                }
                if (k > 0) deliveries.add(new Delivery((last - sentMicros) / 1000.0, (ackMicros - sentMicros) / 1000.0, got));
                System.out.printf("group of %d: message %d at all %d receivers after %.1f ms%n", members, k, got, (last - sentMicros) / 1000.0);
                Thread.sleep(1000);
            }
            conn.abort();
        }
        double cpuMsPerMessage = (server.cpuNanos() - cpu0) / 1e6 / messages;
        double genCpu = 0;
        int unexpected = 0;
        for (int i = 0; i < workers.size(); i++) {
            ins.get(i).println("QUIT");
            String[] cpu = ConnectionScenarios.expect(outs.get(i), "CPU").split(" ");
            genCpu += Long.parseLong(cpu[0]) / 1e9;
            unexpected += Integer.parseInt(cpu[1]);
            workers.get(i).waitFor();
        }
        return new Result(members, joinSeconds, deliveries, cpuMsPerMessage, genCpu, unexpected);
    }

    static long nowMicros() {
        Instant t = Instant.now();
        return t.getEpochSecond() * 1_000_000L + t.getNano() / 1000;
    }

    /** The owner's connection: completes {@code hello} on the server's hello and {@code ack} on each send's ack. */
    private static final class Sender implements WsClients.Listener {
        final CompletableFuture<Void> hello = new CompletableFuture<>();
        volatile CompletableFuture<Long> ack;

        @Override
        public void onText(WsClients.Conn c, String text) {
            if (text.startsWith("{\"type\":\"hello\"")) hello.complete(null);
            else if (text.startsWith("{\"type\":\"ack\"")) ack.complete(nowMicros());
            else if (text.startsWith("{\"type\":\"error\"")) ack.completeExceptionally(new IllegalStateException(text));
        }
    }

    static double median(double[] v) {
        if (v.length == 0) return Double.NaN;
        double[] s = v.clone();
        java.util.Arrays.sort(s);
        return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
    }
}
