package dev.parley.bench;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicIntegerArray;

/**
 * A generator process holding a slice of the connections (one process may open at most ~20,000 files here).
 * Driven by its coordinator over stdin/stdout, one word a line:
 * <pre>
 *   out: OPEN n          every connection of the slice has its hello and its first sync answer
 *   in:  DROP            drop every connection at once, reconnect each with its token, sync from its token
 *   out: CAUGHTUP nanos  time from the drop until the last connection had its sync answer
 *   in:  QUIT            close all, print CPU nanos, exit
 *   out: ALL k micros n  (group scenario) every connection of the slice has the message with text "G<k>"; micros is
 *                        the wall-clock time of the last receipt; after 60 s it is printed with however many had it
 * </pre>
 * Connections send a {@code ping} every heartbeat interval, as real clients do, spread over the interval.
 */
public final class Worker {
    public static void main(String[] args) throws Exception {
        Path tokensFile = Path.of(args[0]);
        int from = Integer.parseInt(args[1]);
        int to = Integer.parseInt(args[2]);
        int port = Integer.parseInt(args[3]);
        int spread = Integer.parseInt(args[4]);
        int rampPerSecond = Integer.parseInt(args[5]);
        int heartbeatSeconds = Integer.parseInt(args[6]);
        List<String> tokens = Files.readAllLines(tokensFile).subList(from, to);
        int n = tokens.size();

        WsClients.Conn[] conns = new WsClients.Conn[n];
        int stormNo = 2;
        String[] syncTokens = new String[n];
        AtomicInteger ready = new AtomicInteger();
        CountDownLatch[] round = {new CountDownLatch(n)};
        AtomicInteger closedUnexpectedly = new AtomicInteger();
        // Which round (1: the ramp, 2, 3, ...: storms) each connection last synced in, and the round under way
        // (0 while holding): a connection that fails or closes before its sync in a round tries again, as a
        // client does, instead of leaving the round waiting for ever (a storm overflows the listen backlog, and
        // a SYN dropped too often times the connect out).
        AtomicIntegerArray syncedIn = new AtomicIntegerArray(n);
        AtomicInteger roundUnderWay = new AtomicInteger(1);
        AtomicInteger retries = new AtomicInteger();
        ScheduledExecutorService retryLater = Executors.newSingleThreadScheduledExecutor();
        WsClients.Listener[] self = new WsClients.Listener[1];
        WsClients[] clientsRef = new WsClients[1];
        GroupReceipts group = new GroupReceipts(n);
        WsClients.Listener listener = new WsClients.Listener() {
            @Override
            public void onText(WsClients.Conn c, String text) {
                if (text.startsWith("{\"type\":\"hello\"")) {
                    String t = syncTokens[c.tag];
                    c.send(t == null ? "{\"type\":\"sync\",\"id\":\"s\"}" : "{\"type\":\"sync\",\"id\":\"s\",\"token\":\"" + t + "\"}");
                } else if (text.startsWith("{\"type\":\"sync\"")) {
                    int i = text.indexOf("\"token\":\"");
                    syncTokens[c.tag] = text.substring(i + 9, text.indexOf('"', i + 9));
                    int r = roundUnderWay.get();
                    if (r != 0 && syncedIn.getAndSet(c.tag, r) != r) {
                        ready.incrementAndGet();
                        round[0].countDown();
                    }
                } else if (text.startsWith("{\"type\":\"message\"")) {
                    group.received(text);
                } else if (text.startsWith("{\"type\":\"error\"")) {
                    System.err.println("worker error frame: " + text);
                }
            }

            @Override
            public void onClose(WsClients.Conn c, int code) {
                if (c.dropped) return;
                int r = roundUnderWay.get();
                if (r != 0 && syncedIn.get(c.tag) != r) {
                    retry(c.tag);
                    return;
                }
                if (code != 1006 && code != 1000) closedUnexpectedly.incrementAndGet();
            }

            private void retry(int i) {
                retries.incrementAndGet();
                long delay = 100 + ThreadLocalRandom.current().nextLong(900);
                retryLater.schedule(() -> connectOne(clientsRef[0], conns, tokens, from, spread, i, self[0], this::retry),
                        delay, TimeUnit.MILLISECONDS);
            }
        };
        self[0] = listener;

        try (WsClients clients = new WsClients("127.0.0.1", port, 2)) {
            clientsRef[0] = clients;
            connectAll(clients, conns, tokens, from, spread, rampPerSecond, listener);
            round[0].await();
            roundUnderWay.set(0);
            System.out.println("OPEN " + n);
            System.out.flush();

            ScheduledExecutorService beat = Executors.newSingleThreadScheduledExecutor();
            long periodMicros = Math.max(1, heartbeatSeconds * 1_000_000L / Math.max(1, n));
            AtomicInteger next = new AtomicInteger();
            beat.scheduleAtFixedRate(() -> conns[Math.floorMod(next.getAndIncrement(), n)].send("{\"type\":\"ping\"}"),
                    periodMicros, periodMicros, TimeUnit.MICROSECONDS);

            BufferedReader in = new BufferedReader(new InputStreamReader(System.in));
            for (String line; (line = in.readLine()) != null; ) {
                if (line.equals("DROP")) {
                    long t0 = System.nanoTime();
                    round[0] = new CountDownLatch(n);
                    for (WsClients.Conn c : conns) c.abort();
                    int retried = retries.get();
                    roundUnderWay.set(stormNo++);
                    connectAll(clients, conns, tokens, from, spread, Integer.MAX_VALUE, listener);
                    round[0].await();
                    roundUnderWay.set(0);
                    System.out.println("CAUGHTUP " + (System.nanoTime() - t0) + " " + (retries.get() - retried));
                    System.out.flush();
                } else if (line.equals("QUIT")) {
                    break;
                }
            }
            beat.shutdownNow();
            retryLater.shutdownNow();
            for (WsClients.Conn c : conns) c.abort();
        }
        long cpu = ((com.sun.management.OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean()).getProcessCpuTime();
        System.out.println("CPU " + cpu + " " + closedUnexpectedly.get());
        System.out.flush();
    }

    private static void connectAll(WsClients clients, WsClients.Conn[] conns, List<String> tokens, int from, int spread,
                                   int perSecond, WsClients.Listener listener) throws InterruptedException {
        long start = System.nanoTime();
        for (int i = 0; i < conns.length; i++) {
            connectOne(clients, conns, tokens, from, spread, i, listener, null);
            if (perSecond != Integer.MAX_VALUE) {
                long due = start + (long) ((i + 1) * 1e9 / perSecond);
                long wait = due - System.nanoTime();
                if (wait > 0) TimeUnit.NANOSECONDS.sleep(wait);
            }
        }
    }

    /** Connects slot {@code i} anew; {@code onFailure} (if any) gets the slot when the TCP connect fails. */
    private static void connectOne(WsClients clients, WsClients.Conn[] conns, List<String> tokens, int from, int spread, int i,
                                   WsClients.Listener listener, java.util.function.IntConsumer onFailure) {
        WsClients.Conn c = new WsClients.Conn(i);
        conns[i] = c;
        clients.connect(c, tokens.get(i), WsClients.sourceAddress(from + i, spread), listener).addListener(f -> {
            // A connect that fails never becomes active, so no close reaches the listener: retry from here.
            if (!f.isSuccess() && !c.dropped) {
                if (onFailure != null) onFailure.accept(i);
                else listener.onClose(c, 1006);
            }
        });
    }
}
