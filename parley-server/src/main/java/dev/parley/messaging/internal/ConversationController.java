package dev.parley.messaging.internal;

import dev.parley.account.Caller;
import dev.parley.conversation.ReadMarks;
import dev.parley.messaging.ConversationListing;
import dev.parley.messaging.MessageHistory;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.util.List;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

@RestController
@RequestMapping("/api/v1/conversations")
@Tag(name = "Conversations")
@SecurityRequirement(name = "bearer")
class ConversationController {
    record ReadRequest(Long seq) {}

    private final ConversationListing listing;
    private final MessageHistory history;
    private final ReadMarks readMarks;
    private final MessageReaders readers;

    ConversationController(ConversationListing listing, MessageHistory history, ReadMarks readMarks, MessageReaders readers) {
        this.listing = listing;
        this.history = history;
        this.readMarks = readMarks;
        this.readers = readers;
    }

    @GetMapping
    @Operation(summary = "Conversation list: peer or group, last message, unread and mention counts; latest activity first")
    List<ConversationListing.Entry> list(Caller caller) {
        return listing.list(caller);
    }

    @GetMapping("/{id}/messages")
    @Operation(summary = "History by sequence number: after=n (catch up), before=n (scroll back), around=n (jump), or the latest page")
    MessageHistory.Page messages(Caller caller, @PathVariable long id, @RequestParam(required = false) Long before,
                                 @RequestParam(required = false) Long after, @RequestParam(required = false) Long around,
                                 @RequestParam(required = false) Integer limit) {
        return history.page(caller, id, before, after, around, limit);
    }

    @GetMapping("/{id}/messages/{messageId}/readers")
    @Operation(summary = "How many members have read a message, and who (direct conversations and groups up to receipts-group-size)")
    MessageReaders.Readers readers(Caller caller, @PathVariable long id, @PathVariable long messageId) {
        return readers.readers(caller, id, messageId);
    }

    @PostMapping("/{id}/read")
    @Operation(summary = "Mark read up to a sequence number; pushed to your other devices")
    ReadMarks.ReadMark read(Caller caller, @PathVariable long id, @RequestBody ReadRequest r) {
        return readMarks.markRead(caller, id, r.seq(), null);
    }
}
