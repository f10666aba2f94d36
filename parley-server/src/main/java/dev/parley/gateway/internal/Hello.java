package dev.parley.gateway.internal;

/** The first frame on every connection. */
record Hello(long userId, long sessionId, long serverTime, long heartbeatInterval, long idleTimeout, int maxFrameBytes) {}
