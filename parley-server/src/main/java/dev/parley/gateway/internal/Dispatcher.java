package dev.parley.gateway.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.ReadMarks;
import dev.parley.delivery.Connection;
import dev.parley.delivery.Push;
import dev.parley.gateway.ClientCommand;
import dev.parley.messaging.MessageHistory;
import dev.parley.messaging.MessageSending;
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
    private final ReadMarks readMarks;
    private final Sync sync;

    Dispatcher(MessageSending sending, MessageHistory history, ReadMarks readMarks, Sync sync) {
        this.sending = sending;
        this.history = history;
        this.readMarks = readMarks;
        this.sync = sync;
    }

    Push dispatch(Caller caller, Connection origin, ClientCommand command) {
        try {
            return switch (command) {
                case ClientCommand.Ping p -> new Push("pong", p.id(), null);
                case ClientCommand.Send s -> new Push("ack", s.id(), sending.send(caller,
                        new MessageSending.SendRequest(s.conversationId(), s.to(), s.clientMsgId(), s.text()), origin));
                case ClientCommand.History h -> new Push("history", h.id(),
                        history.page(caller, h.conversationId(), h.before(), h.after(), h.limit()));
                case ClientCommand.Sync s -> new Push("sync", s.id(), sync.sync(caller, s.token()));
                case ClientCommand.MarkRead r -> new Push("read", r.id(), readMarks.markRead(caller, r.conversationId(), r.seq(), origin));
            };
        } catch (ParleyException e) {
            return error(command.id(), e);
        } catch (RuntimeException e) {
            log.error("Command {} failed", command.getClass().getSimpleName(), e);
            return error(command.id(), new ParleyException(ErrorCode.INTERNAL));
        }
    }

    static Push error(String id, ParleyException e) {
        return new Push("error", id, ApiError.of(e));
    }
}
