package dev.parley.delivery;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import org.springframework.stereotype.Component;

/**
 * Keeps live pushes of one stream (a conversation) in sequence order. A writer reserves its sequence number
 * inside its transaction; after commit it publishes, and a push goes out only once every lower reservation of
 * that stream on this node has been published or cancelled. Sequence numbers are taken under the conversation's
 * row lock (or by SQLite's single writer), so reservations arrive in order and nothing waits on a later one.
 * Across nodes order is not guaranteed; clients fill gaps from history (see docs/protocol.md, sync).
 * <p>The stripe locks (64 stripes) guard only the bookkeeping; pushes run outside them, one stream at a time
 * (one drainer per stream keeps the order). A small push runs on the publishing thread; a large one (a big
 * group's fan-out) runs on a virtual thread of its own, so neither the sender's ack nor any other conversation
 * waits for it (docs/adr/0006-group-fan-out.md).
 */
@Component
public class SequencedPushes {
    private static final org.slf4j.Logger log = org.slf4j.LoggerFactory.getLogger(SequencedPushes.class);
    private static final int STRIPES = 64;
    private final Stripe[] stripes = new Stripe[STRIPES];

    public SequencedPushes() {
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe();
    }

    private static final class Stripe {
        final Map<Long, Stream> streams = new HashMap<>();
    }

    private static final class Stream {
        final TreeMap<Long, Ticket> pending = new TreeMap<>();
        final ArrayDeque<Ticket> ready = new ArrayDeque<>();
        boolean draining;
    }

    public static final class Ticket {
        private final Stripe stripe;
        private final long stream;
        private Runnable action;
        private boolean large;
        private boolean done;

        private Ticket(Stripe stripe, long stream) {
            this.stripe = stripe;
            this.stream = stream;
        }

        /** Runs {@code push} now, or as soon as the earlier reservations of its stream are through. */
        public void publish(Runnable push) {
            finish(push, false);
        }

        /** As {@link #publish}, for a push to many recipients: it runs on a virtual thread of its own. */
        public void publishLarge(Runnable push) {
            finish(push, true);
        }

        public void cancel() {
            finish(null, false);
        }

        private void finish(Runnable push, boolean isLarge) {
            Stream s;
            synchronized (stripe) {
                if (done) return;
                done = true;
                action = push;
                large = isLarge;
                s = stripe.streams.get(stream);
                if (s == null) return;
                while (!s.pending.isEmpty() && s.pending.firstEntry().getValue().done) {
                    Ticket t = s.pending.pollFirstEntry().getValue();
                    if (t.action != null) s.ready.add(t);
                }
                if (s.draining || s.ready.isEmpty()) {
                    if (!s.draining && s.pending.isEmpty()) stripe.streams.remove(stream);
                    return;
                }
                s.draining = true;
            }
            drain(s, false);
        }

        /**
         * Runs the stream's ready pushes in order, outside the stripe lock. On the publishing thread it hands over
         * to a virtual thread at the first large push, so a publisher never waits for a big fan-out.
         */
        private void drain(Stream s, boolean offThread) {
            while (true) {
                Ticket next;
                synchronized (stripe) {
                    next = s.ready.peek();
                    if (next == null) {
                        s.draining = false;
                        if (s.pending.isEmpty()) stripe.streams.remove(stream, s);
                        return;
                    }
                    if (next.large && !offThread) {
                        Thread.ofVirtual().name("parley-fanout").start(() -> drain(s, true));
                        return;
                    }
                    s.ready.poll();
                }
                try {
                    next.action.run();
                } catch (RuntimeException e) {
                    // A push is best effort; one that fails must not stop the stream's later pushes.
                    log.warn("A push failed", e);
                }
            }
        }
    }

    public Ticket reserve(long stream, long seq) {
        Stripe s = stripes[(int) Math.floorMod(stream, (long) STRIPES)];
        synchronized (s) {
            Ticket t = new Ticket(s, stream);
            s.streams.computeIfAbsent(stream, k -> new Stream()).pending.put(seq, t);
            return t;
        }
    }
}
