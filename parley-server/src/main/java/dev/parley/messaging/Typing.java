package dev.parley.messaging;

import dev.parley.account.Caller;
import dev.parley.conversation.Conversations;
import dev.parley.conversation.Membership;
import dev.parley.conversation.Recipients;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.friend.Relationships;
import dev.parley.platform.Db;
import dev.parley.platform.ParleyProperties;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import org.springframework.stereotype.Component;

/**
 * Typing indicators: pushed to the other members' connections, never stored. At most one per
 * {@code typing-interval} per user and conversation is forwarded; the rest are dropped (and answered as usual).
 * Groups above {@code receipts-group-size} members get none: there, they would be noise at great cost.
 */
@Component
public class Typing {
    public record TypingPush(long conversationId, long userId) {}

    private record Key(long userId, long conversationId) {}

    private static final int SWEEP_ABOVE = 10_000;

    private final ConcurrentHashMap<Key, Long> lastForwarded = new ConcurrentHashMap<>();
    private final Db db;
    private final Conversations conversations;
    private final Relationships relationships;
    private final Recipients recipients;
    private final Delivery delivery;
    private final Clock clock;
    private final long intervalMillis;
    private final int maxGroup;

    public Typing(Db db, Conversations conversations, Relationships relationships, Recipients recipients, Delivery delivery, Clock clock,
                  ParleyProperties props) {
        this.db = db;
        this.conversations = conversations;
        this.relationships = relationships;
        this.recipients = recipients;
        this.delivery = delivery;
        this.clock = clock;
        this.intervalMillis = props.limits().typingInterval().toMillis();
        this.maxGroup = props.limits().receiptsGroupSize();
    }

    public void typing(Caller caller, long conversationId) {
        long now = clock.millis();
        Key key = new Key(caller.userId(), conversationId);
        Long last = lastForwarded.get(key);
        if (last != null && now - last < intervalMillis) return;
        Membership m = db.read(tx -> {
            Membership mine = conversations.requireActive(tx, conversationId, caller.userId());
            ChangeChecks.mayWrite(tx, relationships, mine); // as for sending: not to an ex-friend, nor across a block
            return mine;
        });
        if (m.isGroup() && (m.memberCount() > maxGroup || m.mutedAt(now) || (m.allMuted() && !m.isAdmin()))) return;
        // Two frames racing past the check: only the one that records its time forwards.
        if (last == null ? lastForwarded.putIfAbsent(key, now) != null : !lastForwarded.replace(key, last, now)) return;
        sweep(now);
        List<Long> to;
        if (m.peerId() != null) {
            to = List.of(m.peerId());
        } else {
            to = new ArrayList<>(recipients.current(conversationId, m.memberSeq()));
            to.remove(Long.valueOf(caller.userId()));
        }
        delivery.toUsers(to, new Push("typing", new TypingPush(conversationId, caller.userId())));
    }

    private void sweep(long now) {
        if (lastForwarded.size() > SWEEP_ABOVE) lastForwarded.values().removeIf(t -> now - t >= intervalMillis);
    }
}
