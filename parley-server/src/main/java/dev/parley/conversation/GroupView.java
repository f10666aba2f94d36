package dev.parley.conversation;

/**
 * A group as one member sees it: {@code role} and {@code mutedUntil} are the caller's own ({@code mutedUntil}
 * only while the mute lasts); {@code announcement} absent when there is none.
 */
public record GroupView(
        long id,
        String name,
        String announcement,
        long ownerId,
        long memberCount,
        boolean allMuted,
        String role,
        Long mutedUntil,
        long createdAt) {}
