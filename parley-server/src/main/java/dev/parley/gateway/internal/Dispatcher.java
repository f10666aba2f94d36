package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.ReadMarks;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Push;
import dev.parley.gateway.ClientCommand;
import dev.parley.messaging.MessageHistory;
import dev.parley.messaging.MessageEditing;
import dev.parley.messaging.MessageRecalling;
import dev.parley.messaging.MessageSending;
import dev.parley.messaging.Reacting;
import dev.parley.messaging.Typing;
import dev.parley.presence.Presence;
import dev.parley.platform.ApiError;
import dev.parley.platform.ErrorCode;
import dev.parley.platform.ParleyException;
import dev.parley.sync.Sync;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.stereotype.Component;

/**
 * The one place client commands meet the feature modules, whatever transport carried them. Blocking: transports
 * call it on a virtual thread. Always returns a reply frame; failures become {@code error} frames.
 */
@Component
class Dispatcher {
    private static final Logger log = LoggerFactory.getLogger(Dispatcher.class);

    private final MessageSending sending;
    private final MessageHistory history;
    private final MessageEditing editing;
    private final MessageRecalling recalling;
    private final Reacting reacting;
    private final Typing typing;
    private final ReadMarks readMarks;
    private final Presence presence;
    private final Sync sync;

    Dispatcher(MessageSending sending, MessageHistory history, MessageEditing editing, MessageRecalling recalling, Reacting reacting,
               Typing typing, ReadMarks readMarks, Presence presence, Sync sync) {
        this.sending = sending;
        this.history = history;
        this.editing = editing;
        this.recalling = recalling;
        this.reacting = reacting;
        this.typing = typing;
        this.readMarks = readMarks;
        this.presence = presence;
        this.sync = sync;
    }

    Push dispatch(Caller caller, Connection origin, ClientCommand command) {
        try {
            return switch (command) {
                case ClientCommand.Ping p -> new Push("pong", p.id(), null);
                case ClientCommand.Send s -> new Push("ack", s.id(), sending.send(caller, new MessageSending.SendRequest(s.conversationId(),
                        s.to(), s.clientMsgId(), s.text(), s.replyTo(), s.mentions(), s.mentionsAll(), s.forwardOf(), s.attachments()), origin));
                case ClientCommand.History h -> new Push("history", h.id(),
                        history.page(caller, h.conversationId(), h.before(), h.after(), h.around(), h.limit()));
                case ClientCommand.Sync s -> new Push("sync", s.id(), sync.sync(caller, s.token()));
                case ClientCommand.MarkRead r -> new Push("read", r.id(), readMarks.markRead(caller, r.conversationId(), r.seq(), origin));
                case ClientCommand.MarkDelivered d -> {
                    readMarks.markDelivered(caller, d.conversationId(), d.seq());
                    yield ok(d.id());
                }
                case ClientCommand.Edit e -> new Push("ack", e.id(), editing.edit(caller, e.conversationId(), e.messageId(), e.text(), origin));
                case ClientCommand.Recall r -> new Push("ack", r.id(), recalling.recall(caller, r.conversationId(), r.messageId(), origin));
                case ClientCommand.React r -> reacting.react(caller, r.conversationId(), r.messageId(), r.emoji(), r.remove(), origin)
                        .map(ack -> new Push("ack", r.id(), ack)).orElseGet(() -> ok(r.id()));
                case ClientCommand.Typing t -> {
                    typing.typing(caller, t.conversationId());
                    yield ok(t.id());
                }
                case ClientCommand.SetPresence p -> {
                    presence.set(caller, origin, p.state());
                    yield ok(p.id());
                }
            };
        } catch (ParleyException e) {
            return error(command.id(), e);
        } catch (RuntimeException e) {
            log.error("Command {} failed", command.getClass().getSimpleName(), e);
            return error(command.id(), new ParleyException(ErrorCode.INTERNAL));
        }
    }

    /** The reply to a command that creates no entry: {@code {"type": "ok", "id"}}. */
    private static Push ok(String id) {
        return new Push("ok", id, null);
    }

    static Push error(String id, ParleyException e) {
        return new Push("error", id, ApiError.of(e));
    }
}
