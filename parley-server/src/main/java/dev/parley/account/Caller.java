package dev.parley.account;

/** The authenticated user and device session behind a request or connection. */
public record Caller(long userId, long sessionId) {}
