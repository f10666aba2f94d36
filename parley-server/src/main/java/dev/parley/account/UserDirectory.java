package dev.parley.account;

import dev.parley.platform.Tx;
import java.sql.SQLException;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Collectors;
import org.springframework.stereotype.Component;

/** Looks users up for other modules, inside their transactions. */
@Component
public class UserDirectory {
    static final String COLUMNS = "id, username, display_name";

    public Optional<UserSummary> find(Tx tx, long id) throws SQLException {
        return tx.queryOne("SELECT " + COLUMNS + " FROM users WHERE id = ?", UserDirectory::map, id);
    }

    public Map<Long, UserSummary> findAll(Tx tx, Collection<Long> ids) throws SQLException {
        Map<Long, UserSummary> out = new LinkedHashMap<>();
        if (ids.isEmpty()) return out;
        List<Long> distinct = ids.stream().distinct().toList();
        // Chunks keep well inside both dialects' bound-parameter limits.
        for (int from = 0; from < distinct.size(); from += 500) {
            List<Long> chunk = distinct.subList(from, Math.min(distinct.size(), from + 500));
            String marks = chunk.stream().map(x -> "?").collect(Collectors.joining(","));
            for (UserSummary u : tx.query("SELECT " + COLUMNS + " FROM users WHERE id IN (" + marks + ")",
                    UserDirectory::map, chunk.toArray())) {
                out.put(u.id(), u);
            }
        }
        return out;
    }

    public static UserSummary map(java.sql.ResultSet rs) throws SQLException {
        return new UserSummary(rs.getLong("id"), rs.getString("username"), rs.getString("display_name"));
    }
}
