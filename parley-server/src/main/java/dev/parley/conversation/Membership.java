package dev.parley.conversation;

/**
 * A user's place in a conversation, current or former. {@code peerId}: the other member of a direct conversation.
 * {@code leftSeq}: set when the membership ended (the last entry the user may see). {@code clearedSeq}: entries up to
 * here are hidden from the user (delete for me; for a group member, everything before the entry that added them).
 */
public record Membership(
        long conversationId,
        String kind,
        long userId,
        Long peerId,
        long readSeq,
        long lastSeq,
        long deliveredSeq,
        long clearedSeq,
        Long leftSeq,
        String role,
        Long mutedUntil,
        boolean allMuted,
        long memberCount,
        long memberSeq) {

    public static final String OWNER = "owner";
    public static final String ADMIN = "admin";
    public static final String MEMBER = "member";

    public boolean active() { return leftSeq == null; }

    public boolean isGroup() { return Conversations.GROUP.equals(kind); }

    public boolean isOwner() { return OWNER.equals(role); }

    public boolean isAdmin() { return OWNER.equals(role) || ADMIN.equals(role); }

    /** The last entry this user may see: the conversation's last, or the one that ended their membership. */
    public long visibleLast() { return leftSeq != null ? leftSeq : lastSeq; }

    public boolean sees(long seq) { return seq > clearedSeq && seq <= visibleLast(); }

    public boolean mutedAt(long now) { return mutedUntil != null && mutedUntil > now; }
}
