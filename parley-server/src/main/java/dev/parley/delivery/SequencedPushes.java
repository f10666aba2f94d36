package dev.parley.delivery;

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
 * <p>Pushes run under their stripe's lock (that is what keeps them in order); they only enqueue frames, and
 * 64 stripes keep unrelated conversations from waiting on each other.
 */
@Component
public class SequencedPushes {
    private static final int STRIPES = 64;
    private final Stripe[] stripes = new Stripe[STRIPES];

    public SequencedPushes() {
        for (int i = 0; i < STRIPES; i++) stripes[i] = new Stripe();
    }

    private static final class Stripe {
        final Map<Long, TreeMap<Long, Ticket>> streams = new HashMap<>();
    }

    public static final class Ticket {
        private final Stripe stripe;
        private final long stream;
        private Runnable action;
        private boolean done;

        private Ticket(Stripe stripe, long stream) {
            this.stripe = stripe;
            this.stream = stream;
        }

        /** Runs {@code push} now, or as soon as the earlier reservations of its stream are through. */
        public void publish(Runnable push) {
            finish(push);
        }

        public void cancel() {
            finish(null);
        }

        private void finish(Runnable push) {
            synchronized (stripe) {
                if (done) return;
                done = true;
                action = push;
                TreeMap<Long, Ticket> pending = stripe.streams.get(stream);
                if (pending == null) return;
                while (!pending.isEmpty() && pending.firstEntry().getValue().done) {
                    Ticket t = pending.pollFirstEntry().getValue();
                    if (t.action != null) t.action.run();
                }
                if (pending.isEmpty()) stripe.streams.remove(stream);
            }
        }
    }

    public Ticket reserve(long stream, long seq) {
        Stripe s = stripes[(int) Math.floorMod(stream, (long) STRIPES)];
        synchronized (s) {
            Ticket t = new Ticket(s, stream);
            s.streams.computeIfAbsent(stream, k -> new TreeMap<>()).put(seq, t);
            return t;
        }
    }
}
