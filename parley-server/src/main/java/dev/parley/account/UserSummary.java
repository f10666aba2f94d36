package dev.parley.account;

/** What anyone may see of a user. */
public record UserSummary(long id, String username, String displayName) {}
