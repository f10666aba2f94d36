package dev.parley.sync;

import dev.parley.conversation.ConversationSummary;
import dev.parley.events.AccountEvent;
import java.util.List;

/**
 * What changed for a user since a sync token. {@code conversations}: those whose entries or read cursor may have
 * changed (possibly a few more: the client compares lastSeq with what it holds). {@code hasMore}: more account
 * events wait; sync again with {@code token} at once.
 */
public record SyncResult(String token, List<AccountEvent> events, List<ConversationSummary> conversations, boolean hasMore, boolean full) {}
