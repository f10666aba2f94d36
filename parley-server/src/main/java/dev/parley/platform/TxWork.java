package dev.parley.platform;

import java.sql.SQLException;

@FunctionalInterface
public interface TxWork<T> {
    T run(Tx tx) throws SQLException;
}
