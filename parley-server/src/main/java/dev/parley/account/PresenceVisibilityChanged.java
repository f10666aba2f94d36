package dev.parley.account;

/**
 * Published (as a Spring application event, after commit) when a user changes who sees their presence:
 * {@code friends} or {@code nobody}.
 */
public record PresenceVisibilityChanged(long userId, String visibility) {}
