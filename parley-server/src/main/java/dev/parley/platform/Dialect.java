package dev.parley.platform;

public enum Dialect { SQLITE, POSTGRESQL }
