package dev.parley.conversation;

import dev.parley.account.Caller;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.platform.Db;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import java.time.Clock;
import org.springframework.stereotype.Component;

/** Marks a conversation read up to a sequence number and tells the user's other devices. */
@Component
public class ReadMarks {
    public record ReadMark(long conversationId, long readSeq, long unread) {}

    private final Db db;
    private final Conversations conversations;
    private final Delivery delivery;
    private final Clock clock;

    public ReadMarks(Db db, Conversations conversations, Delivery delivery, Clock clock) {
        this.db = db;
        this.conversations = conversations;
        this.delivery = delivery;
        this.clock = clock;
    }

    /** {@code origin}: the connection that asked (it gets the reply instead of a push), or null. */
    public ReadMark markRead(Caller caller, long conversationId, Long seq, Connection origin) {
        if (seq == null || seq < 0) throw ParleyException.invalid("Field 'seq' must be a sequence number (0 or more).");
        ReadMark mark = db.write(tx -> {
            Membership m = conversations.membership(tx, conversationId, caller.userId())
                    .orElseThrow(() -> new ParleyException(ErrorCode.CONVERSATION_NOT_FOUND));
            long target = Math.min(seq, m.lastSeq());
            long now = clock.millis();
            long read = conversations.advanceRead(tx, conversationId, caller.userId(), target, now);
            return new ReadMark(conversationId, read, Math.max(0, m.lastSeq() - read));
        });
        delivery.toUsersExcept(java.util.List.of(caller.userId()), new Push("read", mark), origin);
        return mark;
    }
}
