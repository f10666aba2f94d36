package dev.parley.messaging;

import dev.parley.conversation.Recipients;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Delivery;
import dev.parley.delivery.Push;
import dev.parley.delivery.SequencedPushes;
import java.util.ArrayList;
import java.util.List;

/**
 * The entries one transaction appended, waiting for its commit: then each is pushed as a {@code message} to the
 * members who may see it, in sequence order; if the transaction fails, their reservations are cancelled.
 * Made by {@link EntryWriter#write}.
 */
public final class Outbox {
    /** Groups above this many members are pushed on a virtual thread of their own (ADR 0006). */
    static final long LARGE_FAN_OUT = 256;

    private record Item(SequencedPushes.Ticket ticket, EntryView view, long memberSeq, long memberCount, List<Long> members) {}

    private final Delivery delivery;
    private final Recipients recipients;
    private final Connection origin;
    private final List<Item> items = new ArrayList<>();

    Outbox(Delivery delivery, Recipients recipients, Connection origin) {
        this.delivery = delivery;
        this.recipients = recipients;
        this.origin = origin;
    }

    /** {@code members}: the recipients when the caller knows them (a direct conversation), else null: looked up after commit. */
    void add(SequencedPushes.Ticket ticket, EntryView view, long memberSeq, long memberCount, List<Long> members) {
        items.add(new Item(ticket, view, memberSeq, memberCount, members));
    }

    void cancelAll() {
        for (Item i : items) i.ticket().cancel();
        items.clear();
    }

    void publish() {
        for (Item i : items) {
            Push push = new Push("message", i.view());
            EntryView v = i.view();
            if (i.members() != null) {
                i.ticket().publish(() -> delivery.toUsersExcept(i.members(), push, origin));
            } else {
                Runnable fanOut = () -> delivery.toUsersExcept(recipients.forEntry(v.conversationId(), v.seq(), i.memberSeq()), push, origin);
                // Membership entries read their recipients from the database: off the caller's path too.
                if (i.memberCount() > LARGE_FAN_OUT || v.seq() == i.memberSeq()) i.ticket().publishLarge(fanOut);
                else i.ticket().publish(fanOut);
            }
        }
        items.clear();
    }
}
