package dev.parley.bench;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import tools.jackson.databind.JsonNode;

/**
 * direct: K pairs of friends; senders send at a fixed offered rate in total, receivers take the time from the send
 * (a nanoTime in the text, same process) to receipt. Counts acks, errors, delivered, lost and duplicated messages.
 */
final class DirectScenario {
    /**
     * {@code lost}: acknowledged but not in the conversation's history (never stored) — must be 0.
     * {@code notLive}: stored, but not pushed live within the drain window (a real client gets these by sync).
     */
    record Step(int offeredRate, double seconds, long sent, long acked, long errors, long delivered, long lost,
                long notLive, long duplicates, double deliveredPerSecond, double p50Ms, double p99Ms, double p999Ms, double maxMs,
                double serverCpuMsPer1000, double generatorCpuMsPer1000, String closedByServer) {}

    private final int pairs;
    private final ServerProcess server;
    private final Accounts.User[] senders;
    private final Accounts.User[] receivers;
    private final long[] conversation;
    private final WsClients.Conn[] sendConns;
    private final WsClients.Conn[] recvConns;
    private final BitSet[] seen;
    private final AtomicLong acked = new AtomicLong();
    private final AtomicLong errors = new AtomicLong();
    private final AtomicLong delivered = new AtomicLong();
    private final AtomicLong duplicates = new AtomicLong();
    /** Connections the server closed during the run, by close code (4429: a slow consumer), counted when they close. */
    private final java.util.concurrent.ConcurrentSkipListMap<Integer, Integer> closes = new java.util.concurrent.ConcurrentSkipListMap<>();
    private final Recorder latency = new Recorder(3);
    private final AtomicLong lastDeliveryNanos = new AtomicLong();
    private Accounts accounts;
    private long storedBefore;
    private int stepCount;
    private volatile CountDownLatch setup;

    DirectScenario(ServerProcess server, int pairs) {
        this.server = server;
        this.pairs = pairs;
        this.senders = new Accounts.User[pairs];
        this.receivers = new Accounts.User[pairs];
        this.conversation = new long[pairs];
        this.sendConns = new WsClients.Conn[pairs];
        this.recvConns = new WsClients.Conn[pairs];
        this.seen = new BitSet[pairs];
        for (int i = 0; i < pairs; i++) seen[i] = new BitSet();
    }

    /** The warm-up's rate is the first rate's, up to this: a warm-up past saturation would leave a backlog behind. */
    static final int MAX_WARMUP_RATE = 2000;

    /**
     * An unmeasured warm-up of {@code warmupSeconds} at the first rate (JIT, pools, caches; with 5 s, as before, the
     * first measured steps still read high: three 1,000/s steps in a row gave p99 195, 73 and 23 ms), then each rate
     * {@code repeat} times in turn (1, 2, 3, 1, 2, 3...), so that slow drift of the machine spreads over all rates.
     */
    List<Step> run(List<Integer> rates, int seconds, int repeat, int warmupSeconds) throws Exception {
        accounts = new Accounts(server.port);
        List<Accounts.User> users = accounts.create("direct", 2 * pairs, 8).users();
        for (int i = 0; i < pairs; i++) {
            senders[i] = users.get(i);
            receivers[i] = users.get(pairs + i);
            accounts.befriend(senders[i], receivers[i]);
        }
        List<Step> steps = new ArrayList<>();
        try (WsClients clients = new WsClients("127.0.0.1", server.port, 2)) {
            CountDownLatch hellos = new CountDownLatch(2 * pairs);
            WsClients.Listener onHello = listener(hellos);
            for (int i = 0; i < pairs; i++) {
                sendConns[i] = new WsClients.Conn(i);
                recvConns[i] = new WsClients.Conn(i);
                clients.connect(sendConns[i], senders[i].token(), WsClients.sourceAddress(i, 200), onHello);
                clients.connect(recvConns[i], receivers[i].token(), WsClients.sourceAddress(pairs + i, 200), onHello);
            }
            if (!hellos.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("connections did not open");
            setup = new CountDownLatch(pairs);
            for (int i = 0; i < pairs; i++) {
                sendConns[i].send("{\"type\":\"send\",\"id\":\"setup\",\"to\":" + receivers[i].id()
                        + ",\"clientMsgId\":\"setup\",\"text\":\"" + System.nanoTime() + "\"}");
            }
            if (!setup.await(60, TimeUnit.SECONDS)) throw new IllegalStateException("setup messages not acknowledged");
            // Heartbeats, as real clients send them: a receiver sends nothing else, and a run longer than the
            // server's idle timeout (75 s) had every receiver closed with 4408 (seen as "not live" messages).
            var heartbeat = java.util.concurrent.Executors.newSingleThreadScheduledExecutor();
            heartbeat.scheduleAtFixedRate(() -> {
                for (int i = 0; i < pairs; i++) {
                    sendConns[i].send(PING);
                    recvConns[i].send(PING);
                }
            }, HEARTBEAT_SECONDS, HEARTBEAT_SECONDS, TimeUnit.SECONDS);
            try {
                Thread.sleep(1000);
                if (warmupSeconds > 0) step(Math.min(MAX_WARMUP_RATE, rates.get(0)), warmupSeconds);
                for (int r = 0; r < repeat; r++) {
                    for (int rate : rates) steps.add(step(rate, seconds));
                }
            } finally {
                heartbeat.shutdownNow();
            }
        }
        return steps;
    }

    private Step step(int rate, int seconds) throws Exception {
        long acked0 = acked.get(), errors0 = errors.get(), delivered0 = delivered.get(), dup0 = duplicates.get();
        latency.getIntervalHistogram(); // reset
        long serverCpu0 = server.cpuNanos();
        long genCpu0 = generatorCpu();
        long start = System.nanoTime();
        long sent = 0;
        long end = start + seconds * 1_000_000_000L;
        String prefix = "s" + (stepCount++) + "-"; // clientMsgIds unique across steps: a repeat is not a retry
        while (true) {
            long now = System.nanoTime();
            if (now >= end) break;
            long due = (long) ((now - start) / 1e9 * rate);
            while (sent < due) {
                int i = (int) (sent % pairs);
                sendConns[i].send("{\"type\":\"send\",\"conversationId\":" + conversation[i] + ",\"clientMsgId\":\"" + prefix + sent
                        + "\",\"text\":\"" + System.nanoTime() + "\"}");
                sent++;
            }
            TimeUnit.MICROSECONDS.sleep(500);
        }
        double sendSeconds = (System.nanoTime() - start) / 1e9;
        long drainDeadline = System.nanoTime() + 20_000_000_000L;
        while (System.nanoTime() < drainDeadline
                && (acked.get() + errors.get() - acked0 - errors0 < sent || delivered.get() - delivered0 < acked.get() - acked0)) {
            Thread.sleep(20);
        }
        double serverCpuMs = (server.cpuNanos() - serverCpu0) / 1e6;
        double genCpuMs = (generatorCpu() - genCpu0) / 1e6;
        long ack = acked.get() - acked0, err = errors.get() - errors0, del = delivered.get() - delivered0;
        double deliverySeconds = Math.max(sendSeconds, (lastDeliveryNanos.get() - start) / 1e9);
        long storedNow = storedMessages();
        long stored = storedNow - storedBefore;
        storedBefore = storedNow;
        Histogram h = latency.getIntervalHistogram();
        return new Step(rate, sendSeconds, sent, ack, err, del, Math.max(0, ack - stored), Math.max(0, stored - del),
                duplicates.get() - dup0, del / deliverySeconds, h.getValueAtPercentile(50) / 1e6, h.getValueAtPercentile(99) / 1e6,
                h.getValueAtPercentile(99.9) / 1e6, h.getMaxValue() / 1e6,
                del == 0 ? 0 : serverCpuMs / (del / 1000.0), del == 0 ? 0 : genCpuMs / (del / 1000.0), closesSoFar());
    }

    /** Messages in all pair conversations, from history (the truth), less the setup message of each. */
    private long storedMessages() throws Exception {
        long total = 0;
        for (int i = 0; i < pairs; i++) {
            total += accounts.get("/conversations/" + conversation[i] + "/messages?limit=1", senders[i].token()).get("lastSeq").asLong() - 1;
        }
        return total;
    }

    private static final String PING = "{\"type\":\"ping\"}";
    /** The hello's default heartbeatInterval, which the web client follows. */
    private static final int HEARTBEAT_SECONDS = 25;

    /** "0", or each close code with its count since the start, e.g. "4429×12". */
    private String closesSoFar() {
        if (closes.isEmpty()) return "0";
        StringBuilder b = new StringBuilder();
        closes.forEach((code, n) -> b.append(b.isEmpty() ? "" : ", ").append(code).append('×').append(n));
        return b.toString();
    }

    private WsClients.Listener listener(CountDownLatch hellos) {
        WsClients.Listener onText = onText(hellos);
        return new WsClients.Listener() {
            @Override
            public void onText(WsClients.Conn c, String text) { onText.onText(c, text); }

            @Override
            public void onClose(WsClients.Conn c, int code) {
                if (!c.dropped) closes.merge(code, 1, Integer::sum);
            }
        };
    }

    private WsClients.Listener onText(CountDownLatch hellos) {
        return (c, text) -> {
            long now = System.nanoTime();
            JsonNode n = Accounts.JSON.readTree(text);
            switch (n.get("type").asString()) {
                case "hello" -> hellos.countDown();
                case "ack" -> {
                    if ("setup".equals(n.path("id").asString(""))) {
                        conversation[c.tag] = n.get("conversationId").asLong();
                        setup.countDown();
                    } else {
                        acked.incrementAndGet();
                    }
                }
                case "message" -> {
                    int seq = (int) n.get("seq").asLong();
                    if (seq == 1) return; // the setup message
                    BitSet b = seen[c.tag];
                    boolean dup;
                    synchronized (b) {
                        dup = b.get(seq);
                        b.set(seq);
                    }
                    if (dup) duplicates.incrementAndGet();
                    else delivered.incrementAndGet();
                    lastDeliveryNanos.set(now);
                    long sentAt = Long.parseLong(n.get("text").asString());
                    latency.recordValue(Math.max(0, now - sentAt));
                }
                case "error" -> errors.incrementAndGet();
                default -> { }
            }
        };
    }

    private static long generatorCpu() {
        return ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
    }
}
