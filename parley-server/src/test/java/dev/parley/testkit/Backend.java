package dev.parley.testkit;

/** The databases every protocol test runs on. */
public enum Backend {
    SQLITE, POSTGRESQL;

    public ParleyServer server() {
        return ParleyServer.shared(this);
    }
}
