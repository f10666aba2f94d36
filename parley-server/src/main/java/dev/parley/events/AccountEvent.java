package dev.parley.events;

/** One entry of a user's account event stream: pushed live as an {@code event} frame and replayed by sync. */
public record AccountEvent(long seq, String kind, Object data, long at) {}
